import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { QueueName, type Placement } from '@skyport/contracts';
import { createTestDatabase, freePort, startService, testRedisUrl, type RunningService } from '@skyport/dev-stack';
import { type KubeClients } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import { runMigrations } from '@skyport/persistence';
import { parseTaskYaml } from '@skyport/task-spec';

// Team namespaces in placement and the one FIFO for capacity waits, end to end through the optimizer and the
// provisioner (both as processes) on the local cluster (`small` layout: 4 nodes of 8 CPUs).
const target = testKubeTarget();
const hasStack = Boolean(target && process.env.SKYPORT_TEST_DATABASE_URL && process.env.SKYPORT_TEST_REDIS_URL);

describe('team namespaces and the capacity queue (optimizer + provisioner processes, local cluster)', { skip: hasStack ? false : 'needs the local stack (npm test)' }, () => {
  let db: { url: string; drop: () => Promise<void> };
  let pg: Client;
  let redis: IORedis;
  let clients: KubeClients;
  const namespaces: Array<{ name: string; drop: () => Promise<void> }> = [];
  const services: RunningService[] = [];
  let context: string;

  async function launch(cluster: string, yaml: string, extra: { placement?: Placement; noBurst?: boolean; failFast?: boolean; priority?: number }): Promise<string> {
    const id = randomUUID();
    const task = parseTaskYaml(yaml).tasks[0];
    await pg.query(`INSERT INTO clusters (name, phase) VALUES ($1, 'INIT')`, [cluster]);
    await pg.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'PENDING', $2, 1, 'h', $3, 'it')`, [
      id,
      cluster,
      JSON.stringify({ task, priority: 0, ...extra }),
    ]);
    await pg.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'PENDING', $2, $3)`, [cluster, id, JSON.stringify(task)]);
    const q = new Queue(QueueName.Optimize, { connection: redis });
    try {
      await q.add(QueueName.Optimize, { requestId: id, clusterName: cluster }, { jobId: `optimize:${id}:0` });
    } finally {
      await q.close();
    }
    return id;
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${services.map((s) => s.output()).join('\n').slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const clusterRow = async (name: string) =>
    (await pg.query(`SELECT status, namespace, status_reason FROM clusters WHERE name = $1`, [name])).rows[0] as { status: string; namespace: string | null; status_reason: string | null };
  const upIn = (name: string) => waitFor(`cluster ${name} UP`, async () => ((await clusterRow(name))?.status === 'UP' ? clusterRow(name) : undefined));
  const event = async (requestId: string, type: string) =>
    (await pg.query(`SELECT id, message, data FROM events WHERE request_id = $1 AND type = $2 ORDER BY id DESC LIMIT 1`, [requestId, type])).rows[0] as
      | { id: string; message: string; data: { position?: number } }
      | undefined;

  before(async () => {
    context = target!.context;
    clients = testProvider(target!).forContext(context);
    for (const label of ['team-a', 'team-b', 'fill']) namespaces.push(await createTestNamespace(clients, `tq-${label}`));
    db = await createTestDatabase('team_queue');
    await runMigrations(db.url);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const redisUrl = testRedisUrl();
    redis = new IORedis(redisUrl, { maxRetriesPerRequest: null });
    await redis.flushdb();
    const configFile = join(mkdtempSync(join(tmpdir(), 'skyport-team-queue-')), 'config.yaml');
    writeFileSync(configFile, `allowed_clouds: [aws]\nkubernetes:\n  allowed_contexts: [${context}]\n  provision_timeout: 20\n`);
    const common = {
      SKYPORT_DATABASE_URL: db.url,
      SKYPORT_REDIS_URL: redisUrl,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_CONFIG: configFile,
      SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
    };
    services.push(await startService('provisioner', { ...common, KUBECONFIG: target!.kubeconfig }, 60_000));
    services.push(await startService('optimizer', { ...common, SKYPORT_ENABLED_CLOUDS: '' }, 60_000));
  });

  after(async () => {
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    for (const ns of namespaces) await ns.drop().catch(() => undefined);
    await redis?.quit().catch(() => undefined);
    await pg?.end().catch(() => undefined);
    await db?.drop();
  });

  it("two teams: each launch lands in its team's namespace; a context where the team has none is no candidate, with that reason", async () => {
    const [a, b] = [namespaces[0]!.name, namespaces[1]!.name];
    const task = 'resources:\n  cpus: 0.5\n  memory: 1\nrun: sleep 600\n';
    await launch('tq-a', task, { placement: { team: 'a', namespaces: [{ context, namespace: a }] } });
    await launch('tq-b', task, { placement: { team: 'b', namespaces: [{ context: 'ctx-elsewhere', namespace: 'b-x' }, { context, namespace: b }] } });
    const c = await launch('tq-c', task, { placement: { team: 'c', namespaces: [{ context: 'ctx-elsewhere', namespace: 'c' }] } });
    assert.equal((await upIn('tq-a')).namespace, a);
    assert.equal((await upIn('tq-b')).namespace, b);
    assert.equal((await clients.core.readNamespacedPod({ name: 'tq-a-head', namespace: a })).status?.phase, 'Running');
    assert.equal((await clients.core.readNamespacedPod({ name: 'tq-b-head', namespace: b })).status?.phase, 'Running');
    const failed = await waitFor('team c to fail', async () => {
      const r = (await pg.query(`SELECT status, error_message FROM requests WHERE id = $1`, [c])).rows[0] as { status: string; error_message: string };
      return r.status === 'FAILED' ? r : undefined;
    });
    assert.match(failed.error_message, new RegExp(`${context}: team 'c' has no namespace on this context \\(its contexts: ctx-elsewhere\\)`));
  });

  it('capacity waits are one FIFO: a later small launch does not overtake an earlier big one; the head runs first when room frees', async () => {
    const fill = namespaces[2]!.name;
    const teamA = { team: 'a', namespaces: [{ context, namespace: namespaces[0]!.name }] };
    // Leave 1 CPU free on every node (whatever else runs there): a 0.5-CPU task would fit now, a 4-CPU one nowhere.
    const fillers = await fillAllButOneCpu(clients, fill);
    const big = await launch('tq-big', 'resources:\n  cpus: 4\n  memory: 2\nrun: sleep 600\n', { placement: teamA, noBurst: true });
    const bigWait = await waitFor('the big launch to wait', () => event(big, 'request.waiting'));
    assert.match(bigWait.message, /^waiting for capacity \(--no-burst\), position 1 in the queue: /);

    // Fits now (≈1 CPU free per node), but an earlier launch waits for this context: it queues behind it.
    const small = await launch('tq-small', 'resources:\n  cpus: 0.5\n  memory: 1\nrun: sleep 600\n', { placement: teamA });
    const smallWait = await waitFor('the small launch to wait', () => event(small, 'request.waiting'));
    assert.match(smallWait.message, /^waiting for capacity, position 2 in the queue: .*capacity here goes first to an earlier launch \(cluster 'tq-big'\)/);
    // Asked to fail fast: no waiting, the request fails with the reason.
    const hasty = await launch('tq-hasty', 'resources:\n  cpus: 0.5\n  memory: 1\nrun: x\n', { placement: teamA, failFast: true });
    await waitFor('the fail-fast launch to fail', async () => ((await pg.query(`SELECT status FROM requests WHERE id = $1`, [hasty])).rows[0]?.status === 'FAILED' ? true : undefined));
    await new Promise((r) => setTimeout(r, 3_500));
    assert.equal(await event(small, 'plan.created'), undefined, 'the small launch did not overtake');

    await clients.core.deleteNamespacedPod({ name: fillers[0]!, namespace: fill, gracePeriodSeconds: 0 });
    await upIn('tq-big');
    await upIn('tq-small');
    const [bigPlan, smallPlan] = [await event(big, 'plan.created'), await event(small, 'plan.created')];
    assert.ok(BigInt(bigPlan!.id) < BigInt(smallPlan!.id), 'the head of the queue was placed first');
    assert.equal((await pg.query(`SELECT count(*)::int AS n FROM capacity_waits`)).rows[0].n, 0, 'both left the queue');
  });
});

