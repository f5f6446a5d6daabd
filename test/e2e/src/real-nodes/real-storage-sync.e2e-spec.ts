import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { VolumeView } from '@skyport/contracts';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { skyport, type CliResult } from '../e2e-stack';
import { startRealStack, waitFor, type RealStack } from './real-stack';

/**
 * Issue 19's scenario on real nodes, data really written and read in containers: a named bucket filled from a local
 * directory, COPY on a 2-node cluster (every node reads it); a second cluster MOUNTs s3://that-bucket and writes; the
 * first reads that write after a re-sync (`skyport launch` again on it, as SkyPilot re-runs file_mounts); storage
 * ls/delete; a volume written by one cluster and read by the next (local-path-provisioner), refused deletion while
 * in use. moto's S3 on 127.0.0.1 for the server and the clusters' mount driver. One real cluster for the file.
 */
describe('real nodes: named storage COPY + MOUNT, re-sync, storage and volumes', () => {
  let stack: RealStack;
  let s3: S3Client;
  const id = randomBytes(3).toString('hex');
  const bucket = `e2e-sync-${id}`;
  const copier = `ss-c-${id}`;
  const mounter = `ss-m-${id}`;
  const writer = `ss-w-${id}`;
  const reader = `ss-r-${id}`;
  const volume = `ss-vol-${id}`;
  const project = mkdtempSync(join(tmpdir(), 'skyport-real-sync-'));
  const write = (rel: string, lines: string[]) => {
    mkdirSync(join(project, rel, '..'), { recursive: true });
    writeFileSync(join(project, rel), `${lines.join('\n')}\n`);
  };
  const cli = (args: string[]): Promise<CliResult> => skyport(stack, args, 300_000, { cwd: project });
  const ok = async (args: string[]): Promise<CliResult> => {
    const r = await cli(args);
    assert.equal(r.code, 0, `skyport ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const storage = async () => JSON.parse((await ok(['storage', 'ls', '-o', 'json'])).stdout) as Array<{ name: string; usedBy: string[]; clusterName: string }>;

  before(async () => {
    const endpoint = testAwsEndpoint();
    const credentials = { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' };
    s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    write('data/a.txt', ['alpha v1']);
    write('data/sub/b.txt', ['beta']);
    write('copy.yaml', [
      'num_nodes: 2',
      'resources: {cpus: 0.5, memory: 0.5}',
      'file_mounts:',
      '  ~/shared:',
      `    name: ${bucket}`,
      '    source: ./data',
      '    mode: COPY',
      'run: |',
      '  echo "RANK$SKYPILOT_NODE_RANK:$(cat ~/shared/a.txt)|$(cat ~/shared/sub/b.txt)|$(cat ~/shared/from-mount.txt 2>/dev/null || echo none)"',
    ]);
    write('mount.yaml', [
      'resources: {cpus: 0.5, memory: 0.5}',
      'file_mounts:',
      '  /bucket:',
      `    source: s3://${bucket}`,
      '    mode: MOUNT',
      'run: |',
      '  set -e',
      '  echo "MOUNT SEES:$(cat /bucket/a.txt)"',
      '  echo "written through MOUNT" > /bucket/from-mount.txt',
    ]);
    write('volume.yaml', [`name: ${volume}`, 'type: k8s-pvc', 'infra: k8s', 'size: 1Gi', 'config:', '  access_mode: ReadWriteOnce']);
    write('vol-write.yaml', ['resources: {cpus: 0.5, memory: 0.5}', 'volumes:', `  /mnt/data: ${volume}`, 'run: echo "written by the first cluster" > /mnt/data/note.txt && echo WROTE']);
    write('vol-read.yaml', ['resources: {cpus: 0.5, memory: 0.5}', 'volumes:', `  /mnt/data: ${volume}`, 'run: echo "READ:$(cat /mnt/data/note.txt)"']);
    process.env.SKYPORT_S3_MOUNT_ENDPOINT = endpoint;
    stack = await startRealStack('e2e_real_sync', {
      cluster: process.env.SKYPORT_REAL_SYNC_CLUSTER_NAME ?? 'e2e-real-sync',
      env: { SKYPORT_S3_ENDPOINT: endpoint, SKYPORT_S3_ACCESS_KEY_ID: credentials.accessKeyId, SKYPORT_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    });
  });

  after(async () => {
    if (stack) {
      await Promise.all([copier, mounter, writer, reader].map((c) => cli(['down', '-y', c]).catch(() => undefined)));
      await cli(['volumes', 'delete', volume, '-y']).catch(() => undefined);
      await cli(['storage', 'delete', bucket]).catch(() => undefined);
      await stack.stop();
    }
    s3?.destroy();
    rmSync(project, { recursive: true, force: true });
  });

  it('COPY of a named bucket made from ./data: both nodes of a 2-node cluster read the files', async () => {
    const run = await ok(['launch', '-y', '-c', copier, 'copy.yaml']);
    assert.match(run.stdout, /RANK0:alpha v1\|beta\|none/);
    assert.match(run.stdout, /RANK1:alpha v1\|beta\|none/);
    const synced = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sub/b.txt' }));
    assert.equal(await synced.Body!.transformToString(), 'beta\n', 'the local directory was synced into the bucket');
  });

  it('a second cluster MOUNTs s3://that-bucket and writes; the first reads the write after a re-sync (launch again)', async () => {
    const mount = await ok(['launch', '-y', '-c', mounter, 'mount.yaml']);
    assert.match(mount.stdout, /MOUNT SEES:alpha v1/);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'from-mount.txt' }));
    assert.equal(await object.Body!.transformToString(), 'written through MOUNT\n');
    // The local source changed too: the re-sync puts it into the bucket, then copies the bucket onto every node.
    write('data/a.txt', ['alpha v2']);
    const again = await ok(['launch', '-y', '-c', copier, 'copy.yaml']);
    assert.match(again.stdout, /RANK0:alpha v2\|beta\|written through MOUNT/);
    assert.match(again.stdout, /RANK1:alpha v2\|beta\|written through MOUNT/);
  });

  it('storage ls shows the bucket and both clusters; delete is refused while either lives, then removes the bucket', async () => {
    const listed = (await storage()).find((s) => s.name === bucket);
    assert.deepEqual([listed?.clusterName, listed?.usedBy], [copier, [copier, mounter].sort()]);
    const busy = await cli(['storage', 'delete', bucket]);
    assert.equal(busy.code, 1, `${busy.stdout}\n${busy.stderr}`);
    assert.match(busy.stderr, new RegExp(`storage '${bucket}' is used by .*'${mounter}'`));
    await ok(['down', '-y', copier]);
    const stillMounted = await cli(['storage', 'delete', bucket]);
    assert.equal(stillMounted.code, 1, 'the MOUNT by s3:// URL keeps it in use');
    assert.match(stillMounted.stderr, new RegExp(`storage '${bucket}' is used by '${mounter}'`));
    await ok(['down', '-y', mounter]);
    await ok(['storage', 'delete', bucket]);
    await waitFor('the bucket deleted by the provisioner', () =>
      s3.send(new HeadBucketCommand({ Bucket: bucket })).then(() => undefined, (e: { $metadata?: { httpStatusCode?: number } }) => (e.$metadata?.httpStatusCode === 404 ? true : undefined)), 60_000, 1_000);
    assert.ok(!(await storage()).some((s) => s.name === bucket));
  });

  it('a volume: written by one cluster, read by the next; delete refused while a cluster uses it', async () => {
    await ok(['volumes', 'apply', 'volume.yaml', '-y']);
    assert.match((await ok(['launch', '-y', '-c', writer, 'vol-write.yaml'])).stdout, /WROTE/);
    const used = (JSON.parse((await ok(['volumes', 'ls', '-o', 'json'])).stdout) as VolumeView[]).find((v) => v.name === volume);
    assert.deepEqual(used?.usedBy, [writer]);
    const busy = await cli(['volumes', 'delete', volume, '-y']);
    assert.equal(busy.code, 1, `${busy.stdout}\n${busy.stderr}`);
    assert.match(busy.stderr, new RegExp(`volume '${volume}' is in use by cluster '${writer}'`));
    await ok(['down', '-y', writer]);
    const read = await ok(['launch', '-y', '-c', reader, 'vol-read.yaml']);
    assert.match(read.stdout, /READ:written by the first cluster/);
    await ok(['down', '-y', reader]);
    await ok(['volumes', 'delete', volume, '-y']);
    assert.ok(!(JSON.parse((await ok(['volumes', 'ls', '-o', 'json'])).stdout) as VolumeView[]).some((v) => v.name === volume));
  });
});
