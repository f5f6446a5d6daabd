import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTaskYaml } from '../parse-task';
import { isBucketCopy, parseS3Url } from './file-mounts';
import { parseTaskYaml } from '../parse-task';

function verdict(fileMounts: string) {
  return checkTaskYaml(`run: echo hi\nfile_mounts:\n${fileMounts}`);
}

function problemAt(fileMounts: string, path: string): string {
  const result = verdict(fileMounts);
  assert.equal(result.ok, false, 'expected the task to be refused');
  const found = result.ok ? undefined : result.problems.find((p) => p.path === path);
  assert.ok(found, `no problem at ${path}: ${JSON.stringify(result.ok ? [] : result.problems)}`);
  return found.message;
}

describe('file_mounts buckets: what Skyport honours', () => {
  it('accepts S3 sources copied into the nodes and local paths', () => {
    const result = verdict('  /data: s3://bucket/prefix\n  /all: s3://bucket\n  /ckpt:\n    source: s3://bucket/ckpt\n    mode: COPY\n  /named:\n    name: my-bucket\n    source: ./local\n    store: S3\n    mode: COPY\n    persistent: false\n  /empty:\n    name: other-bucket\n    mode: COPY\n  ~/code: ./src\n');
    assert.ok(result.ok, JSON.stringify(result.ok ? '' : result.problems));
  });

  it('refuses other stores, naming the field, the value and what works', () => {
    const gs = problemAt('  /data: gs://bucket/x\n', 'file_mounts./data');
    assert.match(gs, /'gs:\/\/bucket\/x' is a Google Cloud Storage \(gs:\/\/\) bucket, which is not supported by Skyport/);
    assert.match(gs, /s3:\/\/bucket\[\/prefix\]/);
    assert.match(problemAt('  /data: r2://bucket\n', 'file_mounts./data'), /Cloudflare R2/);
    assert.match(problemAt('  /data: https://acct.blob.core.windows.net/c\n', 'file_mounts./data'), /an Azure Blob Storage bucket, which is not supported by Skyport/);
    assert.match(problemAt('  /data:\n    source: cos://us-east/b\n    mode: COPY\n', 'file_mounts./data.source'), /IBM Cloud Object Storage/);
    assert.match(problemAt('  /data: https://example.com/file.tar\n', 'file_mounts./data'), /is a URL, which is not supported by Skyport/);
    const store = problemAt('  /data:\n    name: b\n    store: gcs\n    mode: COPY\n', 'file_mounts./data.store');
    assert.match(store, /store 'gcs' \(Google Cloud Storage\) is not supported by Skyport: use store: s3/);
  });

  it('accepts MOUNT and MOUNT_CACHED (and the default mode, MOUNT) at absolute targets', () => {
    const result = verdict('  /a:\n    source: s3://b\n    mode: MOUNT\n  /b:\n    source: s3://b/x\n    mode: MOUNT_CACHED\n  /c:\n    source: s3://b\n  /d:\n    name: my-bucket\n    source: ./local\n    mode: MOUNT\n  ${ROOT}:\n    source: s3://b\n    mode: MOUNT\n');
    assert.ok(result.ok, JSON.stringify(result.ok ? '' : result.problems));
  });

  it('refuses a MOUNT under home, and a mode that is none of COPY, MOUNT, MOUNT_CACHED', () => {
    assert.match(problemAt('  ~/data:\n    source: s3://b\n    mode: MOUNT\n', 'file_mounts.~/data'), /mode MOUNT mounts the bucket at an absolute path: '~\/data' is under home/);
    assert.match(problemAt('  data:\n    source: s3://b\n    mode: MOUNT_CACHED\n', 'file_mounts.data'), /is under home; write an absolute target/);
  });

  it('refuses a named bucket filled from another bucket (not built yet), saying what to write instead', () => {
    const named = problemAt('  /data:\n    name: my-bucket\n    source: s3://other/x\n    mode: COPY\n', 'file_mounts./data.name');
    assert.match(named, /a named bucket filled from another bucket \('my-bucket' from 's3:\/\/other\/x'\) is not supported by Skyport yet: drop 'name'/);
  });

  it('refuses a list of sources', () => {
    assert.match(problemAt('  /data:\n    name: b\n    source: [./a, ./b]\n    mode: COPY\n', 'file_mounts./data.source'), /a list of sources \(\.\/a, \.\/b\) is not supported by Skyport yet/);
  });

  it('parses s3 URLs into bucket and prefix', () => {
    assert.deepEqual(parseS3Url('s3://b'), { bucket: 'b', prefix: '' });
    assert.deepEqual(parseS3Url('s3://b/'), { bucket: 'b', prefix: '' });
    assert.deepEqual(parseS3Url('s3://b/x/y/'), { bucket: 'b', prefix: 'x/y' });
  });

  it('isBucketCopy: the mounts a launch onto a running cluster copies again (S3 URLs, storage in COPY), not MOUNTs or local paths', () => {
    const [task] = parseTaskYaml(
      'run: ls\nfile_mounts:\n  /a: s3://b/p\n  /c:\n    source: s3://b\n    mode: COPY\n  /n:\n    name: nb\n    mode: COPY\n  /m:\n    source: s3://b\n    mode: MOUNT\n  /d:\n    name: dm\n  ~/code: ./src\n',
    ).tasks;
    assert.deepEqual(task!.fileMounts.filter(isBucketCopy).map((m) => m.target).sort(), ['/a', '/c', '/n']);
  });
});
