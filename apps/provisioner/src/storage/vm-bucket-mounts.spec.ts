import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskSpec } from '@skyport/task-spec';
import { rcloneModeFlags } from '../cloud/vm-rclone';
import { mountSessionPolicy } from './scoped-s3-credentials';
import type { S3Buckets } from './s3-buckets';
import { keysJsonOf, rcloneConfigOf, vmBucketMountsOf } from './vm-bucket-mounts';

const task = (fileMounts: TaskSpec['fileMounts']): TaskSpec => ({ fileMounts }) as unknown as TaskSpec;
const keys = { accessKeyId: 'ASIATEMP', secretAccessKey: 'tmp-secret', sessionToken: 'tok', expiresAt: new Date(0) };

describe('the session policy of a VM mount', () => {
  it('allows the prefix of one bucket only, and no write for a read-only mount', () => {
    const rw = JSON.parse(mountSessionPolicy({ bucket: 'b', prefix: 'runs/1', readOnly: false }));
    assert.deepEqual(rw.Statement[0], { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': ['runs/1', 'runs/1/*'] } } });
    assert.equal(rw.Statement[2].Resource, 'arn:aws:s3:::b/runs/1/*');
    assert.ok(rw.Statement[2].Action.includes('s3:PutObject'));
    const ro = JSON.parse(mountSessionPolicy({ bucket: 'b', prefix: '', readOnly: true }));
    assert.equal(ro.Statement[0].Condition, undefined, 'the whole bucket: no prefix condition');
    assert.deepEqual(ro.Statement[2], { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*' });
    assert.ok(!JSON.stringify(ro).includes('Put') && !JSON.stringify(ro).includes('Delete'));
  });
});

describe('rclone on a VM', () => {
  it('uses the CSI driver flags for each mode', () => {
    assert.deepEqual(rcloneModeFlags('MOUNT', false), ['--vfs-cache-mode', 'off', '--dir-cache-time', '5s']);
    assert.deepEqual(rcloneModeFlags('MOUNT_CACHED', true), ['--vfs-cache-mode', 'full', '--vfs-write-back', '2s', '--read-only']);
  });

  it("gets the server's endpoint in its config and the temporary keys from a separate file, in credential_process's format", () => {
    const conf = rcloneConfigOf({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true });
    assert.match(conf, /^env_auth = true$/m);
    assert.match(conf, /^provider = Other$/m);
    assert.doesNotMatch(conf, /key|token/i, 'no keys in the config');
    assert.match(rcloneConfigOf({ region: 'eu-west-1', forcePathStyle: false }), /^provider = AWS$/m);
    assert.throws(() => rcloneConfigOf({ region: 'x\n[evil]', forcePathStyle: false }), /line break/);
    assert.deepEqual(JSON.parse(keysJsonOf(keys)), { Version: 1, AccessKeyId: 'ASIATEMP', SecretAccessKey: 'tmp-secret', SessionToken: 'tok', Expiration: '1970-01-01T00:00:00.000Z' });
  });
});

describe('the mounts of a VM cluster', () => {
  it('checks every bucket before anything is minted; a refused one mints nothing', async () => {
    const minted: string[] = [];
    const buckets = {
      vmMounts: { region: 'us-east-1', forcePathStyle: true, credentials: { mint: async (m: { bucket: string }) => (minted.push(m.bucket), keys) } },
    } as unknown as S3Buckets;
    const gate = (refuse: string) => ({
      clusterName: 'c',
      callerOf: async () => ({ userId: 'u', team: 'ml', admin: false }),
      read: async (bucket: string) => {
        if (bucket === refuse) throw new Error(`no ${bucket}`);
        return bucket === 'mine' ? ({ name: bucket } as never) : undefined;
      },
    });
    const mounts = task([
      { target: '/a', source: 's3://mine/x', storage: { mode: 'MOUNT' } },
      { target: '/b', source: 's3://listed', storage: { mode: 'MOUNT_CACHED' } },
    ]);
    await assert.rejects(vmBucketMountsOf(mounts, buckets, gate('listed')), /no listed/);
    assert.deepEqual(minted, []);
    const got = await vmBucketMountsOf(mounts, buckets, gate('none'));
    assert.deepEqual(
      got.map((m) => [m.mountPath, m.bucket, m.prefix, m.mode, m.readOnly]),
      [
        ['/a', 'mine', 'x', 'MOUNT', false],
        ['/b', 'listed', '', 'MOUNT_CACHED', true],
      ],
    );
    assert.deepEqual(minted, ['mine', 'listed']);
    await assert.rejects(vmBucketMountsOf(mounts, undefined, gate('none')), /S3 is not configured/);
    assert.deepEqual(await vmBucketMountsOf(task([{ target: '/c', source: 's3://mine' }]), undefined, gate('none')), [], 'COPY is not a mount');
  });
});
