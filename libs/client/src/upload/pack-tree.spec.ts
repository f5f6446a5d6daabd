import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, SkyportError, type BlobManifest } from '@skyport/contracts';
import { packPath, readChunk } from './pack-tree';
import { uploadTaskFiles, type BlobApi } from './upload-task-files';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const dirs: string[] = [];
function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'skyport-pack-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
const paths = (m: BlobManifest) => m.entries.map((e) => e.path);

after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('packPath', () => {
  it('packs nested dirs, empty and binary files, unicode names and modes; chunks are content-addressed', () => {
    const binary = Buffer.from([0, 255, 1, 254, 0, 0, 10]);
    const root = tree({ 'a/b/c.txt': 'deep\n', 'empty': '', 'bin.dat': binary, 'ünï/日本.txt': 'unicode\n', 'run.sh': '#!/bin/sh\n' });
    chmodSync(join(root, 'run.sh'), 0o750);
    const p = packPath(root);
    assert.equal(p.manifest.kind, 'dir');
    assert.deepEqual(paths(p.manifest), ['a', 'a/b', 'a/b/c.txt', 'bin.dat', 'empty', 'run.sh', 'ünï', 'ünï/日本.txt']);
    const byPath = new Map(p.manifest.entries.map((e) => [e.path, e]));
    assert.deepEqual(byPath.get('empty'), { path: 'empty', type: 'file', mode: byPath.get('empty')!.mode, size: 0, sha256: sha(''), chunks: [] });
    assert.equal(byPath.get('bin.dat')!.sha256, sha(binary));
    assert.deepEqual(readChunk(p.chunks.get(byPath.get('bin.dat')!.chunks![0])!), binary);
    assert.equal(byPath.get('run.sh')!.mode, 0o750);
    assert.equal(byPath.get('a/b')!.type, 'dir');
    assert.equal(p.totalBytes, 5 + 7 + 8 + 10);
  });

  it('cuts large files into chunks and dedupes identical chunks', () => {
    const root = tree({ 'big.bin': Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(10, 1), Buffer.alloc(5, 2)]) });
    const p = packPath(root, 10);
    const entry = p.manifest.entries[0];
    assert.equal(entry.chunks!.length, 3);
    assert.equal(entry.chunks![0], entry.chunks![1]);
    assert.equal(p.chunks.size, 2);
  });

  it('keeps symlinks as symlinks and never follows them out of the tree', () => {
    const outside = tree({ 'secret.txt': 'outside' });
    const root = tree({ 'in.txt': 'inside' });
    symlinkSync(join(outside, 'secret.txt'), join(root, 'out-link'));
    symlinkSync(outside, join(root, 'out-dir'));
    symlinkSync('in.txt', join(root, 'rel-link'));
    const p = packPath(root);
    const links = p.manifest.entries.filter((e) => e.type === 'symlink');
    assert.deepEqual(
      links.map((l) => [l.path, l.target]),
      [
        ['out-dir', outside],
        ['out-link', join(outside, 'secret.txt')],
        ['rel-link', 'in.txt'],
      ],
    );
    assert.ok(![...p.chunks.values()].some((c) => c.file.startsWith(outside)), 'nothing outside was read');
  });

  it('honours .gitignore (nested ones below their directory) when there is no .skyignore', () => {
    const root = tree({ '.gitignore': '*.log\nbuild/\n', 'keep.txt': 'k', 'x.log': 'l', 'build/out': 'o', 'sub/.gitignore': 'local.txt\n', 'sub/local.txt': 'l', 'local.txt': 'top', 'sub/y.log': 'l' });
    assert.deepEqual(paths(packPath(root).manifest), ['.gitignore', 'keep.txt', 'local.txt', 'sub', 'sub/.gitignore']);
  });

  it('.skyignore replaces .gitignore', () => {
    const root = tree({ '.gitignore': '*.log\n', '.skyignore': 'data/\n*.tmp\n', 'x.log': 'l', 'data/big': 'b', 'a.tmp': 't', 'keep': 'k' });
    assert.deepEqual(paths(packPath(root).manifest), ['.gitignore', '.skyignore', 'keep', 'x.log']);
  });

  it('packs a single file as a file manifest; a missing path is a clear error', () => {
    const root = tree({ 'f.txt': 'one' });
    const p = packPath(join(root, 'f.txt'));
    assert.equal(p.manifest.kind, 'file');
    assert.deepEqual(paths(p.manifest), ['']);
    assert.throws(() => packPath(join(root, 'nope')), /does not exist/);
  });
});

/** A server in memory: remembers chunks, answers missing ones, hands out refs. */
function fakeServer(limits = { chunkMaxBytes: 1 << 20, uploadMaxBytes: 1 << 20 }) {
  const stored = new Map<string, Buffer>();
  const puts: string[] = [];
  const api: BlobApi = {
    blobLimits: async () => limits,
    missingBlobs: async (digests) => ({ missing: digests.filter((d) => !stored.has(d)) }),
    putBlob: async (digest, data) => {
      assert.equal(sha(Buffer.from(data)), digest);
      puts.push(digest);
      stored.set(digest, Buffer.from(data));
    },
    createManifest: async (m) => {
      const digest = sha(JSON.stringify(m));
      return { digest, ref: `skyport-blob://${digest}`, totalBytes: 0, files: m.entries.filter((e) => e.type === 'file').length };
    },
  };
  return { api, stored, puts };
}

