import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { skyport, startE2eStack, type CliResult, type E2eStack } from './e2e-stack';

const UPLOAD_MAX = 2 * 1024 * 1024;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * Local files travel with the request: the CLI, run from a project directory outside the repository (the services
 * run from yet another directory), packs the workdir and file_mounts, uploads them, and the job sees exactly
 * those files — ignore rules, empty/binary/unicode/nested files, a symlink, modes. Then dedupe, exec re-sync, the
 * size limit, and GC after down.
 */
describe('uploads end to end (CLI outside the repo → api blob store → pods)', () => {
  let stack: E2eStack;
  let pg: Client;
  const cluster = `e2e-up-${randomBytes(2).toString('hex')}`;
  const project = mkdtempSync(join(tmpdir(), 'skyport-upload-project-'));
  const servicesCwd = mkdtempSync(join(tmpdir(), 'skyport-upload-services-'));
  const originalCwd = process.cwd();
  const files = {
    empty: 'empty.txt',
    binary: 'bin.dat',
    deep: 'nested/a/b/deep.txt',
    unicode: 'ünïcødé/日本語 file.txt',
  };

  const write = (rel: string, content: string | Buffer) => {
    mkdirSync(join(project, rel, '..'), { recursive: true });
    writeFileSync(join(project, rel), content);
  };
  write('.gitignore', '*.log\nignored-dir/\n');
  write(files.empty, '');
  write(files.binary, randomBytes(300 * 1024));
  write(files.deep, 'deep v1\n');
  write(files.unicode, 'unicode ✓\n');
  write('run.sh', '#!/bin/sh\necho hi\n');
  chmodSync(join(project, 'run.sh'), 0o750);
  write('secret.log', 'must not travel\n');
  write('ignored-dir/x.txt', 'must not travel\n');
  symlinkSync('nested/a/b/deep.txt', join(project, 'link'));
  // A file_mount directory with its own .skyignore, which replaces its .gitignore.
  write('data-src/.gitignore', 'kept-by-skyignore.txt\n');
  write('data-src/.skyignore', 'drop.bin\n');
  write('data-src/kept-by-skyignore.txt', 'kept\n');
  write('data-src/drop.bin', 'dropped\n');
  write('cfg.txt', 'config value\n');
  write(
    'task.yaml',
    [
      'name: upload-e2e',
      'workdir: .',
      'file_mounts:',
      '  ~/data: ./data-src',
      '  mounts/cfg.txt: cfg.txt',
      'resources:',
      '  cpus: 1+',
      '  memory: 1+',
      'run: |',
      '  cd ~/sky_workdir',
      '  echo "LIST:$(find . -mindepth 1 | LC_ALL=C sort | tr \'\\n\' \' \')"',
      `  for f in ${Object.values(files).map((f) => `'${f}'`).join(' ')}; do echo "SUM:$f:$(sha256sum "$f" | cut -d' ' -f1)"; done`,
      '  echo "LINK:$(readlink link):$(cat link)"',
      '  echo "MODE:$(stat -c %a run.sh)"',
      '  echo "MOUNT:$(cd ~/data && find . -mindepth 1 | LC_ALL=C sort | tr \'\\n\' \' \')"',
      '  echo "CFG:$(cat ~/mounts/cfg.txt)"',
      '',
    ].join('\n'),
  );

  /** The built CLI, run in the project directory as a user would (no TTY). */
  const cli = (args: string[], cwd = project, timeoutMs = 240_000): Promise<CliResult> => skyport(stack, args, timeoutMs, { cwd, home: servicesCwd });

  const lines = (out: string, tag: string) => out.split('\n').filter((l) => l.startsWith(`${tag}:`)).map((l) => l.slice(tag.length + 1));
  const count = async (table: string) => Number((await pg.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

  function checkJobSaw(out: string, deepContent: string): void {
    const list = lines(out, 'LIST')[0]?.trim().split(' ') ?? [];
    for (const f of [...Object.values(files).map((f) => `./${f.split(' ')[0]}`), './link', './run.sh', './task.yaml', './.gitignore', './data-src/.skyignore']) {
      assert.ok(list.some((l) => l.startsWith(f)), `${f} missing from ${list.join(' ')}`);
    }
    for (const absent of ['./secret.log', './ignored-dir']) assert.ok(!list.some((l) => l.startsWith(absent)), `${absent} travelled`);
    const sums = new Map(lines(out, 'SUM').map((l) => [l.slice(0, l.lastIndexOf(':')), l.slice(l.lastIndexOf(':') + 1)]));
    for (const f of Object.values(files)) assert.equal(sums.get(f), sha(join(project, f)), `checksum of ${f}`);
    assert.deepEqual(lines(out, 'LINK'), [`nested/a/b/deep.txt:${deepContent}`]);
    assert.deepEqual(lines(out, 'MODE'), ['750']);
    assert.deepEqual(lines(out, 'MOUNT'), ['./.gitignore ./.skyignore ./kept-by-skyignore.txt ']);
    assert.deepEqual(lines(out, 'CFG'), ['config value']);
  }

  before(async () => {
    // The services run from a directory that has nothing to do with the project or the repository.
    process.chdir(servicesCwd);
    stack = await startE2eStack('e2e_upload', {
      SKYPORT_UPLOAD_MAX_BYTES: String(UPLOAD_MAX),
      SKYPORT_BLOB_GC_INTERVAL_SECONDS: '1',
      SKYPORT_BLOB_GC_GRACE_SECONDS: '10',
    });
    pg = new Client({ connectionString: stack.env.SKYPORT_DATABASE_URL });
    await pg.connect();
  });

  after(async () => {
    await cli(['down', '-y', cluster]).catch(() => undefined);
    await pg?.end();
    await stack?.stop();
    process.chdir(originalCwd);
    rmSync(project, { recursive: true, force: true });
    rmSync(servicesCwd, { recursive: true, force: true });
  });

  it('launch with workdir: . and file_mounts: the job sees exactly the uploaded tree', async () => {
    const run = await cli(['launch', '-y', '-c', cluster, 'task.yaml']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /Uploaded workdir \(\d+ files\), ~\/data \(3 files\), mounts\/cfg\.txt \(1 file\)/);
    checkJobSaw(run.stdout, 'deep v1');
  });

  it('a second launch of the same files uploads nothing new and the files are synced again', async () => {
    const chunks = await count('blobs');
    const run = await cli(['launch', '-y', '-c', cluster, 'task.yaml']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /: [\d.]+ KiB packed, 0 B sent in 0 chunk\(s\)/);
    assert.equal(await count('blobs'), chunks);
    checkJobSaw(run.stdout, 'deep v1');
  });

  it('exec re-syncs the workdir: the job sees a changed file', async () => {
    write(files.deep, 'deep v2, changed\n');
    const run = await cli(['exec', cluster, 'task.yaml']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /sent in 1 chunk\(s\)/);
    checkJobSaw(run.stdout, 'deep v2, changed');
  });

  it('files above the server limit are refused before anything is sent, naming the biggest', async () => {
    const big = mkdtempSync(join(tmpdir(), 'skyport-upload-big-'));
    try {
      writeFileSync(join(big, 'huge.bin'), Buffer.alloc(UPLOAD_MAX + 1024, 1));
      writeFileSync(join(big, 'task.yaml'), 'workdir: .\nrun: ls\n');
      const before = await count('blobs');
      const run = await cli(['launch', '-y', '-c', `${cluster}-big`, 'task.yaml'], big);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /above the server's upload limit of 2\.0 MiB; biggest files: \.\/huge\.bin \(2\.0 MiB\)/);
      assert.equal(await count('blobs'), before);
      assert.equal(await count(`clusters WHERE name = '${cluster}-big'`), 0);
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });

  it('after down, GC removes the uploads nothing refers to', async () => {
    assert.ok((await count('blobs')) > 0);
    const down = await cli(['down', '-y', cluster]);
    assert.equal(down.code, 0, down.stderr);
    const deadline = Date.now() + 90_000;
    while ((await count('blobs')) > 0 || (await count('blob_manifests')) > 0) {
      assert.ok(Date.now() < deadline, `still ${await count('blobs')} blobs, ${await count('blob_manifests')} manifests`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    assert.equal(await count('blob_grants'), 0);
  });
});
