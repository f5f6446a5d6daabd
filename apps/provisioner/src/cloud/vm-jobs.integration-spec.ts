import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { phaseFile } from '@skyport/contracts';
import { killJobScript, startPhaseScript, waitPhaseScript } from '../jobs/node-scripts';
import { archiveOf } from '../provision/blob-files';
import { startCloudFixture, type CloudFixture } from './testing/cloud-fixture';
import type { VmNode } from './vm-node';

// The job scripts the provisioner runs in pods (jobs/node-scripts), run unchanged on "VMs" over SSH: moto for
// EC2, a real sshd on 127.0.0.1 standing in for the machines.
describe('job phases on cloud VMs over SSH', () => {
  const cluster = `vmjobs-${randomBytes(3).toString('hex')}`;
  let f: CloudFixture;
  let nodes: VmNode[] = [];

  const run = async (n: VmNode, script: string, stdin = false) =>
    stdin ? n.execCommand(['sh', '-s'], { stdin: script, timeoutMs: 30_000 }) : n.execCommand(['sh', '-c', script], { timeoutMs: 30_000 });

  before(async () => {
    f = await startCloudFixture('vm_jobs');
    const vms = await f.launcher.launch({ clusterName: cluster, numNodes: 2, candidate: { candidateId: 'aws/us-east-1/m5.large', provider: 'aws', region: 'us-east-1', instanceType: 'm5.large', useSpot: false } });
    f.track(vms.map((v) => v.instanceId));
    nodes = await f.launcher.connect(cluster, { timeoutMs: 5_000 });
  });
  after(async () => {
    for (const n of nodes) n.close();
    if (f) await f.launcher.teardown(cluster, [], { waitMs: 2_000 });
    await f?.close();
  });

  test('setup then run on both nodes: detached, per-node files, exit codes, env', async () => {
    for (const n of nodes) {
      const env = { SKYPILOT_NODE_RANK: String(n.rank), GREETING: "it's me" };
      const started = await run(n, startPhaseScript(7, 'setup', env, 'echo "setup on $SKYPILOT_NODE_RANK"'), true);
      assert.equal(started.stdout.trim(), 'started', started.stderr);
      assert.equal((await run(n, startPhaseScript(7, 'setup', env, 'echo again'), true)).stdout.trim(), 'already', 'a second start is a no-op');
    }
    for (const n of nodes) assert.equal((await run(n, waitPhaseScript(7, 'setup', 10))).stdout.trim(), 'exit 0');
    for (const n of nodes) {
      await run(n, startPhaseScript(7, 'run', { SKYPILOT_NODE_RANK: String(n.rank), GREETING: "it's me" }, 'echo "$GREETING from $SKYPILOT_NODE_RANK"; exit $SKYPILOT_NODE_RANK'), true);
    }
    const answers = await Promise.all(nodes.map((n) => run(n, waitPhaseScript(7, 'run', 10))));
    assert.deepEqual(answers.map((a) => a.stdout.trim()), ['exit 0', 'exit 1']);
    for (const n of nodes) {
      const log = await n.execCommand(['cat', phaseFile(7, 'run', 'log')]);
      assert.equal(log.stdout, `it's me from ${n.rank}\n`);
    }
  });

  test('uploaded workdir and file mounts (tars from the blob store) are extracted on the VM; the job runs in sky_workdir', async () => {
    const hello = Buffer.from('hello from the workdir\n');
    const bin = Buffer.from([0, 1, 2, 255]);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const store = new Map([hello, bin].map((b) => [sha(b), b]));
    const reader = { chunk: async (d: string) => store.get(d)! };
    const file = (path: string, data: Buffer, mode: number) => ({ path, type: 'file' as const, mode, size: data.length, sha256: sha(data), chunks: [sha(data)] });
    const n = nodes[1]!;
    await n.uploadArchive({ label: 'workdir', dir: '~/sky_workdir', archive: await archiveOf(reader, { version: 1, kind: 'dir', entries: [file('hello.txt', hello, 0o644)] }) });
    await n.uploadArchive({ label: 'mounts/data.bin', dir: 'mounts', archive: await archiveOf(reader, { version: 1, kind: 'file', entries: [file('', bin, 0o600)] }, 'data.bin') });
    assert.equal((await n.execCommand(['od', '-An', '-tu1', 'mounts/data.bin'])).stdout.trim().split(/\s+/).join(','), '0,1,2,255');
    await run(n, startPhaseScript(9, 'run', {}, 'cat hello.txt; pwd'), true);
    assert.equal((await run(n, waitPhaseScript(9, 'run', 10))).stdout.trim(), 'exit 0');
    const log = (await n.execCommand(['cat', phaseFile(9, 'run', 'log')])).stdout.split('\n');
    assert.equal(log[0], 'hello from the workdir');
    assert.equal(log[1], join(homedir(), '.skyport-test-vms', n.instanceId, 'sky_workdir'));
    // A chunk that does not match its manifest never reaches a node.
    await assert.rejects(archiveOf({ chunk: async () => bin }, { version: 1, kind: 'dir', entries: [file('x', hello, 0o644)] }), /does not match/);
  });

  test('kill stops a running phase on a VM and leaves exit code 143', async () => {
    const n = nodes[0]!;
    await run(n, startPhaseScript(8, 'run', {}, 'sleep 60'), true);
    assert.equal((await run(n, waitPhaseScript(8, 'run', 1))).stdout.trim(), 'running');
    assert.equal((await run(n, killJobScript(8, 2))).stdout.trim(), 'killed');
    assert.equal((await run(n, waitPhaseScript(8, 'run', 5))).stdout.trim(), 'exit 143');
  });
});
