import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DataSource } from 'typeorm';
import { ExternalBuckets } from '@skyport/config';
import { ClusterStatus } from '@skyport/contracts';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { execCommand } from '@skyport/kube';
import { testKubeTarget } from '@skyport/kube/testing';
import { ClusterEntity, RequestEntity, StorageEntity } from '@skyport/persistence';
import { createLogger } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';
import { ProvisionService } from '../provision/provision.service';
import { FileResync } from '../provision/file-resync.service';
import { TeardownService } from '../teardown/teardown.service';
import { S3Buckets } from './s3-buckets';
import { kubernetesCandidate, startProvisionerTestBed, type ProvisionerTestBed } from '../testing/provisioner-test-bed';

const target = testKubeTarget();
const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

/**
 * Buckets Skyport did not create, read with the server's credentials only where the admin's allow-list
 * (SKYPORT_S3_EXTERNAL_BUCKETS) lets the launch's team, checked right before every download: a Kubernetes launch and
 * an exec's re-sync (the cloud VM path is in bucket-copy-vm.integration-spec.ts). moto's S3, Postgres, the local
 * control plane.
 */
describe('external buckets: the allow-list before every download (moto + Postgres + local control plane)', { skip: target && hasDb ? false : 'needs the local stack (npm test)' }, () => {
  const id = randomUUID().slice(0, 8);
  const listed = `ext-${id}`;
  const unlisted = `other-${id}`;
  const users = { alice: randomUUID(), bob: randomUUID(), root: randomUUID() };
  const logger = createLogger('provisioner-test', 'silent');
  let bed: ProvisionerTestBed;
  let ds: DataSource;
  let s3: S3Client;
  let buckets: S3Buckets;
  let provision: ProvisionService;
  let teardown: TeardownService;
  const up: Array<{ clusterName: string; requestId: string }> = [];

  before(async () => {
    const client = { endpoint: testAwsEndpoint(), region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' } };
    s3 = new S3Client(client);
    for (const b of [listed, unlisted]) {
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      await s3.send(new PutObjectCommand({ Bucket: b, Key: 'data/a.txt', Body: `from ${b}\n` }));
    }
    // What an admin writes: SKYPORT_S3_EXTERNAL_BUCKETS=ml=ext-<id>* (team ml only).
    buckets = new S3Buckets({ client, maxCopyBytes: 1024 * 1024, externalBuckets: new ExternalBuckets([{ team: 'ml', pattern: `ext-${id}*` }]) });
    bed = await startProvisionerTestBed('bucket_allow', target!);
    ds = bed.ds;
    for (const [name, row] of Object.entries({ alice: ['user', 'ml'], bob: ['user', 'blue'], root: ['admin', null] })) {
      await ds.query(`INSERT INTO users (id, name, role, team) VALUES ($1, $2, $3, $4)`, [users[name as keyof typeof users], name, row[0], row[1]]);
    }
    provision = new ProvisionService({ db: ds, kube: bed.kube, capacity: bed.capacity, config: { kubernetes: { namespace: bed.ns.name, provision_timeout: 20 } }, logger, buckets });
    teardown = new TeardownService({ db: ds, kube: bed.kube, logger });
  });

  after(async () => {
    for (const c of up) await teardown?.teardown({ ...c, reason: 'user' }).catch(() => undefined);
    buckets?.destroy();
    s3?.destroy();
    await bed?.stop();
  });

  async function launch(clusterName: string, owner: string, yaml: string): Promise<RequestEntity & { up: boolean }> {
    const task = parseTaskYaml(yaml).tasks[0]!;
    const requestId = randomUUID();
    const planId = randomUUID();
    await ds.query(`INSERT INTO clusters (name, phase, owner) VALUES ($1, 'INIT', $2)`, [clusterName, owner]);
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'RUNNING', $2, 1, 'h', $3, $4)`, [requestId, clusterName, JSON.stringify({ task }), owner]);
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'PENDING', $2, $3)`, [clusterName, requestId, JSON.stringify(task)]);
    const candidate = kubernetesCandidate(target!.context, '1CPU--1GB');
    await ds.query(`INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) VALUES ($1, $2, $3, $4, 0)`, [planId, requestId, clusterName, JSON.stringify({ planId, numNodes: 1, candidates: [candidate], chosenIndex: 0 })]);
    await provision.provision({ requestId, clusterName, planId });
    const request = await ds.manager.findOneByOrFail(RequestEntity, { id: requestId });
    const isUp = (await ds.manager.findOneByOrFail(ClusterEntity, { name: clusterName })).status === ClusterStatus.Up;
    if (isUp) up.push({ clusterName, requestId });
    return { ...request, up: isUp };
  }

  const podsOf = async (clusterName: string) =>
    (await bed.kube.forContext(target!.context).core.listNamespacedPod({ namespace: bed.ns.name })).items.filter(
      // One already being deleted is on its way out (the rollback deleted it).
      (p) => p.metadata?.name?.startsWith(`${clusterName}-`) && !p.metadata.deletionTimestamp,
    );
  const readInPod = async (pod: string, path: string) =>
    (await execCommand({ clients: bed.kube.forContext(target!.context), namespace: bed.ns.name, pod, container: 'skyport' }, ['sh', '-c', `cd "$HOME" && cat ${path}`])).stdout;
  const notAllowed = (bucket: string, who: string) => new RegExp(`file_mounts '/d': bucket '${bucket}' was not created by Skyport for ${who} and is not allowed by this server's SKYPORT_S3_EXTERNAL_BUCKETS; an admin may add it there`);

  test('a bucket neither Skyport nor the allow-list knows: the launch fails before the download, naming the bucket and the setting', async () => {
    const failed = await launch('al-unlisted', users.alice, `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  /d: s3://${unlisted}/data\nrun: ls\n`);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.errorMessage ?? '', notAllowed(unlisted, "team 'ml'"));
    assert.deepEqual(await podsOf('al-unlisted'), [], 'its pods were removed: nothing of the bucket reached a node');
  });

  test("a team entry lets that team read the bucket, not another team; an admin reads any bucket", async () => {
    const ml = await launch('al-ml', users.alice, `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  ~/d: s3://${listed}/data\nrun: ls\n`);
    assert.ok(ml.up, ml.errorMessage ?? 'UP');
    assert.equal(await readInPod('al-ml-head', 'd/a.txt'), `from ${listed}\n`);
    const blue = await launch('al-blue', users.bob, `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  /d: s3://${listed}/data\nrun: ls\n`);
    assert.equal(blue.status, 'FAILED');
    assert.match(blue.errorMessage ?? '', notAllowed(listed, "team 'blue'"));
    const admin = await launch('al-root', users.root, `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  ~/d: s3://${unlisted}/data\nrun: ls\n`);
    assert.ok(admin.up, admin.errorMessage ?? 'UP');
    assert.equal(await readInPod('al-root-head', 'd/a.txt'), `from ${unlisted}\n`);
  });

  test('an existing bucket that is not Skyport\'s is read by name when listed, but never synced into nor recorded', async () => {
    const content = Buffer.from('would overwrite\n');
    const digest = createHash('sha256').update(content).digest('hex');
    const manifest = { version: 1, kind: 'dir', entries: [{ path: 'data/a.txt', type: 'file', mode: 0o644, size: content.length, sha256: digest, chunks: [digest] }] };
    const manifestDigest = createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
    await ds.query(`INSERT INTO blobs (digest, size, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [digest, content.length, content]);
    await ds.query(`INSERT INTO blob_manifests (scope, digest, body, chunks, total_bytes) VALUES ('team:ml', $1, $2, $3, $4) ON CONFLICT DO NOTHING`, [manifestDigest, JSON.stringify(manifest), [digest], content.length]);
    const sync = await launch('al-sync', users.alice, `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  /d:\n    name: ${listed}\n    source: skyport-blob://${manifestDigest}\n    mode: COPY\nrun: ls\n`);
    assert.equal(sync.status, 'FAILED');
    assert.match(sync.errorMessage ?? '', new RegExp(`file_mounts '/d': bucket '${listed}' already exists and was not created by Skyport, which never writes into such a bucket`));
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: listed }));
    assert.deepEqual((objects.Contents ?? []).map((o) => [o.Key, o.Size]), [['data/a.txt', `from ${listed}\n`.length]], 'the bucket is as it was');
    const read = await launch('al-named', users.alice, `resources: {cpus: 1, memory: 1}\nfile_mounts:\n  ~/n:\n    name: ${listed}\n    mode: COPY\nrun: ls\n`);
    assert.ok(read.up, read.errorMessage ?? 'UP');
    assert.equal(await readInPod('al-named-head', 'n/data/a.txt'), `from ${listed}\n`);
    assert.equal(await ds.manager.countBy(StorageEntity, {}), 0, 'not recorded: Skyport never deletes it');
  });

  test("an exec's re-sync checks again: an unlisted bucket fails the job, a listed one lands", async () => {
    const resync = new FileResync(ds, bed.kube, logger, undefined, undefined, buckets);
    const exec = async (jobId: number, bucket: string) => {
      const requestId = randomUUID();
      const task = parseTaskYaml(`run: ls\nfile_mounts:\n  ~/e${jobId}: s3://${bucket}/data\n`).tasks[0]!;
      await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'exec', 'PENDING', 'al-ml', $2, 'h', '{}', $3)`, [requestId, jobId, users.alice]);
      await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ('al-ml', $1, 'INIT', $2, $3)`, [jobId, requestId, JSON.stringify(task)]);
      return requestId;
    };
    const status = async (jobId: number) => ((await ds.query(`SELECT status FROM jobs WHERE cluster_name = 'al-ml' AND job_id = $1`, [jobId])) as Array<{ status: string }>)[0]?.status;
    const refused = await exec(2, unlisted);
    // A failed copy is tried a few times (a node may be busy) before the job fails.
    for (let i = 0; i < 10 && (await status(2)) === 'INIT'; i++) await resync.pass();
    assert.equal(await status(2), 'FAILED_DRIVER');
    assert.match((await ds.manager.findOneByOrFail(RequestEntity, { id: refused })).errorMessage ?? '', new RegExp(`bucket '${unlisted}' was not created by Skyport for team 'ml'`));
    await exec(3, listed);
    await resync.pass();
    assert.equal(await status(3), 'PENDING');
    assert.equal(await readInPod('al-ml-head', 'e3/a.txt'), `from ${listed}\n`);
  });
});
