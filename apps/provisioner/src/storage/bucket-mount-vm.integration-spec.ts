import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { ExternalBuckets } from '@skyport/config';
import { ClusterStatus } from '@skyport/contracts';
import { ClusterEntity, StorageEntity } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';
import type { ProvisionerConfig } from '../config';
import { startCloudFixture, type CloudFixture } from '../cloud/testing/cloud-fixture';
import { vmMountRoot } from '../cloud/vm-rclone';
import { CloudBridge } from '../provision/cloud-bridge';
import type { VmNode } from '../cloud/vm-node';
import { S3Buckets } from './s3-buckets';
import { VmMountRefresher } from './vm-mount-refresher.service';
import { ScopedS3Credentials } from './scoped-s3-credentials';

/** Every rclone process of a VM's mounts (their argv names the VM's state root), with its argv and environment. */
function rclonesOf(root: string): Array<{ pid: number; cmdline: string; environ: string }> {
  const out: Array<{ pid: number; cmdline: string; environ: string }> = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.startsWith('rclone ') || cmdline.includes('/rclone mount')) {
        if (cmdline.includes(root)) out.push({ pid: Number(pid), cmdline, environ: readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').join('\n') });
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// MOUNT and MOUNT_CACHED on an AWS burst VM: moto's EC2, S3 and STS on 127.0.0.1, a real sshd on 127.0.0.1 standing
// in for the VM, Debian's rclone over /dev/fuse. The provisioner mints keys scoped to each bucket (moto does not
// enforce the session policy: what this checks is that rclone runs with those keys and never the server's).
// The local sshd admits only the user running the tests, and mounting needs root there (as on a VM: root or sudo).
const skip = process.getuid?.() !== 0 ? 'needs to run as root (the VM mounts as root)' : !existsSync('/dev/fuse') ? 'needs /dev/fuse' : false;

describe('S3 MOUNT on cloud VMs (moto EC2 + S3 + STS, local sshd, rclone)', { timeout: 240_000, skip }, () => {
  const id = randomBytes(3).toString('hex');
  const cluster = `vmmount-${id}`;
  const own = `vm-mnt-own-${id}`;
  const ext = `vm-mnt-ext-${id}`;
  const serverKey = { accessKeyId: `SERVERKEY${id.toUpperCase()}`, secretAccessKey: `server-secret-${id}-do-not-ship` };
  // An absolute target, as MOUNT needs: every test "VM" is this machine, so a directory of this suite's own.
  const base = `/tmp/skyport-vmmount-${id}`;
  const alice = randomUUID();
  let f: CloudFixture;
  let buckets: S3Buckets;
  let s3: S3Client;
  let bridge: CloudBridge;
  let nodes: VmNode[] = [];
  let instanceId = '';

  const text = async (bucket: string, key: string) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  const sh = (n: VmNode, script: string) => n.execCommand(['sh', '-c', script], { timeoutMs: 60_000 });

  before(async () => {
    const client = { endpoint: testAwsEndpoint(), region: 'us-east-1', forcePathStyle: true, credentials: serverKey };
    s3 = new S3Client(client);
    for (const b of [own, ext]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: own, Key: 'in/weights.txt', Body: 'cached bytes\n' }));
    await s3.send(new PutObjectCommand({ Bucket: ext, Key: 'ds/a.csv', Body: 'x,y\n' }));
    buckets = new S3Buckets({
      client,
      maxCopyBytes: 1024 * 1024,
      // What an admin writes: SKYPORT_S3_EXTERNAL_BUCKETS=ml=vm-mnt-ext-<id> (team ml reads it, read-only).
      externalBuckets: new ExternalBuckets([{ team: 'ml', pattern: ext }]),
      vmMounts: { stsEndpoint: testAwsEndpoint(), seconds: 3600 },
    });
    f = await startCloudFixture('vm_bucket_mount');
    // alice (team ml, not an admin) owns the cluster; `own` is her team's named storage, `ext` the admin's allow-list's.
    await f.ds.query(`INSERT INTO users (id, name, role, team) VALUES ($1, $2, 'user', 'ml')`, [alice, `alice-${id}`]);
    await f.ds.getRepository(StorageEntity).insert({ name: own, store: 's3', persistent: true, clusterName: null, status: 'READY', team: 'ml', owner: alice });
    bridge = new CloudBridge(f.launcher, undefined, f.ds, buckets);
  });

  after(async () => {
    for (const n of nodes) n.close();
    if (f) await f.launcher.teardown(cluster, [], { waitMs: 2_000 }).catch(() => undefined);
    await f?.close();
    buckets?.destroy();
    s3?.destroy();
    rmSync(base, { recursive: true, force: true });
  });

  test('the launch mounts every bucket before handing the VM over: MOUNT writes reach the bucket, MOUNT_CACHED reads, the allow-listed bucket is read-only', async () => {
    const yaml = [
      'run: ls',
      'file_mounts:',
      `  ${base}/out:`,
      `    source: s3://${own}/out`,
      '    mode: MOUNT',
      `  ${base}/in:`,
      `    source: s3://${own}/in`,
      '    mode: MOUNT_CACHED',
      `  ${base}/ext:`,
      `    source: s3://${ext}/ds`,
      '    mode: MOUNT',
      '',
    ].join('\n');
    const task = parseTaskYaml(yaml).tasks[0]!;
    await f.ds.getRepository(ClusterEntity).insert({ name: cluster, phase: ClusterStatus.Provisioning, owner: alice, task: task as never });
    const placed = await bridge.launch({
      clusterName: cluster,
      numNodes: 1,
      candidate: { candidateId: 'aws/us-east-1/m5.large', provider: 'aws', region: 'us-east-1', zone: '', instanceType: 'm5.large', acceleratorName: '', acceleratorCount: 0, useSpot: false, feasible: true, reason: '', namespace: '' },
      attemptId: `a-${id}`,
      task,
      log: () => undefined,
    });
    f.track(placed.nodes.map((n) => String(n.instanceId)));
    instanceId = String(placed.nodes[0]!.instanceId);
    nodes = await f.launcher.connect(cluster, { timeoutMs: 5_000 });
    const vm = nodes[0]!;

    // MOUNT: a file written on the VM is an object once it is closed.
    const wrote = await sh(vm, `echo "from the vm" > ${base}/out/result.txt`);
    assert.equal(wrote.exitCode, 0, wrote.stderr);
    assert.equal(await until('out/result.txt in the bucket', () => text(own, 'out/result.txt')), 'from the vm\n');
    // MOUNT_CACHED: an object already there reads through the cache.
    assert.equal((await sh(vm, `cat ${base}/in/weights.txt`)).stdout, 'cached bytes\n');
    // The allow-listed bucket of a non-admin: readable, not writable, and nothing reaches the bucket.
    assert.equal((await sh(vm, `cat ${base}/ext/a.csv`)).stdout, 'x,y\n');
    const refused = await sh(vm, `echo no > ${base}/ext/new.csv`);
    assert.notEqual(refused.exitCode, 0, 'a read-only mount refuses the write');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: ext }));
    assert.deepEqual((listed.Contents ?? []).map((o) => o.Key), ['ds/a.csv']);
  });

  test("the VM holds the mounts' temporary keys in root-only files, never the server's keys (disk, argv, environment)", async () => {
    const root = vmMountRoot(instanceId);
    const procs = rclonesOf(root);
    assert.equal(procs.length, 3, 'one rclone per mount');
    const keyFiles = filesUnder(root).filter((p) => p.endsWith('/keys.json'));
    assert.equal(keyFiles.length, 3);
    for (const file of keyFiles) {
      assert.equal(statSync(file).mode & 0o777, 0o600, file);
      assert.ok(JSON.parse(readFileSync(file, 'utf8')).SessionToken, 'temporary keys carry a session token');
      assert.doesNotMatch(readFileSync(file.replace(/keys\.json$/, 'rclone.conf'), 'utf8'), /key|token/i, 'no keys in rclone.conf');
    }
    assert.equal(statSync(root).mode & 0o777, 0o700);
    const places = [...filesUnder(root), ...filesUnder(join(homedir(), '.skyport-test-vms', instanceId))].map((p) => ({ where: p, body: readFileSync(p, 'latin1') }));
    places.push(...procs.map((p) => ({ where: `rclone ${p.pid}`, body: `${p.cmdline}\n${p.environ}` })));
    const env = await sh(nodes[0]!, 'env');
    places.push({ where: 'the login environment', body: env.stdout });
    for (const p of places) assert.ok(!p.body.includes(serverKey.accessKeyId) && !p.body.includes(serverKey.secretAccessKey), `the server's key is in ${p.where}`);
    // rclone starts with an empty environment but for the config whose credential_process reads the keys file.
    for (const p of procs) {
      assert.doesNotMatch(p.environ, /AWS_(ACCESS_KEY|SECRET|SESSION|PROFILE|CA_BUNDLE)/, `rclone ${p.pid}'s environment`);
      assert.match(p.environ, /^AWS_EC2_METADATA_DISABLED=true$/m, 'no instance role either');
    }
  });

  test('with SKYPORT_S3_VM_MOUNT_ROLE_ARN the keys come from AssumeRole (moto)', async () => {
    const sts = new ScopedS3Credentials(
      { endpoint: testAwsEndpoint(), region: 'us-east-1', credentials: serverKey },
      { stsEndpoint: testAwsEndpoint(), roleArn: 'arn:aws:iam::123456789012:role/skyport-vm-mount', seconds: 900 },
    );
    try {
      const keys = await sts.mint({ bucket: own, prefix: 'out', readOnly: true }, { clusterName: cluster, label: '/x' });
      assert.ok(keys.sessionToken && keys.accessKeyId !== serverKey.accessKeyId);
      assert.ok(keys.expiresAt.getTime() > Date.now() + 800_000 && keys.expiresAt.getTime() < Date.now() + 1_000_000, 'the lifetime asked for');
    } finally {
      sts.destroy();
    }
  });

  test('no STS at the endpoint: the launch fails before any VM is made, naming what the credentials need', async () => {
    // Port 9 on loopback: nothing listens, as for an S3-compatible server without STS.
    const noSts = new S3Buckets({ client: { endpoint: testAwsEndpoint(), region: 'us-east-1', forcePathStyle: true, credentials: serverKey }, maxCopyBytes: 1024, vmMounts: { stsEndpoint: 'http://127.0.0.1:9', seconds: 3600 } });
    const refused = `${cluster}-nosts`;
    try {
      await f.ds.getRepository(ClusterEntity).insert({ name: refused, phase: ClusterStatus.Provisioning, owner: alice });
      await assert.rejects(
        new CloudBridge(f.launcher, undefined, f.ds, noSts).launch({
          clusterName: refused,
          numNodes: 1,
          candidate: { candidateId: 'aws/us-east-1/m5.large', provider: 'aws', region: 'us-east-1', zone: '', instanceType: 'm5.large', acceleratorName: '', acceleratorCount: 0, useSpot: false, feasible: true, reason: '', namespace: '' },
          attemptId: `n-${id}`,
          task: parseTaskYaml(`run: ls\nfile_mounts:\n  ${base}/x:\n    source: s3://${own}/out\n    mode: MOUNT\n`).tasks[0]!,
          log: () => undefined,
        }),
        (err: { userMessage?: string; details?: Record<string, unknown> }) => {
          assert.match(err.userMessage ?? '', /minting temporary S3 keys for the VM failed at http:\/\/127.0.0.1:9 \(SKYPORT_S3_STS_ENDPOINT\).*sts:GetFederationToken .*or use mode: COPY/);
          assert.equal(err.details?.scope, 'cloud');
          return true;
        },
      );
      assert.equal(Number((await f.ds.query(`SELECT count(*) AS n FROM cloud_instances WHERE cluster_name = $1`, [refused]))[0].n), 0, 'no VM');
    } finally {
      noSts.destroy();
    }
  });

  test("the refresher's pass gives an UP cluster's mounts new keys on the VM; the mounts keep working", async () => {
    await f.ds.getRepository(ClusterEntity).update({ name: cluster }, { phase: ClusterStatus.Up, infra: 'aws/us-east-1' });
    const keyFiles = filesUnder(vmMountRoot(instanceId)).filter((p) => p.endsWith('/keys.json'));
    const before = keyFiles.map((p) => readFileSync(p, 'utf8'));
    const config = { SKYPORT_DATABASE_URL: 'postgres://unused.invalid/never-started' } as ProvisionerConfig;
    const refresher = new VmMountRefresher(f.ds, config, createLogger('provisioner-test', 'silent'), f.launcher, buckets);
    const passed = await refresher.pass();
    assert.deepEqual(passed.filter((p) => p.cluster === cluster), [{ cluster, mounts: 3 }]);
    const after = keyFiles.map((p) => readFileSync(p, 'utf8'));
    for (let i = 0; i < keyFiles.length; i++) {
      assert.notEqual(after[i], before[i], 'new keys');
      assert.ok(new Date(JSON.parse(after[i]!).Expiration) > new Date(JSON.parse(before[i]!).Expiration), 'expiring later');
      assert.equal(statSync(keyFiles[i]!).mode & 0o777, 0o600);
    }
    const wrote = await sh(nodes[0]!, `echo again > ${base}/out/again.txt`);
    assert.equal(wrote.exitCode, 0, wrote.stderr);
    assert.equal(await until('out/again.txt in the bucket', () => text(own, 'out/again.txt')), 'again\n');
  });

  test('stop unmounts (rclone gone, keys deleted); start mounts again (keys minted again); teardown leaves nothing', async () => {
    const root = vmMountRoot(instanceId);
    // Written through MOUNT_CACHED's cache right before the stop: the clean unmount uploads it.
    const late = await sh(nodes[0]!, `echo late > ${base}/in/late.txt`);
    assert.equal(late.exitCode, 0, late.stderr);
    for (const n of nodes) n.close();
    nodes = [];
    await bridge.stopInfra(cluster, 'aws/us-east-1');
    assert.equal(await text(own, 'in/late.txt'), 'late\n', 'uploaded before the VM stopped');
    assert.equal(rclonesOf(root).length, 0, 'no rclone after stop');
    assert.equal(existsSync(root), false, 'the keys went with the mounts');
    await bridge.startInfra(cluster, 'aws/us-east-1');
    assert.equal(rclonesOf(root).length, 3, 'mounted again on start');
    nodes = await f.launcher.connect(cluster, { timeoutMs: 5_000 });
    assert.equal((await sh(nodes[0]!, `cat ${base}/out/result.txt`)).stdout, 'from the vm\n');
    for (const n of nodes) n.close();
    nodes = [];
    await bridge.teardownInfra(cluster, 'aws/us-east-1');
    assert.equal(rclonesOf(root).length, 0, 'no rclone after teardown');
    assert.equal(existsSync(root), false);
    assert.equal(existsSync(`${base}/out`), false, 'the empty mount point is removed');
  });
});
