import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * The one shape of a status change in the provisioner: the row moves only if its `status` is still one of `from`
 * (for a cluster, the computed status: the caller sets its `phase`),
 * so two replicas (or a replica and a `down`) racing for the same row each see whether they won. The caller
 * records the event in the same transaction, and only when this returns true. Used through `transitionCluster` and
 * the launch fence; `transitionJobs` is the same compare-and-set with the moved jobs returned.
 */
export async function compareAndSetStatus<E extends ObjectLiteral>(
  tx: EntityManager,
  entity: EntityTarget<E>,
  row: { where: string; params: ObjectLiteral },
  from: readonly string[],
  set: QueryDeepPartialEntity<E>,
): Promise<boolean> {
  const res = await tx
    .createQueryBuilder()
    .update(entity)
    .set(set)
    .where(`${row.where} AND status IN (:...from)`, { ...row.params, from: [...from] })
    .execute();
  return (res.affected ?? 0) > 0;
}
