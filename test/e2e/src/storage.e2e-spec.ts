import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { testAwsEndpoint } from '@skyport/cloud-aws/testing';
import { skyport, startE2eStack, type CliResult, type E2eStack } from './e2e-stack';

/**
 * Buckets in file_mounts end to end (issue 19): the services as processes, the built CLI, moto's S3 on 127.0.0.1
 * as the admin's S3-compatible endpoint. A gs:// source is refused at validate (exit 2); a launch copies an s3://
 * prefix and a named bucket filled from a local directory into the job's node; storage ls/delete.
 */
describe('storage end to end (CLI → api → provisioner, moto S3, local cluster)', () => {
  let stack: E2eStack;
  let s3: S3Client;
  const id = randomBytes(3).toString('hex');
  const source = `e2e-src-${id}`;
  const named = `e2e-named-${id}`;
  const cluster = `e2e-st-${id}`;
  const project = mkdtempSync(join(tmpdir(), 'skyport-storage-project-'));
  const home = mkdtempSync(join(tmpdir(), 'skyport-storage-home-'));
  const cli = (args: string[]): Promise<CliResult> => skyport(stack, args, 240_000, { cwd: project, home });
  const write = (rel: string, content: string) => {
    mkdirSync(join(project, rel, '..'), { recursive: true });
    writeFileSync(join(project, rel), content);
  };

  before(async () => {
    const endpoint = testAwsEndpoint();
    const credentials = { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' };
    s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await s3.send(new CreateBucketCommand({ Bucket: source }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: 'data/a.txt', Body: 'alpha from s3\n' }));
    write('outputs/w.txt', 'weights from the laptop\n');
    write('gs.yaml', 'run: ls\nfile_mounts:\n  /data: gs://some-bucket/x\n');
    write(
      'task.yaml',
      [
        'resources: {cpus: 1+, memory: 1+}',
        'file_mounts:',
        `  ~/data: s3://${source}/data`,
        '  ~/out:',
        `    name: ${named}`,
        '    source: ./outputs',
        '    store: s3',
        '    mode: COPY',
        'run: |',
        '  echo "DATA:$(cat ~/data/a.txt)"',
        '  echo "OUT:$(cat ~/out/w.txt)"',
        '',
      ].join('\n'),
    );
    stack = await startE2eStack('e2e_storage', {
      SKYPORT_S3_ENDPOINT: endpoint,
      SKYPORT_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      SKYPORT_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    });
  });

  after(async () => {
    await cli(['down', '-y', cluster]).catch(() => undefined);
    await stack?.stop();
    s3?.destroy();
    rmSync(project, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses a gs:// source at validate with exit 2, naming the field and what works', async () => {
    const r = await cli(['validate', 'gs.yaml']);
    assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /file_mounts\.\/data .*'gs:\/\/some-bucket\/x' is a Google Cloud Storage \(gs:\/\/\) bucket, which is not supported by Skyport/);
  });

  it('launch: the s3:// prefix and the named bucket (made from ./outputs) reach the node before the job runs', async () => {
    const run = await cli(['launch', '-y', '-c', cluster, 'task.yaml']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /DATA:alpha from s3/);
    assert.match(run.stdout, /OUT:weights from the laptop/);
    const synced = await s3.send(new GetObjectCommand({ Bucket: named, Key: 'w.txt' }));
    assert.equal(await synced.Body!.transformToString(), 'weights from the laptop\n');
  });

  it('storage ls shows the bucket and its cluster; delete is refused while the cluster lives, then removes the bucket', async () => {
    const ls = await cli(['storage', 'ls', '-o', 'json']);
    assert.equal(ls.code, 0, ls.stderr);
    const items = JSON.parse(ls.stdout) as Array<{ name: string; usedBy: string[]; persistent: boolean; clusterName: string }>;
    assert.deepEqual(items.map((s) => [s.name, s.persistent, s.clusterName, s.usedBy]), [[named, true, cluster, [cluster]]], 'only the bucket Skyport made (not the source bucket)');
    const busy = await cli(['storage', 'delete', named]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, new RegExp(`storage '${named}' is used by '${cluster}'`));
    assert.equal((await cli(['down', '-y', cluster])).code, 0);
    const del = await cli(['storage', 'delete', named]);
    assert.equal(del.code, 0, del.stderr);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const gone = await s3.send(new HeadBucketCommand({ Bucket: named })).then(() => false, (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 404);
      if (gone) break;
      assert.ok(Date.now() < deadline, 'the provisioner deleted the bucket within a minute');
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await s3.send(new HeadBucketCommand({ Bucket: source }));
    assert.deepEqual(JSON.parse((await cli(['storage', 'ls', '-o', 'json'])).stdout), []);
  });
});
