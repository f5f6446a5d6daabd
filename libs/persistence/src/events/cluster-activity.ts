import type { EntityManager } from 'typeorm';

/** Postgres channel woken when a cluster's activity changes outside a job (an ssh session opened or closed). */
export const ACTIVITY_CHANNEL = 'skyport_cluster_activity';

/** Tells listeners (autodown) that this cluster's idle window may have moved. */
export async function notifyClusterActivity(manager: EntityManager, clusterName: string): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [ACTIVITY_CHANNEL, clusterName]);
}
