import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, NODE_CONTAINER, NODE_LABELS, RequestKind, RequestStatus } from '@skyport/contracts';
import { execCommand, isKubeNotFound, listClusterNodes, type KubeClientProvider } from '@skyport/kube';

/**
 * A Skyport cluster as the provisioner leaves it — labelled pods Running on the local control plane and an UP
 * cluster row — so job, log and autodown tests run against real Kubernetes without depending on the launch path.
 */
export interface FixtureCluster {
  name: string;
  context: string;
  namespace: string;
  nodes: number;
}

export async function createFixtureCluster(db: DataSource, kube: KubeClientProvider, cluster: FixtureCluster): Promise<void> {
  const core = kube.forContext(cluster.context).core;
  await core.createNamespace({ body: { metadata: { name: cluster.namespace } } }).catch((e: unknown) => {
    if ((e as { code?: number }).code !== 409) throw e;
  });
  for (let rank = 0; rank < cluster.nodes; rank++) {
    await core.createNamespacedPod({
      namespace: cluster.namespace,
      body: {
        metadata: {
          name: rank === 0 ? `${cluster.name}-head` : `${cluster.name}-worker-${rank}`,
          labels: { [NODE_LABELS.cluster]: cluster.name, [NODE_LABELS.nodeRank]: String(rank), [NODE_LABELS.managedBy]: NODE_LABELS.managedByValue },
        },
        spec: { containers: [{ name: NODE_CONTAINER, image: 'busybox' }] },
      },
    });
  }
  const placement = { name: cluster.name, infra: `kubernetes/${cluster.context}`, namespace: cluster.namespace };
  for (let i = 0; ; i++) {
    const nodes = await listClusterNodes(kube, placement);
    if (nodes.length === cluster.nodes && nodes.every((n) => n.phase === 'Running')) {
      // The harness creates each pod's exec configuration just after it runs.
      const ok = await Promise.all(nodes.map((n) => execCommand(n.target, ['true']).then(() => true, () => false)));
      if (ok.every(Boolean)) break;
    }
    if (i > 300) throw new Error(`pods of ${cluster.name} did not start`);
    await sleep(100);
  }
  await db.query(
    `INSERT INTO clusters (name, phase, infra, namespace, num_nodes, last_activity_at) VALUES ($1, $2, $3, $4, $5, now())`,
    [cluster.name, ClusterStatus.Up, placement.infra, cluster.namespace, cluster.nodes],
  );
}

export async function deleteNamespace(kube: KubeClientProvider, context: string, namespace: string): Promise<void> {
  await kube
    .forContext(context)
    .core.deleteNamespace({ name: namespace })
    .catch((e: unknown) => {
      if (!isKubeNotFound(e)) throw e;
    });
}

let jobCounter = new Map<string, number>();

/** Adds a PENDING job (with its request) as the api does; returns its job id. */
export async function addJob(db: DataSource, clusterName: string, task: { run?: string; setup?: string; envs?: Record<string, string> }, kind = RequestKind.Exec): Promise<number> {
  const jobId = (jobCounter.get(clusterName) ?? 0) + 1;
  jobCounter.set(clusterName, jobId);
  const requestId = randomUUID();
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload) VALUES ($1, $2, $3, $4, $5, 'test', '{}')`, [
      requestId,
      kind,
      RequestStatus.Pending,
      clusterName,
      jobId,
    ]);
    await tx.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, $2, $3, $4, $5)`, [
      clusterName,
      jobId,
      JobStatus.Pending,
      requestId,
      JSON.stringify({ envs: {}, resources: [], ...task }),
    ]);
  });
  return jobId;
}

export function resetJobCounters(): void {
  jobCounter = new Map();
}

export interface JobRow {
  status: JobStatus;
  exit_codes: number[] | null;
  started_at: Date | null;
  ended_at: Date | null;
}

export async function jobRow(db: DataSource, clusterName: string, jobId: number): Promise<JobRow> {
  const rows: JobRow[] = await db.query(`SELECT status, exit_codes, started_at, ended_at FROM jobs WHERE cluster_name = $1 AND job_id = $2`, [clusterName, jobId]);
  return rows[0];
}

export async function waitForJob(db: DataSource, clusterName: string, jobId: number, wanted: JobStatus[], timeoutMs = 30_000): Promise<JobRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await jobRow(db, clusterName, jobId);
    if (row && wanted.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`job ${clusterName}/${jobId} is ${row?.status}, not ${wanted.join('|')} after ${timeoutMs} ms`);
    await sleep(100);
  }
}
