import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskSpec } from '@skyport/task-spec';
import { bucketCopiesOf, bucketUrlOf } from './bucket-copies';
import { s3BucketsOptions, storageConfigSchema } from './s3.config';
import type { S3Buckets } from './s3-buckets';

const task = (fileMounts: TaskSpec['fileMounts']): TaskSpec => ({ fileMounts }) as unknown as TaskSpec;
const open = { read: async () => undefined };

describe('bucket COPY mounts', () => {
  it('reads the s3:// source, or the named bucket when there is no source', () => {
    assert.equal(bucketUrlOf({ target: '/d', source: 's3://b/p' }), 's3://b/p');
    assert.equal(bucketUrlOf({ target: '/d', storage: { name: 'b', mode: 'COPY' } }), 's3://b');
    assert.equal(bucketUrlOf({ target: '/d', source: 'skyport-blob://x', storage: { name: 'b', mode: 'COPY' } }), undefined);
  });

  it('refuses what validation let through only because a $VAR was filled in later, never skips it', async () => {
    const stub = { archiveFor: async () => ({ dir: '/d', archive: Buffer.alloc(0) }) } as unknown as S3Buckets;
    await assert.rejects(bucketCopiesOf(task([{ target: '/d', source: 'gs://b' }]), stub, open), /'gs:\/\/b' is not supported by Skyport as a source/);
    await assert.rejects(bucketCopiesOf(task([{ target: '/d', storage: { name: 'b', store: 'gcs', mode: 'COPY' } }]), stub, open), /store 'gcs' is not supported/);
    await assert.rejects(bucketCopiesOf(task([{ target: '/d', source: 's3://b', storage: {} }]), stub, open), /mode MOUNT mounts a bucket on a cluster's nodes when it is launched; it is not supported in an exec: use mode: COPY/);
    assert.equal((await bucketCopiesOf(task([{ target: '/d', source: 's3://b', storage: { mode: 'MOUNT_CACHED' } }]), stub, open, { podVolumes: true })).length, 0);
    assert.equal((await bucketCopiesOf(task([{ target: '/d', source: 's3://b', storage: { mode: 'MOUNT' } }]), stub, open, { vmMounts: true })).length, 0);
    await assert.rejects(bucketCopiesOf(task([{ target: '/d', source: 's3://b' }]), undefined, open), /S3 is not configured/);
    assert.equal((await bucketCopiesOf(task([{ target: '/d', source: 's3://b' }, { target: '/e', source: 'skyport-blob://x' }]), stub, open)).length, 1);
  });
});

describe('the COPY limit of a launch', () => {
  it('is shared by all its bucket mounts', async () => {
    const asked: Array<number | undefined> = [];
    const stub = {
      maxCopyBytes: 1000,
      archiveFor: async (_l: string, _u: string, _t: string, opts: { maxBytes?: number }) => {
        asked.push(opts.maxBytes);
        return { dir: '/d', archive: Buffer.alloc(600) };
      },
    } as unknown as S3Buckets;
    await bucketCopiesOf(task([{ target: '/a', source: 's3://b/a' }, { target: '/b', source: 's3://b/b' }]), stub, open);
    assert.deepEqual(asked, [1000, 400]);
  });
});

describe('the read check', () => {
  it('runs right before each bucket is read, and a refusal stops the copy', async () => {
    const read: string[] = [];
    const stub = { maxCopyBytes: 1000, archiveFor: async (_l: string, url: string) => (read.push(`get ${url}`), { dir: '/d', archive: Buffer.alloc(1) }) } as unknown as S3Buckets;
    const gate = {
      read: async (bucket: string, label: string) => {
        read.push(`check ${bucket} ${label}`);
        if (bucket === 'theirs') throw new Error(`no ${bucket}`);
      },
    };
    await assert.rejects(bucketCopiesOf(task([{ target: '/a', source: 's3://mine/x' }, { target: '/b', storage: { name: 'theirs', mode: 'COPY' } }]), stub, gate), /no theirs/);
    assert.deepEqual(read, ['check mine /a', 'get s3://mine/x', 'check theirs /b']);
  });
});

describe('S3 settings (SKYPORT_S3_*)', () => {
  it('path-style by default with an endpoint; static keys only when both are set', () => {
    const withEndpoint = s3BucketsOptions(storageConfigSchema.parse({ SKYPORT_S3_ENDPOINT: 'http://127.0.0.1:9000', SKYPORT_S3_ACCESS_KEY_ID: 'k', SKYPORT_S3_SECRET_ACCESS_KEY: 's' }));
    assert.deepEqual(withEndpoint.client, { region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9000', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const aws = s3BucketsOptions(storageConfigSchema.parse({ SKYPORT_S3_REGION: 'eu-west-1', SKYPORT_S3_COPY_MAX_BYTES: '1000' }));
    const { externalBuckets, vmMounts, ...rest } = aws;
    assert.deepEqual(rest, { client: { region: 'eu-west-1', forcePathStyle: false }, maxCopyBytes: 1000 });
    assert.deepEqual(vmMounts, { stsEndpoint: undefined, roleArn: undefined, seconds: 43_200 }, "AWS's STS, GetFederationToken, 12 h");
    assert.equal(withEndpoint.vmMounts?.stsEndpoint, 'http://127.0.0.1:9000', 'STS at the S3-compatible endpoint by default');
    assert.throws(() => storageConfigSchema.parse({ SKYPORT_S3_VM_MOUNT_ROLE_ARN: 'my-role' }), /IAM role ARN/);
    assert.throws(() => storageConfigSchema.parse({ SKYPORT_S3_VM_MOUNT_SECONDS: '60' }));
    assert.equal(externalBuckets?.allows('any', null), false, 'no SKYPORT_S3_EXTERNAL_BUCKETS: no external bucket');
    const listed = s3BucketsOptions(storageConfigSchema.parse({ SKYPORT_S3_EXTERNAL_BUCKETS: 'ml=datasets-*' })).externalBuckets;
    assert.ok(listed?.allows('datasets-a', 'ml') && !listed.allows('datasets-a', 'blue'));
    assert.equal(s3BucketsOptions(storageConfigSchema.parse({})).maxCopyBytes, 256 * 1024 ** 2);
  });
});
