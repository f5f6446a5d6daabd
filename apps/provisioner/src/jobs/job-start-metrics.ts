import type { EntityManager } from 'typeorm';
import { skyportMetrics } from '@skyport/telemetry';

/**
 * A launch's first job started: the last phases of the launch histogram — `start_job` (cluster UP until the job
 * runs) and `total` (accepted by the api until the job runs), by the provider the cluster is on. Read in the
 * transaction that marked the job running, from the request and its `cluster.up` event.
 */
export async function observeLaunchJobStarted(tx: EntityManager, requestId: string): Promise<void> {
  const rows: Array<{ total: number; since_up: number | null; infra: string | null }> = await tx.query(
    `SELECT EXTRACT(EPOCH FROM now() - r.created_at)::float AS total,
            EXTRACT(EPOCH FROM now() - up.created_at)::float AS since_up,
            c.infra
       FROM requests r
       LEFT JOIN clusters c ON c.name = r.cluster_name
       LEFT JOIN LATERAL (SELECT created_at FROM events WHERE request_id = r.id AND type = 'cluster.up' ORDER BY id DESC LIMIT 1) up ON true
      WHERE r.id = $1 AND r.kind = 'launch'`,
    [requestId],
  );
  const row = rows[0];
  if (!row) return;
  const provider = (row.infra ?? 'unknown').split('/')[0]; // `kubernetes/<context>`, `aws/<region>`
  skyportMetrics.launchPhaseSeconds().observe({ phase: 'total', provider }, Math.max(0, Number(row.total)));
  if (row.since_up !== null) skyportMetrics.launchPhaseSeconds().observe({ phase: 'start_job', provider }, Math.max(0, Number(row.since_up)));
}
