import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider, loadOrCreateSshKey, type CloudInstance } from '@skyport/cloud-aws';
import { motoProviderOptions } from '@skyport/cloud-aws/testing';
import { ClusterStatus, JobStatus, RequestKind, RequestStatus } from '@skyport/contracts';
import { SkyportClient, runSshCommand } from '@skyport/client';
import { freePort, startService, testEnv, type RunningService } from '@skyport/dev-stack';
import { startTestSshd, type TestSshd } from '@skyport/ssh/testing';
import { startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';
import { checkInteractiveShell, followJobLog, sink } from './testing/ssh-checks';

const env = testEnv();
const suffix = randomBytes(3).toString('hex');
const cluster = `vm-${suffix}`;
const REGION = 'us-east-1';
// Services start in parallel; on a loaded 2-core machine one boot can take well over a minute.
const START_MS = 180_000;

// A cluster burst to AWS: its VMs launched in moto (EC2), a local sshd standing in for every VM through the
// test-only address override, as in the provisioner's cloud suites. The api (ssh), the logs service (job
// output over SSH) and the provisioner (runs the job over SSH) run as processes against real Postgres/Redis.
describe('ssh and job logs on a cluster burst to cloud VMs', () => {
  let t: ApiUnderTest;
  let sshd: TestSshd;
  let aws: AwsProvider;
  let dir: string;
  let instances: CloudInstance[] = [];
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let vmEnv: Record<string, string>;
  const services: RunningService[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skyport-vm-ssh-'));
    const keyDir = join(dir, 'ssh');
    const key = loadOrCreateSshKey(keyDir);
    sshd = await startTestSshd([key.publicKey]);
    const moto = motoProviderOptions({ sshUser: sshd.username });
    aws = new AwsProvider(moto, key);
    vmEnv = {
      SKYPORT_CLOUD_KEY_DIR: keyDir,
      SKYPORT_AWS_ENDPOINT: moto.endpoint!,
      SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: `${sshd.host}:${sshd.port}`,
    };
    const logsGrpc = `127.0.0.1:${await freePort()}`;
    t = await startApiUnderTest('api_vm_ssh', { ...vmEnv, SKYPORT_LOGS_GRPC: logsGrpc });
    alice = await t.userIn('team-vm', 'alice');
    bob = await t.userIn('team-other', 'bob');
    const launched = await aws.launch({ clusterName: cluster, region: REGION, instanceType: 'm5.large', numNodes: 2, useSpot: false });
    instances = launched.instances;
    await t.pg.query(`INSERT INTO clusters (name, phase, infra, instance_type, num_nodes, owner, last_activity_at) VALUES ($1, $2, $3, 'm5.large', 2, $4, now())`, [
      cluster,
      ClusterStatus.Up,
      `aws/${REGION}`,
      alice.userId,
    ]);
    for (const i of instances) {
      // What the provisioner records at launch, with the host key it pinned on its first connection.
      await t.pg.query(
        `INSERT INTO cloud_instances (provider, region, instance_id, cluster_name, node_rank, instance_type, state, public_ip, private_ip, ssh_user, host_key_fingerprint)
         VALUES ('aws', $1, $2, $3, $4, $5, 'running', $6, $7, $8, $9)`,
        [REGION, i.instanceId, cluster, i.rank, i.instanceType, i.publicIp ?? null, i.privateIp ?? null, launched.sshUser, sshd.hostKeyFingerprint],
      );
    }
    const serviceEnv = {
      ...vmEnv,
      SKYPORT_DATABASE_URL: t.dbUrl,
      SKYPORT_REDIS_URL: t.redisUrl,
      SKYPORT_LOGS_GRPC: logsGrpc,
      SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_LOGS_IDLE_MS: '200',
      SKYPORT_LOGS_SCAN_MS: '300',
      ...(env.kubeconfig ? { KUBECONFIG: env.kubeconfig } : {}),
    };
    services.push(
      ...(await Promise.all([
        startService('logs', serviceEnv, START_MS),
        startService(
          'provisioner',
          {
            ...serviceEnv,
            SKYPORT_CLOUD_PROVIDERS: 'aws',
            AWS_ACCESS_KEY_ID: 'skyport-test',
            AWS_SECRET_ACCESS_KEY: 'skyport-test',
            AWS_EC2_METADATA_DISABLED: 'true',
            SKYPORT_AWS_SSH_USER: sshd.username,
          },
          START_MS,
        ),
      ])),
    );
  });

  after(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await aws?.terminate(cluster, REGION, { waitMs: 0 }).catch(() => undefined);
    aws?.close();
    await t?.stop();
    await sshd?.stop();
    for (const i of instances) rmSync(join(homedir(), '.skyport-test-vms', i.instanceId), { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const endpoint = () => t.base;

  it('ssh -- cmd runs on the VM of the rank asked for, with its output and exit code', async () => {
    const out = sink();
    const err = sink();
    const code = await runSshCommand({ endpoint: endpoint(), token: alice.token, cluster, command: 'echo hello; echo oops >&2; exit 3' }, { stdout: out.stream, stderr: err.stream });
    assert.equal(code, 3);
    assert.equal(out.text(), 'hello\n');
    assert.equal(err.text(), 'oops\n');
    // Under the test override each VM is a directory of its own: the worker's is named after its instance.
    const worker = sink();
    assert.equal(await runSshCommand({ endpoint: endpoint(), token: alice.token, cluster, node: 1, command: 'pwd' }, { stdout: worker.stream }), 0);
    assert.equal(worker.text().trim(), join(homedir(), '.skyport-test-vms', instances.find((i) => i.rank === 1)!.instanceId));
  });

  it('drives an interactive shell on the VM through a terminal, and records the session', async () => {
    await checkInteractiveShell({ endpoint: endpoint(), token: alice.token, cluster }, async (mode) => {
      const res = await t.pg.query(`SELECT count(*)::int AS n FROM ssh_sessions WHERE cluster_name = $1 AND closed_at IS NULL AND ($2::text IS NULL OR mode = $2)`, [
        cluster,
        mode ?? null,
      ]);
      return res.rows[0].n as number;
    });
  });

  it("is 404 for another team's user, for a node the cluster does not have, and 401 without a token", async () => {
    const out = sink();
    const code = (e: unknown) => (e as { code?: string }).code;
    await assert.rejects(runSshCommand({ endpoint: endpoint(), token: bob.token, cluster, command: 'true' }, { stdout: out.stream }), (e) => code(e) === 'NOT_FOUND');
    await assert.rejects(runSshCommand({ endpoint: endpoint(), token: alice.token, cluster, node: 2, command: 'true' }, { stdout: out.stream }), (e) => code(e) === 'NOT_FOUND');
    await assert.rejects(runSshCommand({ endpoint: endpoint(), cluster, command: 'true' }, { stdout: out.stream }), (e) => code(e) === 'UNAUTHENTICATED');
    assert.equal(out.text(), '');
  });

  it("a job's output on both VMs is stored in order and followable to its end (skyport logs --follow)", async () => {
    const requestId = randomUUID();
    const n = 40;
    await t.pg.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, owner, body_hash, payload) VALUES ($1, $2, $3, $4, 1, $5, 'x', '{}')`, [
      requestId,
      // The launch's first job: setup runs before it (jobs added by `exec` skip setup, as in SkyPilot).
      RequestKind.Launch,
      RequestStatus.Running,
      cluster,
      alice.userId,
    ]);
    await t.pg.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, $2, $3, $4)`, [
      cluster,
      JobStatus.Pending,
      requestId,
      JSON.stringify({
        envs: {},
        resources: [],
        setup: 'echo "setup on $SKYPILOT_NODE_RANK"',
        run: `i=1; while [ $i -le ${n} ]; do echo "n $i on $SKYPILOT_NODE_RANK"; if [ $((i % 10)) = 0 ]; then sleep 0.2; fi; i=$((i + 1)); done`,
      }),
    ]);
    const { lines, end } = await followJobLog(new SkyportClient({ endpoint: endpoint(), token: alice.token }), cluster, 1);
    assert.deepEqual(end, { status: JobStatus.Succeeded });
    for (const [rank, prefix] of [[0, '(head, rank=0) '], [1, '(worker1, rank=1) ']] as const) {
      const mine = lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
      assert.deepEqual(mine, Array.from({ length: n }, (_, i) => `n ${i + 1} on ${rank}`));
    }
    const setup = await t.pg.query(`SELECT node_rank, text FROM log_lines WHERE cluster_name = $1 AND job_id = 1 AND stream = 'setup' ORDER BY node_rank`, [cluster]);
    assert.deepEqual(setup.rows, [{ node_rank: 0, text: 'setup on 0' }, { node_rank: 1, text: 'setup on 1' }]);
    const seqs = await t.pg.query(`SELECT seq FROM log_lines WHERE cluster_name = $1 AND job_id = 1 AND stream = 'job' ORDER BY seq`, [cluster]);
    assert.deepEqual(seqs.rows.map((r: { seq: string }) => Number(r.seq)), Array.from({ length: 2 * n }, (_, i) => i + 1), 'stored once each, gap-free');
    // Another team cannot read it.
    assert.equal((await t.call('GET', `/v1/clusters/${cluster}/jobs/1/logs`, { token: bob.token })).status, 404);
  });
});
