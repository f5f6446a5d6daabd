import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runMigrations } from '@skyport/persistence';
import { freePort, freshTestBackends, startService, type RunningService, type TestDatabase } from '@skyport/dev-stack';

/**
 * The built `skyport` binary against the real api (and optimizer for plans), each its own process on real
 * Postgres and Redis: `-o json` shapes, tables, exit codes and error messages as users see them.
 */
const BIN = path.resolve(__dirname, '..', 'bin', 'skyport.js');
const TOKEN = 'skyport-cli-test-token-0123456789';
const TASK = 'name: hello\nresources:\n  cpus: 1+\nrun: echo hello\n';

describe('skyport CLI against the running api', () => {
  let db: TestDatabase;
  let api: RunningService;
  let optimizer: RunningService;
  let endpoint = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'skyport-cli-api-'));
  const taskFile = path.join(dir, 'task.yaml');

  function skyport(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: dir, SKYPORT_API_URL: endpoint, SKYPORT_TOKEN: TOKEN, ...env }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  before(async () => {
    writeFileSync(taskFile, TASK);
    const backends = await freshTestBackends('cli', runMigrations);
    db = backends.db;
    const redisUrl = backends.redisUrl;
    const grpc = `127.0.0.1:${await freePort()}`;
    const common = {
      SKYPORT_DATABASE_URL: db.url,
      SKYPORT_REDIS_URL: redisUrl,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_OPTIMIZER_GRPC: grpc,
      SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_LOGS_GRPC: `127.0.0.1:${await freePort()}`,
    };
    optimizer = await startService('optimizer', { ...common, SKYPORT_ENABLED_CLOUDS: 'aws', SKYPORT_ALLOWED_CONTEXTS: 'ctx-test' }, 120_000);
    api = await startService('api', { ...common, SKYPORT_BOOTSTRAP_TOKEN: TOKEN, SKYPORT_OUTBOX_RELAY: 'off' }, 120_000);
    endpoint = `http://127.0.0.1:${api.healthPort}`;
  });

  after(async () => {
    await api?.stop();
    await optimizer?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('status on an empty api: a friendly line, and [] with -o json', async () => {
    const table = await skyport(['status']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /No clusters/);
    const json = await skyport(['status', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), []);
  });

  it('launch --dryrun prints the Considered resources table and launches nothing', async () => {
    const run = await skyport(['launch', '--dryrun', '-c', 'cli-plan', taskFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Considered resources \(1 node\):\n INFRA\s+INSTANCE\s+vCPUs\s+Mem\(GB\)\s+GPUS\s+COST \(\$\)\s+CHOSEN$/m);
    assert.match(run.stdout, /^ AWS \(.+✔$/m);
    const json = await skyport(['launch', '--dryrun', '-c', 'cli-plan', '-o', 'json', taskFile]);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { cluster: string; plan: { numNodes: number; chosenIndex: number; candidates: Array<{ provider: string; feasible: boolean }> } };
    assert.equal(out.cluster, 'cli-plan');
    assert.equal(out.plan.numNodes, 1);
    assert.ok(out.plan.chosenIndex >= 0);
    assert.equal(out.plan.candidates[out.plan.chosenIndex].provider, 'aws');
    assert.deepEqual(JSON.parse((await skyport(['status', '-o', 'json'])).stdout), [], 'a dry run creates no cluster');
  });

  it('launch --async: accepted; the cluster and its job are listed by status and queue', async () => {
    // No provisioner runs here, so the launch stays pending: --async returns once it is accepted.
    const run = await skyport(['launch', '-y', '--async', '-c', 'cli-one', taskFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Launch of 'cli-one' accepted: request [0-9a-f-]{36}, job 1\./);
    assert.match(run.stdout, /^Considered resources/m);
    const status = await skyport(['status', '-o', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const clusters = JSON.parse(status.stdout) as Array<{ name: string; status: string; numNodes: number }>;
    assert.deepEqual(clusters.map((c) => c.name), ['cli-one']);
    assert.equal(clusters[0].numNodes, 1);
    const table = await skyport(['status']);
    assert.match(table.stdout, /^ NAME\s+INFRA\s+RESOURCES\s+STATUS\s+AUTOSTOP\s+LAUNCHED$/m);
    assert.match(table.stdout, /^ cli-one\s+/m);
    const detail = await skyport(['status', 'cli-one', '-v']);
    assert.equal(detail.code, 0, detail.stderr);
    assert.match(detail.stdout, /^Cluster cli-one$/m);
    assert.match(detail.stdout, /^Jobs: 1 \(1 PENDING\)$/m);
    assert.match(detail.stdout, /^Recent events:\n {2}\S+ \S+ {2}.*accepted/m);
    const queue = await skyport(['queue', 'cli-one', '-o', 'json']);
    assert.equal(queue.code, 0, queue.stderr);
    const jobs = JSON.parse(queue.stdout) as Array<{ clusterName: string; jobId: number; status: string }>;
    assert.equal(jobs[0].clusterName, 'cli-one');
    assert.equal(jobs[0].jobId, 1);
  });

  it('errors from the api: not found is exit 1 with its message; a bad token is exit 1', async () => {
    const missing = await skyport(['status', 'no-such-cluster']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no-such-cluster/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
    const unauth = await skyport(['status'], { SKYPORT_TOKEN: 'wrong-token-wrong-token-wrong' });
    assert.equal(unauth.code, 1);
    assert.match(unauth.stderr, /^Error: /);
  });

  it('exec on a cluster that does not exist fails with the api message', async () => {
    const run = await skyport(['exec', 'no-such-cluster', taskFile, '--async']);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /^Error: /m);
  });

  it('api info, check and show-gpus render the api views; -o json passes them through', async () => {
    const info = await skyport(['api', 'info']);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, new RegExp(`^Endpoint: +${endpoint}$`, 'm'));
    assert.match(info.stdout, /^Server: +skyport /m);
    assert.match(info.stdout, /^You are: +\S+ \(admin/m);
    const check = await skyport(['check', '-o', 'json']);
    assert.equal(check.code, 0, check.stderr);
    const view = JSON.parse(check.stdout) as { kubernetes: { available: boolean }; clouds: Array<{ cloud: string }> };
    assert.equal(typeof view.kubernetes.available, 'boolean');
    assert.ok(view.clouds.some((c) => c.cloud === 'aws'));
    const checkText = await skyport(['check']);
    assert.match(checkText.stdout, /^Kubernetes: (enabled|disabled)$/m);
    assert.match(checkText.stdout, /^AWS: catalog \(\d+ instance types in \d+ regions\)$/m);
    const gpus = await skyport(['show-gpus', 'A100']);
    assert.equal(gpus.code, 0, gpus.stderr);
    assert.match(gpus.stdout, /^Cloud GPUs$/m);
    assert.match(gpus.stdout, /^ A100 /m);
    const unknown = await skyport(['show-gpus', 'NOPE-9000']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown accelerator 'NOPE-9000'/);
  });

  it('cost-report -o json and down', async () => {
    const report = await skyport(['cost-report', '-o', 'json']);
    assert.equal(report.code, 0, report.stderr);
    assert.ok(Array.isArray((JSON.parse(report.stdout) as { items: unknown[] }).items));
    const down = await skyport(['down', '-y', '--async', 'cli-one']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /Teardown of 'cli-one' requested/);
  });
});