describe('uploadTaskFiles', () => {
  it('resolves relative paths against the task file directory and ~ against home; leaves URLs; uploads once', async () => {
    const project = tree({ 'src/main.py': 'print(1)\n', 'conf.yaml': 'a: 1\n' });
    const home = tree({ 'data/x.csv': '1,2\n' });
    const { api, puts } = fakeServer();
    const task = { run: 'x', workdir: './src', file_mounts: { '/etc/conf.yaml': 'conf.yaml', '~/data': '~/data', '/bucket': 's3://b/p', '/named': { source: 'gs://b', mode: 'MOUNT' } } };
    const first = await uploadTaskFiles(api, task, { baseDir: project, home });
    assert.match(String(first.task.workdir), /^skyport-blob:\/\/[0-9a-f]{64}$/);
    const mounts = first.task.file_mounts as Record<string, unknown>;
    assert.match(String(mounts['/etc/conf.yaml']), /^skyport-blob:\/\//);
    assert.match(String(mounts['~/data']), /^skyport-blob:\/\//);
    assert.equal(mounts['/bucket'], 's3://b/p');
    assert.deepEqual(mounts['/named'], { source: 'gs://b', mode: 'MOUNT' });
    assert.equal(task.workdir, './src', 'the caller’s task is not changed');
    assert.deepEqual(first.summary.mounts.map((m) => m.localPath), [join(project, 'src'), join(project, 'conf.yaml'), join(home, 'data')]);
    assert.equal(puts.length, 3);
    const second = await uploadTaskFiles(api, task, { baseDir: project, home });
    assert.equal(second.summary.bytesSent, 0);
    assert.equal(second.summary.chunksReused, 3);
    assert.deepEqual(second.task, first.task);
  });

  it('refuses before uploading when the files exceed the server limit, naming the biggest', async () => {
    const project = tree({ 'big.bin': Buffer.alloc(3000), 'mid.bin': Buffer.alloc(2000), 'small': 'x' });
    const { api, puts } = fakeServer({ chunkMaxBytes: 1024, uploadMaxBytes: 4096 });
    await assert.rejects(uploadTaskFiles(api, { workdir: '.' }, { baseDir: project }), (e: unknown) => {
      assert.ok(e instanceof SkyportError && e.code === ErrorCode.PayloadTooLarge);
      assert.match(e.message, /upload limit of 4\.0 KiB; biggest files: \.\/big\.bin \(2\.9 KiB\), \.\/mid\.bin \(2\.0 KiB\), \.\/small/);
      return true;
    });
    assert.equal(puts.length, 0);
  });

  it('refuses a workdir that is a file', async () => {
    const project = tree({ 'one.py': 'x' });
    const { api } = fakeServer();
    await assert.rejects(uploadTaskFiles(api, { workdir: 'one.py' }, { baseDir: project }), /workdir 'one\.py' is a file; workdir must be a directory/);
  });

  it('sends a chunk again after an outage (0.5 s, then 1 s), three tries in all; a refusal or a changed file is final', async () => {
    const project = tree({ 'a.txt': 'a\n' });
    const failing = (failures: SkyportError[]) => {
      const { api, puts } = fakeServer();
      const tries: number[] = [];
      const put = api.putBlob;
      api.putBlob = async (digest, data) => {
        tries.push(Date.now());
        const failure = failures.shift();
        if (failure) throw failure;
        return put(digest, data);
      };
      return { api, puts, tries };
    };
    const outage = () => new SkyportError(ErrorCode.DependencyUnavailable, 'cannot reach the Skyport api');
    const healed = failing([outage(), outage()]);
    await uploadTaskFiles(healed.api, { workdir: '.' }, { baseDir: project });
    assert.equal(healed.tries.length, 3);
    assert.equal(healed.puts.length, 1);
    assert.ok(healed.tries[1] - healed.tries[0] >= 490 && healed.tries[2] - healed.tries[1] >= 990, `waits ${healed.tries[1] - healed.tries[0]} and ${healed.tries[2] - healed.tries[1]} ms`);

    const down = failing([outage(), outage(), outage(), outage()]);
    await assert.rejects(uploadTaskFiles(down.api, { workdir: '.' }, { baseDir: project }), /cannot reach the Skyport api/);
    assert.equal(down.tries.length, 3);

    const refused = failing([new SkyportError(ErrorCode.Forbidden, 'not yours')]);
    await assert.rejects(uploadTaskFiles(refused.api, { workdir: '.' }, { baseDir: project }), /not yours/);
    assert.equal(refused.tries.length, 1);

    const changed = failing([new SkyportError(ErrorCode.Internal, 'digest does not match', { kind: 'digest-mismatch' })]);
    await assert.rejects(uploadTaskFiles(changed.api, { workdir: '.' }, { baseDir: project }), (e: unknown) => {
      assert.ok(e instanceof SkyportError && e.code === ErrorCode.InvalidTask);
      assert.match(e.message, /a file changed while it was being uploaded \(chunk [0-9a-f]{12}\); run the command again/);
      return true;
    });
    assert.equal(changed.tries.length, 1);
  });

  it('a task without local paths is sent as it is', async () => {
    const { api } = fakeServer();
    const r = await uploadTaskFiles(api, { run: 'x', file_mounts: { '/d': 's3://b' } }, { baseDir: '/' });
    assert.equal(r.summary.mounts.length, 0);
  });
});
