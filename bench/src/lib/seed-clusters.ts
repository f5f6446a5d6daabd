import { ClusterStatus, JobStatus } from '@skyport/contracts';
import { ClusterEntity, createDataSource, initializeWithRetry, JobEntity, UserEntity } from '@skyport/persistence';
import { parseTaskYaml } from '@skyport/task-spec';
import { taskYaml } from './launching';

/**
 * Writes `count` clusters straight into a Skyport database, as the provisioner leaves a launched single-pod task:
 * cluster UP on `infra` with its normalised task, job 1 RUNNING. No pods exist for them: they let the read path
 * (status, the dashboard's list) be measured at a size a 2-core machine cannot launch, and results label them
 * "seeded", never "launched". Owned by the user named `ownerName` (the bootstrap admin by default).
 */
export async function seedRunningClusters(databaseUrl: string, opts: { count: number; prefix: string; infra: string; ownerName?: string }): Promise<void> {
  const db = await initializeWithRetry(createDataSource(databaseUrl, { extra: { max: 2 } }), 10, 500);
  try {
    const owner = await db.manager.findOneByOrFail(UserEntity, { name: opts.ownerName ?? 'admin' });
    const task = parseTaskYaml(taskYaml({ name: 'seeded', cpus: 0.25, memory: 0.5 })).tasks[0] as unknown as Record<string, unknown>; // jsonb: TypeORM's deep-partial type does not take a plain record
    const chunk = 1_000; // one INSERT per chunk keeps each statement well under Postgres' 65,535 parameters
    for (let start = 0; start < opts.count; start += chunk) {
      const names = Array.from({ length: Math.min(chunk, opts.count - start) }, (_, i) => `${opts.prefix}${start + i}`);
      await db.transaction(async (tx) => {
        await tx.insert(
          ClusterEntity,
          names.map((name) => ({ name, phase: ClusterStatus.Up, owner: owner.id, infra: opts.infra, namespace: 'default', numNodes: 1, task: task as never, lastActivityAt: new Date() })),
        );
        await tx.insert(
          JobEntity,
          names.map((clusterName) => ({ clusterName, jobId: 1, name: 'seeded', status: JobStatus.Running, task: task as never, startedAt: new Date() })),
        );
      });
    }
  } finally {
    await db.destroy();
  }
}
