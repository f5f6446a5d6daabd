import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { loadOrCreateSshKey } from '@skyport/cloud-aws';
import { jobDir, phaseFile } from '@skyport/contracts';
import { migratedTestDatabase } from '@skyport/persistence/testing';
import { VmSshAccess } from '@skyport/ssh';
import { startTestSshd, type TestSshd } from '@skyport/ssh/testing';
import { VmSshLogSources } from './vm-ssh-log-source';

// The SSH log source against a real sshd on 127.0.0.1 standing in for two VMs (the test-only address override:
// each VM is a directory of its own) and real Postgres for their `cloud_instances` rows. The phase files are
// written here as the provisioner's node scripts write them on a VM.
describe('VM log source over SSH', () => {
  const cluster = `vmlog-${randomBytes(3).toString('hex')}`;
  const ids = [`i-${randomBytes(8).toString('hex')}`, `i-${randomBytes(8).toString('hex')}`];
  let db: DataSource;
  let dropDb: () => Promise<void>;
  let sshd: TestSshd;
  let dir: string;
  let sources: VmSshLogSources;
  const phaseLeaders: ChildProcess[] = [];

  /** A file of job 1's run phase on VM `rank` (under its local directory). */
  const onVm = (rank: number, relative: string) => join(homedir(), '.skyport-test-vms', ids[rank]!, relative);

  /** A phase started on the VM as the node scripts do: lock dir, log, then the leader's pid. */
  const startPhase = (rank: number): ChildProcess => {
    mkdirSync(onVm(rank, `${jobDir(1)}/run.lock`), { recursive: true });
    writeFileSync(onVm(rank, phaseFile(1, 'run', 'log')), '');
    const leader = spawn('sleep', ['60'], { stdio: 'ignore' });
    phaseLeaders.push(leader);
    writeFileSync(onVm(rank, phaseFile(1, 'run', 'pid')), `${leader.pid}\n`);
    return leader;
  };
  const endPhase = async (rank: number, leader: ChildProcess) => {
    writeFileSync(onVm(rank, phaseFile(1, 'run', 'exit')), '0\n');
    const exited = new Promise((r) => leader.once('exit', r));
    leader.kill('SIGTERM');
    await exited;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skyport-vmlog-'));
    const key = loadOrCreateSshKey(join(dir, 'ssh'));
    sshd = await startTestSshd([key.publicKey]);
    const database = await migratedTestDatabase('logs_vm_ssh');
    dropDb = database.drop;
    db = database.ds;
    for (const [rank, id] of ids.entries()) {
      await db.query(
        `INSERT INTO cloud_instances (provider, region, instance_id, cluster_name, node_rank, instance_type, state, public_ip, ssh_user, host_key_fingerprint)
         VALUES ('aws', 'us-east-1', $1, $2, $3, 'm5.large', 'running', '198.51.100.7', $4, $5)`,
        [id, cluster, rank, sshd.username, sshd.hostKeyFingerprint],
      );
      mkdirSync(onVm(rank, jobDir(1)), { recursive: true });
    }
    const access = new VmSshAccess(db, { keyDir: join(dir, 'ssh'), override: { host: sshd.host, port: sshd.port } });
    sources = new VmSshLogSources(access, 300);
  });

  after(async () => {
    sources?.onApplicationShutdown();
    for (const p of phaseLeaders) p.kill('SIGKILL');
    await sshd?.stop();
    await dropDb?.();
    for (const id of ids) rmSync(join(homedir(), '.skyport-test-vms', id), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('handles clusters on a cloud only, and gives their VMs by rank', async () => {
    assert.equal(sources.handles('aws/us-east-1'), true);
    assert.equal(sources.handles('kubernetes/ctx'), false);
    assert.equal(sources.handles(null), false);
    const nodes = await sources.nodesOf({ name: cluster, infra: 'aws/us-east-1', namespace: null });
    assert.deepEqual(nodes.map((n) => [n.rank, n.name]), [[0, `aws ${ids[0]}`], [1, `aws ${ids[1]}`]]);
    assert.equal((await sources.nodesOf({ name: cluster, infra: 'aws/us-east-1', namespace: null }))[0], nodes[0], 'one source (one connection) per VM');
  });

  it('follows a growing log from an offset until the phase ends, then reports its size; reads catch up', async () => {
    const [head, worker] = await sources.nodesOf({ name: cluster, infra: 'aws/us-east-1', namespace: null });
    const absent = await head!.follow({ jobId: 1, phase: 'setup', offset: 0, onData: () => assert.fail('no data'), signal: new AbortController().signal });
    assert.deepEqual(absent, { kind: 'absent' });
    assert.deepEqual(await head!.read(1, 'setup', 0, 100), { exists: false, data: Buffer.alloc(0) });

    const leader = startPhase(1);
    appendFileSync(onVm(1, phaseFile(1, 'run', 'log')), 'skip me\n');
    const got: Buffer[] = [];
    const following = worker!.follow({ jobId: 1, phase: 'run', offset: 'skip me\n'.length, onData: (c) => got.push(Buffer.from(c)), signal: new AbortController().signal });
    for (let i = 1; i <= 5; i++) {
      appendFileSync(onVm(1, phaseFile(1, 'run', 'log')), `line ${i}\n`);
      await sleep(100);
    }
    await endPhase(1, leader);
    const end = await following;
    const text = Buffer.concat(got).toString('utf8');
    const full = `skip me\n${Array.from({ length: 5 }, (_, i) => `line ${i + 1}\n`).join('')}`;
    assert.deepEqual(end, { kind: 'ended', size: Buffer.byteLength(full) });
    assert.equal(text, full.slice('skip me\n'.length));
    const chunk = await worker!.read(1, 'run', 8, 7);
    assert.deepEqual(chunk, { exists: true, data: Buffer.from('line 1\n') });
  });

  it('a stream is stopped by its signal; an idle connection is closed and reopened on the next use', async () => {
    const [head] = await sources.nodesOf({ name: cluster, infra: 'aws/us-east-1', namespace: null });
    const leader = startPhase(0);
    appendFileSync(onVm(0, phaseFile(1, 'run', 'log')), 'first\n');
    const stop = new AbortController();
    const got: string[] = [];
    const following = head!.follow({ jobId: 1, phase: 'run', offset: 0, onData: (c) => got.push(c.toString('utf8')), signal: stop.signal });
    for (let i = 0; i < 50 && got.join('') !== 'first\n'; i++) await sleep(100);
    assert.equal(got.join(''), 'first\n');
    stop.abort();
    await assert.rejects(following);
    await endPhase(0, leader);
    // Past the idle time the source lets its connection go; the next read connects again.
    await sleep(600);
    const again = await sources.nodesOf({ name: cluster, infra: 'aws/us-east-1', namespace: null });
    assert.notEqual(again[0], head, 'the idle source was dropped');
    assert.deepEqual(await again[0]!.read(1, 'run', 0, 100), { exists: true, data: Buffer.from('first\n') });
  });
});
