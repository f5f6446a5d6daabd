import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, NODE_CONTAINER, NODE_LABELS, RequestKind, RequestStatus } from '@skyport/contracts';
import { SkyportClient, readSse, runSshCommand } from '@skyport/client';
import { freePort, freshTestBackends, startService, testEnv, type RunningService } from '@skyport/dev-stack';
import { KubeClientProvider, execCommand, listClusterNodes } from '@skyport/kube';
import { createDataSource, initializeWithRetry, runMigrations } from '@skyport/persistence';
import { checkInteractiveShell, followJobLog, sink } from './testing/ssh-checks';

const env = testEnv();
const suffix = randomBytes(3).toString('hex');
const namespace = `api-ssh-${suffix}`;
const cluster = `ssh-${suffix}`;
const token = `skp_test_${randomBytes(16).toString('hex')}`;
// Services start in parallel; on a loaded 2-core machine one boot can take well over a minute.
const START_MS = 180_000;

describe('ssh, job logs over SSE and autostop through the api', { skip: env.kubeconfig ? false : 'needs the local Kubernetes control plane' }, () => {
  let db: DataSource;
  let dropDb: () => Promise<void>;
  let kube: KubeClientProvider;
  let context: string;
  let services: RunningService[] = [];
  let endpoint: string;
  let apiEnv: Record<string, string>;

  before(async () => {
    const { db: database, redisUrl } = await freshTestBackends('api_ssh', runMigrations);
    dropDb = database.drop;
    db = await initializeWithRetry(createDataSource(database.url));
    kube = KubeClientProvider.fromSource({ paths: [env.kubeconfig!] });
    context = env.kubeContext ?? kube.defaultContext();
    const core = kube.forContext(context).core;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    for (const rank of [0, 1]) {
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: {
            name: rank === 0 ? `${cluster}-head` : `${cluster}-worker-1`,
            labels: { [NODE_LABELS.cluster]: cluster, [NODE_LABELS.nodeRank]: String(rank), [NODE_LABELS.managedBy]: NODE_LABELS.managedByValue },
          },
          spec: { containers: [{ name: NODE_CONTAINER, image: 'busybox' }] },
        },
      });
    }
    const placement = { name: cluster, infra: `kubernetes/${context}`, namespace };
    for (let i = 0; ; i++) {
      const nodes = await listClusterNodes(kube, placement);
      const ready = nodes.length === 2 && (await Promise.all(nodes.map((n) => execCommand(n.target, ['true']).then(() => true, () => false)))).every(Boolean);
      if (ready) break;
      if (i > 300) throw new Error('pods did not start');
      await sleep(100);
    }
    await db.query(`INSERT INTO clusters (name, phase, infra, namespace, num_nodes, last_activity_at) VALUES ($1, $2, $3, $4, 2, now())`, [
      cluster,
      ClusterStatus.Up,
      placement.infra,
      namespace,
    ]);
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    const serviceEnv = {
      SKYPORT_DATABASE_URL: database.url,
      SKYPORT_REDIS_URL: redisUrl,
      KUBECONFIG: env.kubeconfig!,
      SKYPORT_API_PORT: String(port),
      SKYPORT_BOOTSTRAP_TOKEN: token,
      SKYPORT_BOOTSTRAP_TOKEN_FILE: `/tmp/skyport-test-token-${suffix}`,
      SKYPORT_LOGS_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_LOGS_IDLE_MS: '200',
      SKYPORT_LOGS_SCAN_MS: '300',
    };
    apiEnv = serviceEnv;
    services = await Promise.all([startService('api', serviceEnv, START_MS), startService('logs', serviceEnv, START_MS), startService('provisioner', serviceEnv, START_MS)]);
  });

  after(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await kube
      ?.forContext(context)
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await db?.destroy();
    await dropDb?.();
  });

  it('refuses ssh without a valid token, and to unknown clusters', async () => {
    const out = sink();
    await assert.rejects(runSshCommand({ endpoint, cluster, command: 'true' }, { stdout: out.stream }), (e: Error & { code?: string }) => e.code === 'UNAUTHENTICATED');
    await assert.rejects(runSshCommand({ endpoint, token, cluster: 'nope', command: 'true' }, { stdout: out.stream }), (e: Error & { code?: string }) => e.code === 'NOT_FOUND');
  });

  it('runs one command and returns its exit code and output (ssh c -- cmd)', async () => {
    const out = sink();
    const err = sink();
    const code = await runSshCommand({ endpoint, token, cluster, command: 'echo hello; echo oops >&2; exit 3' }, { stdout: out.stream, stderr: err.stream });
    assert.equal(code, 3);
    assert.equal(out.text(), 'hello\n');
    assert.equal(err.text(), 'oops\n');
    const worker = sink();
    assert.equal(await runSshCommand({ endpoint, token, cluster, node: 1, command: 'echo $POD_NAME' }, { stdout: worker.stream }), 0);
    assert.equal(worker.text().trim(), `${cluster}-worker-1`);
  });

  it('drives an interactive shell through a terminal and records the session', async () => {
    await checkInteractiveShell({ endpoint, token, cluster }, async (mode) => {
      const rows: Array<{ n: number }> = await db.query(
        `SELECT count(*)::int AS n FROM ssh_sessions WHERE cluster_name = $1 AND closed_at IS NULL AND ($2::text IS NULL OR mode = $2)`,
        [cluster, mode ?? null],
      );
      return rows[0].n;
    });
  });

  it("streams a multi-node job's output as SSE with node prefixes, and the end status", async () => {
    const requestId = randomUUID();
    await db.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload) VALUES ($1, $2, $3, $4, 1, 'x', '{}')`, [
      requestId,
      RequestKind.Exec,
      RequestStatus.Pending,
      cluster,
    ]);
    await db.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, $2, $3, $4)`, [
      cluster,
      JobStatus.Pending,
      requestId,
      JSON.stringify({ envs: {}, resources: [], run: 'echo "hi from $SKYPILOT_NODE_RANK"; sleep 1; echo bye' }),
    ]);
    const client = new SkyportClient({ endpoint, token });
    const { lines, end } = await followJobLog(client, cluster, 1);
    assert.deepEqual(end, { status: JobStatus.Succeeded });
    assert.deepEqual([...lines].sort(), ['(head, rank=0) bye', '(head, rank=0) hi from 0', '(worker1, rank=1) bye', '(worker1, rank=1) hi from 1']);
    const tail: string[] = [];
    for await (const l of client.jobLogs(cluster, 1, { tail: 1 })) tail.push(l.line);
    assert.equal(tail.length, 1);
  });

  it('resumes a log stream after kill -9 of the api at the last line it got: nothing lost, nothing twice', async () => {
    const requestId = randomUUID();
    const n = 600;
    await db.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload) VALUES ($1, $2, $3, $4, 2, 'x', '{}')`, [
      requestId,
      RequestKind.Exec,
      RequestStatus.Pending,
      cluster,
    ]);
    await db.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 2, $2, $3, $4)`, [
      cluster,
      JobStatus.Pending,
      requestId,
      JSON.stringify({ envs: {}, resources: [], run: `i=1; while [ $i -le ${n} ]; do echo "n $i"; if [ $((i % 50)) = 0 ]; then sleep 0.3; fi; i=$((i + 1)); done` }),
    ]);
    const seen: Array<{ seq: number; line: string }> = [];
    let end: unknown;
    const read = async (): Promise<void> => {
      const last = seen.length ? String(seen[seen.length - 1].seq) : '';
      const res = await fetch(`${endpoint}/v1/clusters/${cluster}/jobs/2/logs?follow=1`, {
        headers: { authorization: `Bearer ${token}`, ...(last ? { 'last-event-id': last } : {}) },
      });
      assert.equal(res.status, 200);
      for await (const m of readSse(res.body as unknown as AsyncIterable<Uint8Array>)) {
        if (m.event === 'end') end = JSON.parse(m.data);
        else if (m.data) seen.push(JSON.parse(m.data) as { seq: number; line: string });
        if (seen.length === 150 && !end) {
          await services[0].kill();
          return;
        }
      }
    };
    await read().catch(() => undefined);
    assert.ok(seen.length >= 150 && end === undefined, 'the stream was cut mid-way');
    services[0] = await startService('api', apiEnv, START_MS);
    await read();
    assert.deepEqual(end, { status: JobStatus.Succeeded });
    assert.deepEqual(seen.map((l) => l.seq), Array.from({ length: 2 * n }, (_, i) => i + 1));
    for (const prefix of ['(head, rank=0) ', '(worker1, rank=1) ']) {
      const mine = seen.filter((l) => l.line.startsWith(prefix)).map((l) => l.line.slice(prefix.length));
      assert.deepEqual(mine, Array.from({ length: n }, (_, i) => `n ${i + 1}`));
    }
  });

  it('sets and clears autostop, and says Kubernetes cannot stop without --down', async () => {
    const client = new SkyportClient({ endpoint, token });
    const set = await client.setAutostop(cluster, { idleMinutes: 10, down: false });
    assert.deepEqual(set.autostop, { idleMinutes: 10, down: false });
    assert.match(String(set.note), /cannot be stopped/);
    const [row]: Array<{ autostop_minutes: number | null }> = await db.query(`SELECT autostop_minutes FROM clusters WHERE name = $1`, [cluster]);
    assert.equal(row.autostop_minutes, 10);
    const down = await client.setAutostop(cluster, { idleMinutes: 5, down: true });
    assert.equal(down.note, undefined);
    const off = await client.setAutostop(cluster, { idleMinutes: -1, down: false });
    assert.equal(off.autostop, null);
    await assert.rejects(client.setAutostop(cluster, { idleMinutes: 1.5, down: true }), (e: Error & { code?: string }) => e.code === 'INVALID_REQUEST');
  });
});
