import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { ExternalBuckets } from '@skyport/config';
import { parseTaskYaml } from '@skyport/task-spec';
import { startCloudFixture, type CloudFixture } from '../cloud/testing/cloud-fixture';
import { CloudBridge } from '../provision/cloud-bridge';
import type { VmNode } from '../cloud/vm-node';
import { S3Buckets } from './s3-buckets';

// An S3 COPY mount on an AWS burst VM: the provisioner reads the bucket (moto's S3) and sends the tar over SSH
// (moto's EC2, a real sshd on 127.0.0.1 standing in for the VM), as for the uploaded workdir.
describe('S3 COPY mounts on cloud VMs (moto EC2 + S3, local sshd)', () => {
  const id = randomBytes(3).toString('hex');
  const cluster = `vmbucket-${id}`;
  const bucket = `vm-copy-${id}`;
  let f: CloudFixture;
  let buckets: S3Buckets;
  let s3: S3Client;
  let nodes: VmNode[] = [];

  before(async () => {
    const client = { endpoint: testAwsEndpoint(), region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' } };
    s3 = new S3Client(client);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ds/train.csv', Body: 'a,b\n1,2\n' }));
    buckets = new S3Buckets({ client, maxCopyBytes: 1024 * 1024, externalBuckets: new ExternalBuckets([{ pattern: bucket }]) });
    f = await startCloudFixture('vm_bucket_copy');
  });
  after(async () => {
    for (const n of nodes) n.close();
    if (f) await f.launcher.teardown(cluster, [], { waitMs: 2_000 });
    await f?.close();
    buckets?.destroy();
    s3?.destroy();
  });

  test('the prefix lands under the mount target on the VM before it is handed over', async () => {
    const bridge = new CloudBridge(f.launcher, undefined, f.ds, buckets);
    const task = parseTaskYaml(`run: ls\nfile_mounts:\n  ~/datasets: s3://${bucket}/ds\n`).tasks[0]!;
    const placed = await bridge.launch({
      clusterName: cluster,
      numNodes: 1,
      candidate: { candidateId: 'aws/us-east-1/m5.large', provider: 'aws', region: 'us-east-1', zone: '', instanceType: 'm5.large', acceleratorName: '', acceleratorCount: 0, useSpot: false, feasible: true, reason: '', namespace: '' },
      attemptId: `a-${id}`,
      task,
      log: () => undefined,
    });
    f.track(placed.nodes.map((n) => String(n.instanceId)));
    nodes = await f.launcher.connect(cluster, { timeoutMs: 5_000 });
    assert.equal((await nodes[0]!.execCommand(['cat', 'datasets/train.csv'])).stdout, 'a,b\n1,2\n');
  });

  test('a bucket neither Skyport nor the allow-list knows is refused before any VM is made', async () => {
    const other = `vm-other-${id}`;
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    const bridge = new CloudBridge(f.launcher, undefined, f.ds, buckets);
    const task = parseTaskYaml(`run: ls\nfile_mounts:\n  ~/x: s3://${other}\n`).tasks[0]!;
    const refused = `${cluster}-no`;
    await assert.rejects(
      bridge.launch({
        clusterName: refused,
        numNodes: 1,
        candidate: { candidateId: 'aws/us-east-1/m5.large', provider: 'aws', region: 'us-east-1', zone: '', instanceType: 'm5.large', acceleratorName: '', acceleratorCount: 0, useSpot: false, feasible: true, reason: '', namespace: '' },
        attemptId: `b-${id}`,
        task,
        log: () => undefined,
      }),
      new RegExp(`bucket '${other}' was not created by Skyport for you and is not allowed by this server's SKYPORT_S3_EXTERNAL_BUCKETS`),
    );
    assert.equal(Number((await f.ds.query(`SELECT count(*) AS n FROM cloud_instances WHERE cluster_name = $1`, [refused]))[0].n), 0, 'no VM');
  });
});
