import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DataSource } from 'typeorm';
import { ExternalBuckets } from '@skyport/config';
import { ClusterStatus } from '@skyport/contracts';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { execCommand, type KubeClientProvider } from '@skyport/kube';
import { testKubeTarget } from '@skyport/kube/testing';
import { ClusterEntity, RequestEntity, StorageEntity } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';
import { CapacityService } from '../capacity/capacity.service';
import { ProvisionService } from '../provision/provision.service';
import type { PlanCandidate } from '../provision/cluster-spec.factory';
import { TeardownService } from '../teardown/teardown.service';
import { S3Buckets } from './s3-buckets';
import { BucketReaper } from './bucket-reaper.service';
import { FileResync } from '../provision/file-resync.service';
import { kubernetesCandidate, startProvisionerTestBed, type ProvisionerTestBed } from '../testing/provisioner-test-bed';

const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

/**
 * `file_mounts` from S3 in COPY mode on the local control plane: moto's S3 (127.0.0.1) holds the bucket, the
 * provisioner reads it with its own credentials and extracts it in every pod over exec; a missing bucket fails
 * the launch with the reason.
 */
describe('S3 COPY mounts (moto + Postgres + local control plane)', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let bed: ProvisionerTestBed;
  let ds: DataSource;
  let kube: KubeClientProvider;
  let capacity: CapacityService;
  let ns: { name: string; drop: () => Promise<void> };
  let provision: ProvisionService;
  let teardown: TeardownService;
  let buckets: S3Buckets;
  let s3: S3Client;
  const bucket = `skyport-copy-${randomUUID().slice(0, 8)}`;
  const logger = createLogger('provisioner-test', 'silent');

  before(async () => {
    const endpoint = testAwsEndpoint();
    const client = { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' } };
    s3 = new S3Client(client);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [key, body] of [['data/a.txt', 'alpha\n'], ['data/sub/b.txt', 'beta\n'], ['data-old/x.txt', 'not mine\n'], ['one.txt', 'single\n']]) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
    // Not Skyport's bucket: these launches (by no admin) read it because the allow-list names it.
    buckets = new S3Buckets({ client, maxCopyBytes: 1024 * 1024, externalBuckets: new ExternalBuckets([{ pattern: 'skyport-copy-*' }]) });
    bed = await startProvisionerTestBed('bucket_copy', target!);
    ({ ds, kube, capacity, ns } = bed);
    const config = { kubernetes: { namespace: ns.name, provision_timeout: 20 } };
    provision = new ProvisionService({ db: ds, kube, capacity, config, logger, buckets });
    teardown = new TeardownService({ db: ds, kube, logger });
  });

  after(async () => {
    buckets?.destroy();
    s3?.destroy();
    await bed?.stop();
  });

  const candidate = (): PlanCandidate => kubernetesCandidate(target!.context, '1CPU--1GB');

  async function launch(clusterName: string, yaml: string, owner?: string): Promise<string> {
    const task = parseTaskYaml(yaml).tasks[0]!;
    const requestId = randomUUID();
    const planId = randomUUID();
    await ds.query(`INSERT INTO clusters (name, phase) VALUES ($1, 'INIT')`, [clusterName]);
    // The launch reads buckets as the cluster's owner, a re-sync as its request's.
    if (owner) await ds.query(`UPDATE clusters SET owner = $2 WHERE name = $1`, [clusterName, owner]);
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', $3, 'alice')`, [requestId, clusterName, JSON.stringify({ task })]);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'PENDING', $2, $3)`, [clusterName, requestId, JSON.stringify(task)]);
    await ds.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, $4, 0)`, [
      planId,
      requestId,
      clusterName,
      JSON.stringify({ planId, numNodes: task.numNodes, candidates: [candidate()], chosenIndex: 0 }),
    ]);
    await provision.provision({ requestId, clusterName, planId });
    return requestId;
  }

  test('a prefix and a single object land in every node before setup; nothing of the bucket beside them', async () => {
    const yaml = [
      'num_nodes: 2',
      'resources: {cpus: 1, memory: 1}',
      'file_mounts:',
      `  ~/data: s3://${bucket}/data`,
      '  ~/one.txt:',
      `    source: s3://${bucket}/one.txt`,
      '    mode: COPY',
      'run: ls',
    ].join('\n');
    const requestId = await launch('bk1', yaml);
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: 'bk1' })).status, ClusterStatus.Up);
    const clients = kube.forContext(target!.context);
    for (const pod of ['bk1-head', 'bk1-worker-1']) {
      // Home-relative targets: each KWOK pod's exec runs in its own directory on this machine, so both are checked.
      const r = await execCommand({ clients, namespace: ns.name, pod, container: 'skyport' }, ['sh', '-c', 'cd "$HOME" && cat data/a.txt data/sub/b.txt one.txt; ls data']);
      assert.equal(r.stdout, 'alpha\nbeta\nsingle\na.txt\nsub\n', `${pod}: ${r.stderr}`);
      // The bucket's credentials stay with the provisioner: nothing of them in the pod or the cluster's Secret.
      const spec = JSON.stringify(await clients.core.readNamespacedPod({ name: pod, namespace: ns.name }));
      assert.ok(!/AWS_|skyport-test/.test(spec), `${pod}'s spec carries no S3 credentials`);
    }
    const secrets = await clients.core.listNamespacedSecret({ namespace: ns.name });
    assert.ok(!JSON.stringify(secrets).includes(Buffer.from('skyport-test').toString('base64')), 'no Secret carries them either');
    await teardown.teardown({ clusterName: 'bk1', requestId, reason: 'user' });
  });

  test('a missing bucket or prefix fails the launch, naming the mount and the bucket', async () => {
    const requestId = await launch('bk2', `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  /d: s3://${bucket}-missing/x\nrun: ls\n`);
    const failed = await ds.manager.findOneByOrFail(RequestEntity, { id: requestId });
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.errorMessage ?? '', new RegExp(`file_mounts '/d' \\(s3://${bucket}-missing/x\\): bucket '${bucket}-missing' does not exist`));
    const again = await launch('bk3', `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  /d: s3://${bucket}/nothing-here\nrun: ls\n`);
    assert.match((await ds.manager.findOneByOrFail(RequestEntity, { id: again })).errorMessage ?? '', /no objects under 'nothing-here\/' in bucket/);
  });

  test("another team's recorded bucket is refused by s3:// URL too, not only by name", async () => {
    await ds.query(`INSERT INTO storage (name, store, source, persistent, cluster_name, status, team, owner) VALUES ($1, 's3', NULL, true, NULL, 'READY', 'blue', 'bob')`, [bucket]);
    try {
      const requestId = await launch('bk-theirs', `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  /d: s3://${bucket}/data\nrun: ls\n`);
      const failed = await ds.manager.findOneByOrFail(RequestEntity, { id: requestId });
      assert.equal(failed.status, 'FAILED');
      assert.match(failed.errorMessage ?? '', new RegExp(`file_mounts '/d': storage '${bucket}' belongs to another team`));
    } finally {
      await ds.query(`DELETE FROM storage WHERE name = $1`, [bucket]);
    }
  });

  test("MOUNT on a context without Skyport's S3 mount driver: refused before anything is made, saying what to install", async () => {
    const requestId = await launch('bk-mount', `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  /d:\n    source: s3://${bucket}/data\n    mode: MOUNT\nrun: ls\n`);
    const failed = await ds.manager.findOneByOrFail(RequestEntity, { id: requestId });
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.errorMessage ?? '', new RegExp(`need Skyport's S3 mount driver \\(s3\\.csi\\.skyport\\.dev\\) on every node of context '${target!.context}'.*install the Skyport S3 mount driver on context ${target!.context}, or use mode: COPY`));
    const pods = await kube.forContext(target!.context).core.listNamespacedPod({ namespace: ns.name, labelSelector: 'skyport.dev/cluster=bk-mount' });
    assert.deepEqual(pods.items, [], 'no pod was made');
  });

  test('above the size limit: refused with the limit and its variable', async () => {
    const small = new S3Buckets({ client: { endpoint: testAwsEndpoint(), region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' } }, maxCopyBytes: 4 });
    try {
      await assert.rejects(small.archiveFor('/d', `s3://${bucket}/data`, '/d'), /above this server's COPY limit of 4 bytes \(SKYPORT_S3_COPY_MAX_BYTES\)/);
    } finally {
      small.destroy();
    }
  });

  test('named storage: created when missing, the uploaded source synced into it and onto the nodes; deleted with the cluster unless persistent', async () => {
    const content = Buffer.from('weights v1\n');
    const digest = createHash('sha256').update(content).digest('hex');
    const manifest = { version: 1, kind: 'dir', entries: [{ path: 'w/weights.bin', type: 'file', mode: 0o644, size: content.length, sha256: digest, chunks: [digest] }] };
    const manifestDigest = createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
    await ds.query(`INSERT INTO blobs (digest, size, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [digest, content.length, content]);
    await ds.query(`INSERT INTO blob_manifests (scope, digest, body, chunks, total_bytes) VALUES ('team:t', $1, $2, $3, $4) ON CONFLICT DO NOTHING`, [manifestDigest, JSON.stringify(manifest), [digest], content.length]);
    const scratch = `${bucket}-scratch`;
    const kept = `${bucket}-kept`;
    const yaml = [
      'resources: {cpus: 1, memory: 1}',
      'file_mounts:',
      '  ~/scratch:',
      `    name: ${scratch}`,
      `    source: skyport-blob://${manifestDigest}`,
      '    store: s3',
      '    mode: COPY',
      '    persistent: false',
      '  ~/kept:',
      `    name: ${kept}`,
      '    mode: COPY',
      'run: ls',
    ].join('\n');
    const requestId = await launch('bk4', yaml);
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: 'bk4' })).status, ClusterStatus.Up);
    const clients = kube.forContext(target!.context);
    const r = await execCommand({ clients, namespace: ns.name, pod: 'bk4-head', container: 'skyport' }, ['sh', '-c', 'cd "$HOME" && cat scratch/w/weights.bin && ls -d kept']);
    assert.equal(r.stdout, 'weights v1\nkept\n', r.stderr);
    const inBucket = await s3.send(new GetObjectCommand({ Bucket: scratch, Key: 'w/weights.bin' }));
    assert.equal(await inBucket.Body!.transformToString(), 'weights v1\n', 'the source was synced into the bucket');
    const rows = await ds.manager.find(StorageEntity, { order: { name: 'ASC' } });
    assert.deepEqual(rows.map((s) => [s.name, s.persistent, s.clusterName, s.status]), [[kept, true, 'bk4', 'READY'], [scratch, false, 'bk4', 'READY']]);

    const reaper = new BucketReaper(ds, logger, buckets);
    assert.deepEqual(await reaper.pass(), [], 'nothing goes while the cluster lives');
    await teardown.teardown({ clusterName: 'bk4', requestId, reason: 'user' });
    // Another live cluster mounting it keeps it.
    await ds.query(`INSERT INTO clusters (name, phase, task) VALUES ('bk5', 'UP', $1)`, [JSON.stringify({ fileMounts: [{ target: '/s', storage: { name: scratch, mode: 'COPY' } }] })]);
    assert.deepEqual(await reaper.pass(), [], 'kept while another live cluster mounts it');
    await ds.query(`UPDATE clusters SET phase = 'TERMINATED' WHERE name = 'bk5'`);
    // So does one mounting it by s3:// URL.
    await ds.query(`INSERT INTO clusters (name, phase, task) VALUES ('bk5u', 'UP', $1)`, [JSON.stringify({ fileMounts: [{ target: '/s', source: `s3://${scratch}/x`, storage: { mode: 'MOUNT' } }] })]);
    assert.deepEqual(await reaper.pass(), [], 'kept while another live cluster mounts it by URL');
    await ds.query(`UPDATE clusters SET phase = 'TERMINATED' WHERE name = 'bk5u'`);
    assert.deepEqual(await reaper.pass(), [scratch], 'persistent: false goes with the clusters using it');
    await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: scratch })), (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 404);
    await s3.send(new HeadBucketCommand({ Bucket: kept }));
    await ds.query(`UPDATE storage SET status = 'DELETING' WHERE name = $1`, [kept]);
    assert.deepEqual(await reaper.pass(), [kept], 'storage delete: the reaper removes it');
    assert.equal(await ds.manager.countBy(StorageEntity, {}), 0);
  });

  test("named storage from an uploaded directory: the nodes get the bucket's files, and a re-sync on the running cluster (a launch onto it) brings what another cluster wrote there", async () => {
    const content = Buffer.from('from the laptop\n');
    const digest = createHash('sha256').update(content).digest('hex');
    const manifest = { version: 1, kind: 'dir', entries: [{ path: 'in.txt', type: 'file', mode: 0o644, size: content.length, sha256: digest, chunks: [digest] }] };
    const manifestDigest = createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
    await ds.query(`INSERT INTO blobs (digest, size, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [digest, content.length, content]);
    await ds.query(`INSERT INTO blob_manifests (scope, digest, body, chunks, total_bytes) VALUES ('team:t', $1, $2, $3, $4) ON CONFLICT DO NOTHING`, [manifestDigest, JSON.stringify(manifest), [digest], content.length]);
    const shared = `${bucket}-shared`;
    const yaml = ['resources: {cpus: 1, memory: 1}', 'file_mounts:', '  ~/shared:', `    name: ${shared}`, `    source: skyport-blob://${manifestDigest}`, '    mode: COPY', 'run: ls'].join('\n');
    const requestId = await launch('bk6', yaml, 'alice');
    assert.equal((await ds.manager.findOneByOrFail(ClusterEntity, { name: 'bk6' })).status, ClusterStatus.Up);
    const clients = kube.forContext(target!.context);
    const onNode = async () => (await execCommand({ clients, namespace: ns.name, pod: 'bk6-head', container: 'skyport' }, ['sh', '-c', 'cd "$HOME/shared" && ls && cat *'])).stdout;
    assert.equal(await onNode(), 'in.txt\nfrom the laptop\n');

    // What a MOUNT of the bucket on another cluster writes; then a launch onto bk6 (job 2 waits INIT for its files).
    await s3.send(new PutObjectCommand({ Bucket: shared, Key: 'out.txt', Body: 'from the other cluster\n' }));
    await s3.send(new PutObjectCommand({ Bucket: shared, Key: 'in.txt', Body: 'changed in the bucket\n' }));
    const relaunch = randomUUID();
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'PENDING', 'bk6', 2, 'h', '{}', 'alice')`, [relaunch]);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ('bk6', 2, 'INIT', $1, $2)`, [relaunch, JSON.stringify(parseTaskYaml(yaml).tasks[0]!)]);
    await new FileResync(ds, kube, logger, undefined, undefined, buckets).pass();
    assert.equal(((await ds.query(`SELECT status FROM jobs WHERE cluster_name = 'bk6' AND job_id = 2`)) as Array<{ status: string }>)[0]?.status, 'PENDING');
    // The source was synced into the bucket again (over the change), then the bucket copied onto the node.
    assert.equal(await onNode(), 'in.txt\nout.txt\nfrom the laptop\nfrom the other cluster\n');
    await teardown.teardown({ clusterName: 'bk6', requestId, reason: 'user' });
    await ds.query(`UPDATE storage SET status = 'DELETING' WHERE name = $1`, [shared]);
    assert.deepEqual(await new BucketReaper(ds, logger, buckets).pass(), [shared]);
  });
});
