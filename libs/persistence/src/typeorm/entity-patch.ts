import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * An entity patch for `update()` and `.set()` that may carry typed JSON columns. TypeORM types a patch as
 * QueryDeepPartialEntity, which maps into every nested value of a JSON column and has no branch an `unknown` leaf
 * fits (a task's `config.raw`, `service`, `acceleratorArgs`), so a patch of exactly the entity's own types is
 * refused. A jsonb column is written whole, so the patch is what TypeORM writes: the one cast for that is here.
 */
export function entityPatch<E>(patch: Partial<E>): QueryDeepPartialEntity<E> {
  return patch as QueryDeepPartialEntity<E>;
}
