import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '@grpc/grpc-js';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { OptimizerRpc, ProvisionerRpc, QueueName } from '@skyport/contracts';
import { createTestDatabase, freePort, grpcTlsEnv, startService, testRedisUrl, type RunningService } from '@skyport/dev-stack';
import { runMigrations } from '@skyport/persistence';
import { contextCapacity } from '@skyport/planner/testing';
import { callUnary, grpcClientArgs, grpcSecurity, startGrpcServer, stopGrpcServer } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';

const CPU_TASK = 'name: hello\nresources:\n  cpus: 2\nrun: echo hello\n';
const GPU_TASK = 'name: train\nresources:\n  accelerators: A100:8\nrun: python train.py\n';

function taskJson(yaml: string): string {
  return JSON.stringify(parseTaskYaml(yaml).tasks[0]);
}

/** The `gpu` layout: two nodes of 8 A100 each, as the provisioner would report them. */
function gpuLayout(freeGpus: number): ProvisionerRpc.ContextCapacity {
  const node = { cpus: 96, memoryGb: 1024, gpus: 8, freeGpus, gpuModel: 'A100', taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] };
  return contextCapacity('ctx-gpu', [node, node], { namespace: 'skyport' });
}

describe('optimizer (real Postgres + Redis, optimizer as its own process, Provisioner.Capacity over gRPC)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let redisUrl: string;
  let pg: Client;
  let redis: IORedis;
  let optimizer: RunningService;
  let provisioner: { server: Server; port: number } | undefined;
  let provisionerPort: number;
  let optimizerClient: OptimizerRpc.OptimizerClient;
  let snapshot: ProvisionerRpc.ContextCapacity[] = [];

  async function startFakeProvisioner(): Promise<void> {
    const implementation: ProvisionerRpc.ProvisionerServer = {
      capacity: (_call, callback) => callback(null, { contexts: snapshot }),
      check: (_call, callback) => callback(null, { contexts: [], clouds: [] }),
      endpoints: (_call, callback) => callback(null, { endpoints: {} }),
    };
    provisioner = await startGrpcServer(`127.0.0.1:${provisionerPort}`, [{ definition: ProvisionerRpc.ProvisionerService, implementation }], {
      security: grpcSecurity(grpcTlsEnv('provisioner'), 'test'),
    });
  }

  const plan = (yaml: string): Promise<OptimizerRpc.PlanResponse> =>
    callUnary(optimizerClient.plan.bind(optimizerClient), { taskJson: taskJson(yaml), clusterName: 'dry', blocked: [], contexts: [] }, 10_000);

  async function insertRequest(yaml: string): Promise<string> {
    const id = randomUUID();
    await pg.query(
      `INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload) VALUES ($1, 'launch', 'PENDING', $2, 1, 'h', $3)`,
      [id, `c-${id.slice(0, 8)}`, JSON.stringify({ task: JSON.parse(taskJson(yaml)) })],
    );
    return id;
  }

  async function jobsOf(queue: QueueName): Promise<Array<{ id: string; data: Record<string, unknown> }>> {
    const q = new Queue(queue, { connection: redis });
    try {
      const jobs = await q.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
      return jobs.map((j) => ({ id: String(j.id), data: j.data as Record<string, unknown> }));
    } finally {
      await q.close();
    }
  }

  async function enqueueOptimize(requestId: string, jobId = `optimize:${requestId}:0`): Promise<void> {
    const q = new Queue(QueueName.Optimize, { connection: redis });
    try {
      await q.add(QueueName.Optimize, { requestId, clusterName: `c-${requestId.slice(0, 8)}` }, { jobId });
    } finally {
      await q.close();
    }
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${optimizer.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  before(async () => {
    db = await createTestDatabase('optimizer');
    await runMigrations(db.url);
    redisUrl = testRedisUrl();
    redis = new IORedis(redisUrl, { maxRetriesPerRequest: null });
    await redis.flushdb();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    provisionerPort = await freePort();
    await startFakeProvisioner();
    const grpcPort = await freePort();
    // Its own Skyport config file, so a developer's ~/.skyport/config.yaml never leaks into the test.
    const configFile = join(mkdtempSync(join(tmpdir(), 'skyport-optimizer-it-')), 'config.yaml');
    writeFileSync(configFile, 'allowed_clouds: [lambda, aws]\nkubernetes:\n  context_configs:\n    ctx-a:\n      pricing: {cpu_per_hour: 0}\n');
    optimizer = await startService('optimizer', {
      SKYPORT_DATABASE_URL: db.url,
      SKYPORT_REDIS_URL: redisUrl,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${grpcPort}`,
      SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${provisionerPort}`,
      SKYPORT_ENABLED_CLOUDS: 'lambda',
      SKYPORT_CAPACITY_TIMEOUT_MS: '1000',
      SKYPORT_CONFIG: configFile,
    });
    optimizerClient = new OptimizerRpc.OptimizerClient(`127.0.0.1:${grpcPort}`, ...grpcClientArgs(grpcSecurity(grpcTlsEnv('api'), 'test'), 'optimizer'));
  });

  after(async () => {
    optimizerClient?.close();
    await optimizer?.stop();
    if (provisioner) await stopGrpcServer(provisioner.server, 100);
    await redis?.quit();
    await pg?.end();
    await db?.drop();
  });

  it('optimize: plans on live capacity, stores the plan and an event, enqueues provision with the plan id', async () => {
    snapshot = [contextCapacity('ctx-a', [{ cpus: 4, memoryGb: 16 }], { namespace: 'team-a' })];
    const requestId = await insertRequest(CPU_TASK);
    await enqueueOptimize(requestId);
    const provision = await waitFor('the provision job', async () => (await jobsOf(QueueName.Provision)).find((j) => j.data.requestId === requestId));
    const rows = await pg.query(`SELECT id, chosen_index, plan FROM plans WHERE request_id = $1`, [requestId]);
    assert.equal(rows.rowCount, 1);
    assert.equal(provision.data.planId, rows.rows[0].id);
    const stored = rows.rows[0].plan as OptimizerRpc.PlanResponse & { table: string };
    assert.equal(rows.rows[0].chosen_index, 0);
    assert.equal(stored.candidates[0].candidateId, 'kubernetes/ctx-a');
    assert.equal(stored.candidates[0].namespace, 'team-a');
    assert.match(stored.table, /Kubernetes \(ctx-a\)\s+2CPU--2GB\s+2\s+2\s+-\s+0\.00\s+✔/);
    const status = await pg.query(`SELECT status FROM requests WHERE id = $1`, [requestId]);
    assert.equal(status.rows[0].status, 'RUNNING');
    const events = await pg.query(`SELECT type, message FROM events WHERE request_id = $1`, [requestId]);
    assert.ok(events.rows.some((e: { type: string; message: string }) => e.type === 'plan.created' && /chose Kubernetes \(ctx-a\) 2CPU--2GB/.test(e.message)));

    // A redelivery (same payload, another job id) reuses the stored plan instead of planning again.
    await enqueueOptimize(requestId, `optimize:${requestId}:redelivered`);
    await waitFor('the redelivered job', async () => ((await jobsOf(QueueName.Optimize)).length >= 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await pg.query(`SELECT count(*)::int AS n FROM plans WHERE request_id = $1`, [requestId])).rows[0].n, 1);
  });

  it('Optimizer.Plan follows capacity: a full GPU layout is infeasible with the reason, a freed one is chosen', async () => {
    snapshot = [gpuLayout(0)];
    const busy = await plan(GPU_TASK);
    const k8sBusy = busy.candidates.find((c) => c.provider === 'kubernetes');
    assert.equal(k8sBusy?.feasible, false);
    assert.equal(k8sBusy?.reason, 'ctx-gpu: no free A100 GPUs; the task needs 8');
    assert.equal(busy.candidates[busy.chosenIndex].provider, 'lambda');

    snapshot = [gpuLayout(4)];
    const half = await plan(GPU_TASK);
    assert.equal(half.candidates.find((c) => c.provider === 'kubernetes')?.reason, 'ctx-gpu: largest free GPU block is 4× A100; the task needs 8');

    snapshot = [gpuLayout(8)];
    const free = await plan(GPU_TASK);
    assert.equal(free.chosenIndex, 0);
    assert.equal(free.candidates[0].candidateId, 'kubernetes/ctx-gpu');
    assert.equal(free.candidates[0].instanceType, '32CPU--128GB--A100:8');
  });

  it('nothing feasible: the request fails with every reason and the cluster is handed to teardown', async () => {
    snapshot = [contextCapacity('ctx-a', [{ cpus: 4, memoryGb: 16 }])];
    const requestId = await insertRequest('resources:\n  accelerators: H100:8\n  infra: kubernetes\nrun: x\n');
    await enqueueOptimize(requestId);
    const row = await waitFor('the request to fail', async () => {
      const r = await pg.query(`SELECT status, error_code, error_message FROM requests WHERE id = $1`, [requestId]);
      return r.rows[0].status === 'FAILED' ? (r.rows[0] as { error_code: string; error_message: string }) : undefined;
    });
    assert.equal(row.error_code, 'NO_FEASIBLE_RESOURCES');
    assert.match(row.error_message, /ctx-a: no GPU nodes with H100/);
    const teardown = await waitFor('the teardown job', async () => (await jobsOf(QueueName.Teardown)).find((j) => j.data.requestId === requestId));
    assert.equal(teardown.data.reason, 'failed-launch');
    assert.equal((await jobsOf(QueueName.Provision)).filter((j) => j.data.requestId === requestId).length, 0);
  });

  it('provisioner unavailable: every Kubernetes candidate says so and the plan still answers', async () => {
    if (provisioner) await stopGrpcServer(provisioner.server, 100);
    provisioner = undefined;
    const answer = await plan(CPU_TASK);
    const k8s = answer.candidates.filter((c) => c.provider === 'kubernetes');
    assert.equal(k8s.length, 1);
    assert.match(k8s[0].reason, /^Kubernetes: provisioner unavailable, capacity unknown/);
    await startFakeProvisioner();
  });

  it('--no-burst: no Kubernetes capacity means waiting (position and reason, no cloud), then it runs when capacity frees', async () => {
    snapshot = [gpuLayout(0)];
    const id = randomUUID();
    const cluster = `c-${id.slice(0, 8)}`;
    await pg.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload) VALUES ($1, 'launch', 'PENDING', $2, 1, 'h', $3)`, [
      id,
      cluster,
      JSON.stringify({ task: JSON.parse(taskJson(GPU_TASK)), noBurst: true }),
    ]);
    await enqueueOptimize(id);
    const waiting = await waitFor('the waiting event', async () => {
      const r = await pg.query(`SELECT message FROM events WHERE request_id = $1 AND type = 'request.waiting'`, [id]);
      return r.rows[0] as { message: string } | undefined;
    });
    // Lambda (enabled) could run it, but the task opted out of bursting.
    assert.match(waiting.message, /^waiting for capacity \(--no-burst\), position 1 in the queue: /);
    assert.equal((await pg.query(`SELECT status FROM requests WHERE id = $1`, [id])).rows[0].status, 'PENDING');
    await new Promise((r) => setTimeout(r, 4_000));
    assert.equal((await jobsOf(QueueName.Provision)).filter((j) => j.data.requestId === id).length, 0);
    assert.equal((await jobsOf(QueueName.Teardown)).filter((j) => j.data.requestId === id).length, 0, 'a waiting task is not failed');
    // One plan.infeasible, then a request.waiting only when the position or the reason changes, not one per round.
    const told = (await pg.query(`SELECT type, message FROM events WHERE request_id = $1 AND type IN ('request.waiting', 'plan.infeasible') ORDER BY id`, [id])).rows as Array<{ type: string; message: string }>;
    assert.equal(told.filter((e) => e.type === 'plan.infeasible').length, 1);
    const waits = told.filter((e) => e.type === 'request.waiting').map((e) => e.message);
    assert.ok(waits.length >= 1 && waits.every((m, k) => k === 0 || m !== waits[k - 1]), JSON.stringify(waits));
    assert.match(waits[waits.length - 1] ?? '', /ctx-gpu: no free A100 GPUs; the task needs 8$/);

    snapshot = [gpuLayout(8)];
    const provision = await waitFor('the provision job once GPUs are free', async () => (await jobsOf(QueueName.Provision)).find((j) => j.data.requestId === id), 20_000);
    const chosen = await pg.query(`SELECT plan FROM plans WHERE id = $1`, [provision.data.planId]);
    assert.equal((chosen.rows[0].plan as OptimizerRpc.PlanResponse).candidates[0].candidateId, 'kubernetes/ctx-gpu');
  });

  it('a malformed task is refused with INVALID_TASK', async () => {
    await assert.rejects(
      callUnary(optimizerClient.plan.bind(optimizerClient), { taskJson: '{"resources": []}', clusterName: 'x', blocked: [], contexts: [] }),
      (error: { code?: string; userMessage?: string }) => error.code === 'INVALID_TASK' && /non-empty list/.test(error.userMessage ?? ''),
    );
  });
});