/**
 * Binds one pod to every schedulable node asking for all its free CPU but 1 (free = allocatable − requests of the
 * pods on it), biggest first; answers the fillers' names in that order.
 */
async function fillAllButOneCpu(clients: KubeClients, namespace: string): Promise<string[]> {
  const milli = (q: string | undefined): number => (q ? (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000) : 0);
  const nodes = (await clients.core.listNode()).items.filter((n) => !n.spec?.unschedulable && !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule'));
  const pods = (await clients.core.listPodForAllNamespaces()).items.filter((p) => p.spec?.nodeName && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
  const sizes = nodes
    .map((n) => {
      const used = pods.filter((p) => p.spec?.nodeName === n.metadata?.name).reduce((sum, p) => sum + (p.spec?.containers ?? []).reduce((c, k) => c + milli(k.resources?.requests?.cpu), 0), 0);
      return { node: n.metadata?.name ?? '', cpu: milli(n.status?.allocatable?.cpu) - used - 1000 };
    })
    .filter((s) => s.cpu > 0)
    .sort((a, b) => b.cpu - a.cpu);
  for (const [i, s] of sizes.entries()) {
    await clients.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: `filler-${i}` },
        spec: { nodeName: s.node, containers: [{ name: 'f', image: 'busybox', resources: { requests: { cpu: `${s.cpu}m`, memory: '1Gi' } } }] },
      },
    });
  }
  for (let i = 0; i < 300; i++) {
    const running = (await clients.core.listNamespacedPod({ namespace })).items.filter((p) => p.status?.phase === 'Running').length;
    if (running === sizes.length) return sizes.map((_, k) => `filler-${k}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the filler pods did not run');
}
