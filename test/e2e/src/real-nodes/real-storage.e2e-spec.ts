import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { skyport } from '../e2e-stack';
import { startRealStack, waitFor, type RealStack } from './real-stack';

/**
 * Buckets MOUNTed on real nodes (issue 19): test/cluster's S3 mount driver (CSI s3.csi.skyport.dev, one plugin per
 * real node, rclone over FUSE on the host) serves the inline volumes the provisioner puts in the pods; moto's S3 on
 * 127.0.0.1 is the bucket store of both the server and the driver. The task containers stay unprivileged: no
 * /dev/fuse, no S3 key, no hostPath. Its own real cluster, so it runs beside the other real-node suite.
 */
describe('real nodes: buckets in mode MOUNT and MOUNT_CACHED', () => {
  let stack: RealStack;
  let s3: S3Client;
  const id = randomBytes(3).toString('hex');
  const bucket = `e2e-mnt-${id}`;
  const writers = `rs-w-${id}`;
  const reader = `rs-r-${id}`;
  const lastWriter = `rs-l-${id}`;
  const otherNs = `rs-other-${id}`;
  const otherSa = `rs-sa-${id}`;
  const dir = mkdtempSync(join(tmpdir(), 'skyport-real-storage-'));
  const file = (fileName: string, lines: string[]) => {
    const path = join(dir, fileName);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const object = async (key: string): Promise<string | undefined> => {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
    return got ? await got.Body!.transformToString() : undefined;
  };
  const namespace = () => stack.clients.context.namespace ?? 'default';

  before(async () => {
    const endpoint = testAwsEndpoint();
    const credentials = { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' };
    s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // The cluster's mount driver reads the same moto (cluster.sh passes it to the plugins it starts).
    process.env.SKYPORT_S3_MOUNT_ENDPOINT = endpoint;
    stack = await startRealStack('e2e_real_storage', {
      cluster: process.env.SKYPORT_REAL_STORAGE_CLUSTER_NAME ?? 'e2e-real-s3',
      env: { SKYPORT_S3_ENDPOINT: endpoint, SKYPORT_S3_ACCESS_KEY_ID: credentials.accessKeyId, SKYPORT_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    });
  });

  after(async () => {
    if (stack) {
      await Promise.all([writers, reader, lastWriter].map((c) => skyport(stack, ['down', '-y', c]).catch(() => undefined)));
      const core = stack.clients.core;
      await core.deleteNamespacedPod({ namespace: namespace(), name: otherSa, gracePeriodSeconds: 0 }).catch(() => undefined);
      await core.deleteNamespacedServiceAccount({ namespace: namespace(), name: otherSa }).catch(() => undefined);
      await core.deleteNamespace({ name: otherNs }).catch(() => undefined);
      await stack.stop();
    }
    s3?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a gs:// source at validate with exit 2', async () => {
    const r = await skyport(stack, ['validate', file('gs.yaml', ['run: ls', 'file_mounts:', '  /data:', '    source: gs://some-bucket/x', '    mode: MOUNT'])]);
    assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /'gs:\/\/some-bucket\/x' is a Google Cloud Storage \(gs:\/\/\) bucket, which is not supported by Skyport/);
  });

  it('MOUNT: both nodes of a 2-node cluster write into the bucket from unprivileged containers', async () => {
    const task = file('writers.yaml', [
      'num_nodes: 2',
      'resources: {cpus: 0.5, memory: 0.5}',
      'file_mounts:',
      '  /bucket:',
      `    source: s3://${bucket}/shared`,
      '    mode: MOUNT',
      'run: |',
      '  set -e',
      '  echo "from node $SKYPILOT_NODE_RANK" > /bucket/node-$SKYPILOT_NODE_RANK.txt',
      '  if [ -e /dev/fuse ]; then echo "FUSE:yes"; else echo "FUSE:no"; fi',
      '  echo "KEYS:$(env | grep -c -E \'^AWS_|^SKYPORT_S3\' || true)"',
    ]);
    const run = await skyport(stack, ['launch', '-y', '-c', writers, task]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout, /FUSE:yes/);
    assert.doesNotMatch(run.stdout, /KEYS:[1-9]/);
    // Written through the mount, no cache: the objects are in the bucket once the job has ended.
    assert.equal(await object('shared/node-0.txt'), 'from node 0\n');
    assert.equal(await object('shared/node-1.txt'), 'from node 1\n');

    const pods = await Promise.all(['head', 'worker-1'].map((p) => stack.clients.core.readNamespacedPod({ name: `${writers}-${p}`, namespace: namespace() })));
    assert.notEqual(pods[0]!.spec?.nodeName, pods[1]!.spec?.nodeName, 'one pod per real node');
    for (const pod of pods) {
      const volumes = pod.spec?.volumes ?? [];
      assert.deepEqual(volumes.filter((v) => v.csi).map((v) => [v.csi!.driver, v.csi!.volumeAttributes]), [['s3.csi.skyport.dev', { bucket, prefix: 'shared', mode: 'MOUNT' }]]);
      assert.ok(!volumes.some((v) => v.hostPath), 'no hostPath');
      for (const c of pod.spec?.containers ?? []) {
        assert.ok(!c.securityContext?.privileged && !c.securityContext?.capabilities?.add?.length, `container ${c.name} is unprivileged`);
        assert.ok(!(c.env ?? []).some((e) => /^AWS_|^SKYPORT_S3/.test(e.name)), `no S3 setting in ${c.name}'s environment`);
      }
    }
  });

  it('the driver refuses a pod that is not a Skyport task pod: another namespace, or another service account', async () => {
    // Made straight through the Kubernetes API, not Skyport (whose task policy would refuse naming the driver): what
    // any pod of the cluster could try. The kubelet reports the driver's PermissionDenied as the pod's FailedMount.
    const core = stack.clients.core;
    await core.createNamespace({ body: { metadata: { name: otherNs } } });
    await core.createNamespacedServiceAccount({ namespace: namespace(), body: { metadata: { name: otherSa } } });
    const pod = (ns: string, name: string, serviceAccountName?: string) =>
      core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name },
          spec: {
            serviceAccountName,
            automountServiceAccountToken: false,
            containers: [{ name: 'c', image: stack.registry.defaultImage, command: ['sleep', '600'], volumeMounts: [{ name: 'b', mountPath: '/b' }] }],
            volumes: [{ name: 'b', csi: { driver: 's3.csi.skyport.dev', volumeAttributes: { bucket, prefix: 'shared', mode: 'MOUNT' } } }],
          },
        },
      });
    await pod(otherNs, 'thief');
    await pod(namespace(), otherSa, otherSa);
    const failedMount = (ns: string, name: string) =>
      waitFor(`FailedMount of ${ns}/${name}`, async () => {
        const events = await core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${name}` });
        return events.items.find((e) => e.reason === 'FailedMount' && /PermissionDenied/.test(e.message ?? ''))?.message;
      }, 90_000);
    assert.match(await failedMount(otherNs, 'thief'), new RegExp(`pod ${otherNs}/thief is not in a Skyport task namespace`));
    assert.match(await failedMount(namespace(), otherSa), new RegExp(`runs as service account "${otherSa}", not Skyport's task service account "default"`));
    for (const [ns, name] of [[otherNs, 'thief'], [namespace(), otherSa]] as const) {
      const p = await core.readNamespacedPod({ namespace: ns, name });
      assert.notEqual(p.status?.phase, 'Running', `${ns}/${name} never started`);
    }
  });

  it("MOUNT_CACHED: a second cluster reads the first one's files and its own write reaches the bucket", async () => {
    const task = file('reader.yaml', [
      'resources: {cpus: 0.5, memory: 0.5}',
      'file_mounts:',
      '  /data:',
      `    source: s3://${bucket}/shared`,
      '    mode: MOUNT_CACHED',
      'run: |',
      '  set -e',
      '  echo "READ:$(cat /data/node-0.txt) / $(cat /data/node-1.txt)"',
      '  echo "cached write" > /data/from-reader.txt',
    ]);
    const run = await skyport(stack, ['launch', '-y', '-c', reader, task]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /READ:from node 0 \/ from node 1/);
    // The VFS cache writes back a couple of seconds after the file is closed.
    assert.equal(await waitFor('the cached write in the bucket', () => object('shared/from-reader.txt'), 60_000), 'cached write\n');
  });

  it('MOUNT_CACHED: a write made just before the cluster is taken down still reaches the bucket', async () => {
    // rclone uploads a closed file 2 s later; neither an unmount nor a signal makes it upload sooner, so the driver
    // keeps the volume mounted until its cache has nothing dirty left.
    const task = file('last-writer.yaml', [
      'resources: {cpus: 0.5, memory: 0.5}',
      'file_mounts:',
      '  /data:',
      `    source: s3://${bucket}/last`,
      '    mode: MOUNT_CACHED',
      'run: |',
      '  set -e',
      '  head -c 4194304 /dev/zero | tr "\\0" "x" > /data/last.bin',
      '  echo written',
    ]);
    const run = await skyport(stack, ['launch', '-y', '-c', lastWriter, task]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const down = await skyport(stack, ['down', '-y', lastWriter]);
    assert.equal(down.code, 0, `${down.stdout}\n${down.stderr}`);
    const body = await waitFor('the last write in the bucket', () => object('last/last.bin'), 60_000);
    assert.equal(body?.length, 4194304);
  });
});
