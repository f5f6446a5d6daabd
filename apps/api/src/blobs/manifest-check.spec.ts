import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTaskYaml } from '@skyport/task-spec';
import { biggestFiles, canonicalManifest } from './manifest-check';
import { uploadsOfTask } from './task-files';

const D = (c: string) => c.repeat(64);

describe('canonicalManifest', () => {
  it('sorts entries and gives the same digest whatever the order sent', () => {
    const entries = [
      { path: 'b', type: 'file', mode: 0o644, size: 1, sha256: D('a'), chunks: [D('a')] },
      { path: 'a', type: 'dir', mode: 0o755 },
      { path: 'a/l', type: 'symlink', mode: 0o777, target: '../b' },
    ];
    const one = canonicalManifest({ version: 1, kind: 'dir', entries });
    const two = canonicalManifest({ version: 1, kind: 'dir', entries: [...entries].reverse() });
    assert.equal(one.digest, two.digest);
    assert.deepEqual(one.manifest.entries.map((e) => e.path), ['a', 'a/l', 'b']);
    assert.deepEqual(one.chunks, [D('a')]);
    assert.equal(one.totalBytes, 1);
  });

  it('refuses unsafe or malformed entries', () => {
    const bad: unknown[] = [
      { version: 2, kind: 'dir', entries: [] },
      { version: 1, kind: 'dir', entries: [{ path: '../x', type: 'dir', mode: 0o755 }] },
      { version: 1, kind: 'dir', entries: [{ path: 'a//b', type: 'dir', mode: 0o755 }] },
      { version: 1, kind: 'dir', entries: [{ path: '/abs', type: 'dir', mode: 0o755 }] },
      { version: 1, kind: 'dir', entries: [{ path: 'x', type: 'dir', mode: 0o4755 }] },
      { version: 1, kind: 'dir', entries: [{ path: 'x', type: 'fifo', mode: 0o644 }] },
      { version: 1, kind: 'dir', entries: [{ path: 'x', type: 'file', mode: 0o644, size: 0, sha256: D('a'), chunks: [D('b')] }] },
      { version: 1, kind: 'dir', entries: [{ path: 'x', type: 'file', mode: 0o644, size: 3, sha256: 'nothex', chunks: [D('b')] }] },
      { version: 1, kind: 'dir', entries: [{ path: 'l', type: 'symlink', mode: 0o777, target: '/etc' }, { path: 'l/passwd', type: 'file', mode: 0o644, size: 1, sha256: D('a'), chunks: [D('a')] }] },
      { version: 1, kind: 'dir', entries: [{ path: 'x', type: 'dir', mode: 0o755 }, { path: 'x', type: 'dir', mode: 0o755 }] },
      { version: 1, kind: 'file', entries: [{ path: 'x', type: 'file', mode: 0o644, size: 0, sha256: D('a'), chunks: [] }] },
    ];
    for (const m of bad) assert.throws(() => canonicalManifest(m), /the manifest is not valid/, JSON.stringify(m));
  });

  it('names the biggest files for a size error', () => {
    const { manifest } = canonicalManifest({
      version: 1,
      kind: 'dir',
      entries: [
        { path: 'small', type: 'file', mode: 0o644, size: 10, sha256: D('a'), chunks: [D('a')] },
        { path: 'big', type: 'file', mode: 0o644, size: 5 * 1024 * 1024, sha256: D('b'), chunks: [D('b')] },
      ],
    });
    assert.equal(biggestFiles([{ prefix: '~/sky_workdir', manifest }]), '~/sky_workdir/big (5.0 MiB), ~/sky_workdir/small (10 B)');
  });
});

describe('uploadsOfTask', () => {
  const task = (yaml: string) => parseTaskYaml(yaml).tasks[0]!;
  it('collects uploads, keeps bucket URLs, refuses local paths and git workdirs', () => {
    const ref = `skyport-blob://${D('c')}`;
    assert.deepEqual(uploadsOfTask(task(`run: x\nworkdir: ${ref}\nfile_mounts:\n  /d: ${ref}\n  /b: s3://bucket/x\n`)), [
      { digest: D('c'), target: '~/sky_workdir' },
      { digest: D('c'), target: '/d' },
    ]);
    assert.throws(() => uploadsOfTask(task('run: x\nfile_mounts:\n  ~/k: /root/.kube/config\n')), /file_mounts source '\/root\/\.kube\/config' \(for '~\/k'\) is a path on your machine; use the skyport CLI or libs\/client, which upload it/);
    assert.throws(() => uploadsOfTask(task('run: x\nworkdir: .\n')), /workdir '\.' is a path on your machine/);
    assert.throws(() => uploadsOfTask(task(`run: x\nworkdir: skyport-blob://short\n`)), /path on your machine/);
    assert.throws(() => uploadsOfTask(task('run: x\nworkdir:\n  url: https://example.invalid/r.git\n')), /git repository\) is not supported/);
  });
});
