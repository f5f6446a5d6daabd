import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cloudBlockOf } from '@skyport/cloud-aws';
import { isSkyportError } from '@skyport/contracts';
import { CloudInstanceEntity } from '@skyport/persistence';
import { blockedByFailure, type CloudCandidate } from './cloud-block';
import { startCloudFixture, type CloudFixture } from './testing/cloud-fixture';

// Real Postgres, EC2 semantics from moto on 127.0.0.1, and a real sshd on 127.0.0.1 standing in for the VMs
// through the test-only override. The addresses moto reports are recorded, never connected to.
describe('CloudLauncher: moto + local sshd + Postgres', () => {
  const suffix = randomBytes(3).toString('hex');
  const p4d: CloudCandidate = { candidateId: 'aws/us-east-1/p4d.24xlarge:spot', provider: 'aws', region: 'us-east-1', instanceType: 'p4d.24xlarge', useSpot: true };
  let f: CloudFixture;

  before(async () => {
    f = await startCloudFixture('cloud_launcher');
  });
  after(async () => {
    await f?.close();
  });

  test('two spot VMs: launched all at once, recorded, reachable over SSH with pinned host keys, torn down by tag', async () => {
    const cluster = `burst-${suffix}`;
    const vms = await f.launcher.launch({ clusterName: cluster, numNodes: 2, candidate: p4d, ports: [{ from: 8080, to: 8080 }] });
    f.track(vms.map((v) => v.instanceId));
    assert.deepEqual(vms.map((v) => v.rank), [0, 1]);
    for (const vm of vms) {
      assert.equal(vm.hostKeyFingerprint, f.sshd.hostKeyFingerprint);
      assert.ok(vm.publicIp && vm.privateIp);
    }
    const rows = await f.ds.getRepository(CloudInstanceEntity).find({ where: { clusterName: cluster }, order: { nodeRank: 'ASC' } });
    assert.deepEqual(rows.map((r) => [r.nodeRank, r.instanceType, r.useSpot, r.state, r.hostKeyFingerprint]), [
      [0, 'p4d.24xlarge', true, 'running', f.sshd.hostKeyFingerprint],
      [1, 'p4d.24xlarge', true, 'running', f.sshd.hostKeyFingerprint],
    ]);

    // Each VM's commands start in its own directory (one local sshd stands in for both machines).
    const nodes = await f.launcher.connect(cluster, { timeoutMs: 5_000 });
    try {
      for (const n of nodes) {
        const res = await n.execCommand(['sh', '-c', 'mkdir -p .skyport && echo "rank $1" > .skyport/who && pwd', 'sh', String(n.rank)]);
        assert.equal(res.exitCode, 0, res.stderr);
        const dir = join(homedir(), '.skyport-test-vms', n.instanceId);
        assert.equal(res.stdout.trim(), dir);
        assert.equal(readFileSync(join(dir, '.skyport', 'who'), 'utf8'), `rank ${n.rank}\n`);
      }
    } finally {
      for (const n of nodes) n.close();
    }

    const down = await f.launcher.teardown(cluster, [], { waitMs: 5_000 });
    assert.deepEqual(down.terminated.sort(), vms.map((v) => v.instanceId).sort());
    assert.equal((await f.aws.describe(cluster, 'us-east-1')).length, 0, 'no live instance left');
    assert.equal((await f.launcher.instances(cluster)).length, 0);
    assert.deepEqual(await f.launcher.teardown(cluster), { terminated: [] }, 'a second teardown has nothing to do');
  });

  test('GCP/Azure/IBM/Lambda candidates: "provider not available", nothing launched, the provider skipped', async () => {
    for (const provider of ['gcp', 'azure', 'ibm', 'lambda']) {
      const candidate: CloudCandidate = { candidateId: `${provider}/r1/t1`, provider, region: 'r1', instanceType: 't1', useSpot: false };
      await assert.rejects(f.launcher.launch({ clusterName: `na-${provider}-${suffix}`, numNodes: 1, candidate }), (e: unknown) => {
        assert.ok(isSkyportError(e));
        assert.match(e.userMessage, /provider not available/);
        assert.deepEqual(blockedByFailure(candidate, e, [candidate, { ...candidate, candidateId: `${provider}/r2/t1`, region: 'r2' }]).length, 2);
        return true;
      });
    }
  });

  test('VMs that never accept SSH: the launch fails as unreachable and its instances are terminated', async () => {
    const cluster = `nossh-${suffix}`;
    const deaf = f.launcherVia(9, 600);
    await assert.rejects(deaf.launch({ clusterName: cluster, numNodes: 1, candidate: { ...p4d, useSpot: false } }), (e: unknown) => {
      assert.ok(isSkyportError(e));
      assert.equal(e.details?.kind, 'unreachable');
      assert.equal(e.details?.scope, 'candidate');
      return true;
    });
    assert.equal((await f.aws.describe(cluster, 'us-east-1')).length, 0);
    assert.equal((await deaf.instances(cluster)).length, 0);
  });

  test('an instance type the region does not offer: blocked with AWS\'s reason, no rows, no instances', async () => {
    const cluster = `badtype-${suffix}`;
    await assert.rejects(
      f.launcher.launch({ clusterName: cluster, numNodes: 1, candidate: { ...p4d, candidateId: 'aws/us-east-1/zz9.huge', instanceType: 'zz9.huge' } }),
      (e: unknown) => cloudBlockOf(e)?.kind === 'unsupported',
    );
    assert.equal((await f.launcher.instances(cluster)).length, 0);
  });
});
