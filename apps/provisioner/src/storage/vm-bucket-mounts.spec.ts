import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskSpec } from '@skyport/task-spec';
import { rcloneModeFlags } from '../cloud/vm-rclone';
import { mountSessionPolicy } from './scoped-s3-credentials';
import type { S3Buckets } from './s3-buckets';
import { rcloneConfigOf, vmBucketMountsOf } from './vm-bucket-mounts';

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

  it("gets the temporary keys and the server's endpoint, and nothing from the VM's environment", () => {
    const conf = rcloneConfigOf({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true }, keys);
    assert.match(conf, /^env_auth = false$/m);
    assert.match(conf, /^provider = Other$/m);
    assert.match(conf, /^session_token = tok$/m);
    assert.match(rcloneConfigOf({ region: 'eu-west-1', forcePathStyle: false }, keys), /^provider = AWS$/m);
    assert.throws(() => rcloneConfigOf({ region: 'x\n[evil]', forcePathStyle: false }, keys), /line break/);
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
