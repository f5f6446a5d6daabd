import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { extract } from 'tar-stream';
import { parseTaskYaml } from '@skyport/task-spec';
import { archiveOf, uploadsOf } from './blob-files';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function entriesOf(archive: Buffer): Promise<Array<{ name: string; type: string; mode: number; linkname?: string; data: string }>> {
  const out: Array<{ name: string; type: string; mode: number; linkname?: string; data: string }> = [];
  const x = extract();
  const done = new Promise<void>((resolve, reject) => {
    x.on('entry', (h, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (d: unknown) => parts.push(d as Buffer));
      stream.on('end', () => {
        out.push({ name: h.name, type: h.type ?? 'file', mode: (h.mode ?? 0) & 0o777, ...(h.linkname ? { linkname: h.linkname } : {}), data: Buffer.concat(parts).toString('utf8') });
        next();
      });
    });
    x.on('finish', resolve);
    x.on('error', reject);
  });
  x.end(archive);
  await done;
  return out;
}

describe('archives built from the blob store', () => {
  const a = Buffer.from('hello ');
  const b = Buffer.from('world\n');
  const store = new Map([a, b].map((c) => [sha(c), c]));
  const reader = { chunk: async (d: string) => store.get(d)! };
  const whole = Buffer.concat([a, b]);

  it('has every entry: dirs, files assembled from chunks, empty files, symlinks, unicode names, modes', async () => {
    const archive = await archiveOf(reader, {
      version: 1,
      kind: 'dir',
      entries: [
        { path: 'd', type: 'dir', mode: 0o750 },
        { path: 'd/日本.txt', type: 'file', mode: 0o640, size: whole.length, sha256: sha(whole), chunks: [sha(a), sha(b)] },
        { path: 'empty', type: 'file', mode: 0o600, size: 0, sha256: sha(Buffer.alloc(0)), chunks: [] },
        { path: 'link', type: 'symlink', mode: 0o777, target: 'd/日本.txt' },
      ],
    });
    assert.deepEqual(await entriesOf(archive), [
      { name: 'd', type: 'directory', mode: 0o750, data: '' },
      { name: 'd/日本.txt', type: 'file', mode: 0o640, data: 'hello world\n' },
      { name: 'empty', type: 'file', mode: 0o600, data: '' },
      { name: 'link', type: 'symlink', mode: 0o777, linkname: 'd/日本.txt', data: '' },
    ]);
  });

  it('names a single-file manifest after its mount target and refuses content that does not match', async () => {
    const archive = await archiveOf(reader, { version: 1, kind: 'file', entries: [{ path: '', type: 'file', mode: 0o644, size: a.length, sha256: sha(a), chunks: [sha(a)] }] }, 'cfg.txt');
    assert.deepEqual((await entriesOf(archive)).map((e) => [e.name, e.data]), [['cfg.txt', 'hello ']]);
    await assert.rejects(archiveOf(reader, { version: 1, kind: 'file', entries: [{ path: '', type: 'file', mode: 0o644, size: 6, sha256: sha(b), chunks: [sha(a)] }] }, 'x'), /does not match/);
  });

  it('takes uploads and their targets from the task, skips buckets and refuses paths', () => {
    const ref = `skyport-blob://${'e'.repeat(64)}`;
    const task = (yaml: string) => parseTaskYaml(yaml).tasks[0]!;
    assert.deepEqual(uploadsOf(task(`run: x\nworkdir: ${ref}\nfile_mounts:\n  mounts/c: ${ref}\n  /b: s3://bucket\n`)), [
      { label: 'workdir', digest: 'e'.repeat(64), target: '~/sky_workdir' },
      { label: 'mounts/c', digest: 'e'.repeat(64), target: 'mounts/c' },
    ]);
    assert.throws(() => uploadsOf(task('run: x\nfile_mounts:\n  ~/k: /root/.kube/config\n')), /a local path/);
  });
});
