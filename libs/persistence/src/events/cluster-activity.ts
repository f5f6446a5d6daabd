import type { EntityManager } from 'typeorm';
import { ACTIVITY_CHANNEL } from '@skyport/contracts';

/** Tells listeners (autodown) that this cluster's idle window may have moved. */
export async function notifyClusterActivity(manager: EntityManager, clusterName: string): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [ACTIVITY_CHANNEL, clusterName]);
}
