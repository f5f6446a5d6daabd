import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SkyportClient, packPath, readChunk, uploadTaskFiles } from '@skyport/client';
import { createDataSource, initializeWithRetry } from '@skyport/persistence';
import { startApiUnderTest, type ApiUnderTest } from '../testing/api-harness';
import type { ApiConfig } from '../config';
import { BlobService } from './blob.service';

const CHUNK_MAX = 64 * 1024;
const UPLOAD_MAX = 400 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('blob store: chunk uploads, manifests, limits, team scoping, launch refusals, GC (api + real Postgres)', () => {
  let t: ApiUnderTest;
  let ds: DataSource;
  let gc: BlobService;
  let alice: string;
  let bob: string;
  const dirs: string[] = [];

  const put = (digest: string, data: Buffer, token: string) =>
    fetch(`${t.base}/v1/blobs/${digest}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: data });
  const count = async (sql: string, params: unknown[] = []) => Number((await t.pg.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n);
  const tree = () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyport-blobs-'));
    dirs.push(dir);
    return dir;
  };

  before(async () => {
    t = await startApiUnderTest('api_blobs', {
      SKYPORT_BLOB_CHUNK_MAX_BYTES: String(CHUNK_MAX),
      SKYPORT_UPLOAD_MAX_BYTES: String(UPLOAD_MAX),
      // GC is driven by the test below (collectGarbage), not by the api's timer.
      SKYPORT_BLOB_GC_INTERVAL_SECONDS: '3600',
      // The tasks below mount s3://bucket/p beside their uploads: a bucket the admin allows every team to read.
      SKYPORT_S3_EXTERNAL_BUCKETS: 'bucket',
    });
    ds = await initializeWithRetry(createDataSource(t.dbUrl));
    gc = new BlobService(ds, { SKYPORT_BLOB_CHUNK_MAX_BYTES: CHUNK_MAX, SKYPORT_UPLOAD_MAX_BYTES: UPLOAD_MAX, SKYPORT_BLOB_GC_GRACE_SECONDS: 3600 } as ApiConfig);
    alice = (await t.userIn('blue', 'alice')).token;
    bob = (await t.userIn('green', 'bob')).token;
  });

  after(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await ds?.destroy();
    await t?.stop();
  });

  it('answers its limits; missing lists what the team lacks; a chunk is stored once and verified by hash', async () => {
    const limits = await t.call('GET', '/v1/blobs/limits', { token: alice });
    assert.deepEqual(limits.body, { chunkMaxBytes: CHUNK_MAX, uploadMaxBytes: UPLOAD_MAX });
    const a = Buffer.from('chunk a');
    const b = Buffer.from('chunk b');
    let r = await t.call('POST', '/v1/blobs/missing', { token: alice, body: { digests: [sha(a), sha(b)] } });
    assert.deepEqual(r.body.missing, [sha(a), sha(b)]);
    assert.equal((await put(sha(a), a, alice)).status, 200);
    r = await t.call('POST', '/v1/blobs/missing', { token: alice, body: { digests: [sha(a), sha(b)] } });
    assert.deepEqual(r.body.missing, [sha(b)]);
    // Dedupe: the same bytes again change nothing.
    assert.equal((await put(sha(a), a, alice)).status, 200);
    assert.equal(await count('blobs WHERE digest = $1', [sha(a)]), 1);

    const mismatch = await put(sha(b), Buffer.from('not chunk b'), alice);
    assert.equal(mismatch.status, 400);
    const body = (await mismatch.json()) as { message: string; details: { kind: string } };
    assert.equal(body.details.kind, 'digest-mismatch');
    assert.match(body.message, /hash to/);
    assert.equal(await count('blobs WHERE digest = $1', [sha(b)]), 0);

    const big = Buffer.alloc(CHUNK_MAX + 1, 7);
    const tooBig = await put(sha(big), big, alice);
    assert.equal(tooBig.status, 413);
    assert.match(((await tooBig.json()) as { message: string }).message, /SKYPORT_BLOB_CHUNK_MAX_BYTES/);
    const bad = await t.call('POST', '/v1/blobs/missing', { token: alice, body: { digests: ['../etc'] } });
    assert.equal(bad.status, 400);
  });

  it('a manifest needs its chunks uploaded by the caller\'s team; another team learns nothing from a digest', async () => {
    const secret = Buffer.from('team blue only');
    assert.equal((await put(sha(secret), secret, alice)).status, 200);
    const manifest = { version: 1, kind: 'file', entries: [{ path: '', type: 'file', mode: 0o600, size: secret.length, sha256: sha(secret), chunks: [sha(secret)] }] };
    // Bob's team has no grant: "missing", and its manifest is refused.
    assert.deepEqual((await t.call('POST', '/v1/blobs/missing', { token: bob, body: { digests: [sha(secret)] } })).body.missing, [sha(secret)]);
    const refused = await t.call('POST', '/v1/blobs/manifests', { token: bob, body: { manifest } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.details.kind, 'chunks-missing');
    // Proving possession (uploading the bytes) gives the grant; the bytes are stored once.
    assert.equal((await put(sha(secret), secret, bob)).status, 200);
    assert.equal(await count('blobs WHERE digest = $1', [sha(secret)]), 1);
    const ok = await t.call('POST', '/v1/blobs/manifests', { token: bob, body: { manifest } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.match(ok.body.ref, /^skyport-blob:\/\/[0-9a-f]{64}$/);

    for (const entries of [
      [{ path: '../x', type: 'dir', mode: 0o755 }],
      [{ path: '/etc', type: 'dir', mode: 0o755 }],
      [
        { path: 'l', type: 'symlink', mode: 0o777, target: '/' },
        { path: 'l/x', type: 'dir', mode: 0o755 },
      ],
    ]) {
      const r = await t.call('POST', '/v1/blobs/manifests', { token: alice, body: { manifest: { version: 1, kind: 'dir', entries } } });
      assert.equal(r.status, 400, JSON.stringify(entries));
    }
  });

  it('libs/client uploads only missing chunks: a partial upload resumes, a second upload sends nothing; the limit names the biggest files', async () => {
    const dir = tree();
    writeFileSync(join(dir, 'a.bin'), randomBytes(150 * 1024));
    writeFileSync(join(dir, 'b.txt'), 'hello\n');
    const client = new SkyportClient({ endpoint: t.base, token: alice });
    const packed = packPath(dir, CHUNK_MAX);
    const digests = [...packed.chunks.keys()];
    assert.equal(digests.length, 4, '150 KiB in 64 KiB chunks + a small file');
    // An interrupted upload: one chunk made it.
    const first = packed.chunks.get(digests[0])!;
    assert.equal((await put(digests[0], readChunk(first), alice)).status, 200);
    const one = await uploadTaskFiles(client, { workdir: '.', run: 'ls' }, { baseDir: dir });
    assert.equal(one.summary.chunksReused, 1);
    assert.equal(one.summary.chunksSent, 3);
    assert.match(String(one.task.workdir), /^skyport-blob:\/\//);
    const two = await uploadTaskFiles(client, { workdir: dir, run: 'ls' }, { baseDir: '/' });
    assert.equal(two.summary.bytesSent, 0);
    assert.equal(two.task.workdir, one.task.workdir, 'same tree, same manifest');

    // A tree whose manifest is larger than the api's 1 MiB JSON body limit still registers (its own media type).
    const many = tree();
    for (let i = 0; i < 6000; i++) writeFileSync(join(many, `file-with-a-longish-name-${i}.txt`), 'same content\n');
    const wide = await uploadTaskFiles(client, { workdir: '.' }, { baseDir: many });
    assert.equal(wide.summary.mounts[0].files, 6000);
    assert.equal(wide.summary.chunksSent, 1);

    writeFileSync(join(dir, 'huge.bin'), Buffer.alloc(UPLOAD_MAX, 2));
    await assert.rejects(uploadTaskFiles(client, { workdir: '.' }, { baseDir: dir }), (e: Error) => /upload limit/.test(e.message) && /\.\/huge\.bin/.test(e.message));
    // The server checks too (a client that does not): the manifest is refused naming the file.
    const manifest = { version: 1, kind: 'dir', entries: [{ path: 'huge.bin', type: 'file', mode: 0o644, size: UPLOAD_MAX + 1, sha256: sha(Buffer.from('x')), chunks: [sha(Buffer.from('x'))] }] };
    const r = await t.call('POST', '/v1/blobs/manifests', { token: alice, body: { manifest } });
    assert.equal(r.status, 413);
    assert.match(r.body.message, /SKYPORT_UPLOAD_MAX_BYTES.*huge\.bin/);
  });

  it('a launch naming a path on the server is refused before anything is written; one naming an upload is accepted and keeps it until GC may take it', async () => {
    const before = { requests: await count('requests'), clusters: await count('clusters') };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ run: 'cat ~/k', file_mounts: { '~/k': '/root/.kube/config' } }, /file_mounts source '\/root\/\.kube\/config' \(for '~\/k'\) is a path on your machine; use the skyport CLI or libs\/client/],
      [{ run: 'ls', workdir: '.' }, /workdir '\.' is a path on your machine/],
      [{ run: 'ls', workdir: { url: 'https://example.invalid/r.git', ref: 'main' } }, /git repository\) is not supported/],
      [{ run: 'ls', workdir: `skyport-blob://${'0'.repeat(64)}` }, /not on the server for your team/],
    ];
    for (const [task, message] of cases) {
      const r = await t.call('POST', '/v1/clusters/up1/launch', { token: alice, body: { task } });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.message, message);
    }
    assert.deepEqual({ requests: await count('requests'), clusters: await count('clusters') }, before, 'nothing written');
    // Bob's team may not use a manifest only alice's team registered.
    const dir = tree();
    writeFileSync(join(dir, 'x.txt'), 'x');
    const { task } = await uploadTaskFiles(new SkyportClient({ endpoint: t.base, token: alice }), { run: 'ls', workdir: '.', file_mounts: { '/data/x': './x.txt', '/b': 's3://bucket/p' } }, { baseDir: dir });
    assert.equal((task.file_mounts as Record<string, string>)['/b'], 's3://bucket/p', 'bucket URLs stay as they are');
    const fileAsWorkdir = await t.call('POST', '/v1/clusters/up3/launch', { token: alice, body: { task: { run: 'ls', workdir: (task.file_mounts as Record<string, string>)['/data/x'] } } });
    assert.equal(fileAsWorkdir.status, 400);
    assert.match(fileAsWorkdir.body.message, /workdir must be a directory/);
    const stolen = await t.call('POST', '/v1/clusters/up2/launch', { token: bob, body: { task } });
    assert.equal(stolen.status, 400);
    const ok = await t.call('POST', '/v1/clusters/up1/launch', { token: alice, body: { task } });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(await count('blob_manifest_uses WHERE request_id = $1', [ok.body.requestId]), 2);

    // An earlier, finished sync of the same live cluster is replaced by this one: its use goes.
    await t.pg.query(
      `INSERT INTO blob_manifest_uses (digest, request_id, scope, cluster_name, created_at) VALUES ($1, gen_random_uuid(), 'team:blue', 'up1', now() - interval '1 hour')`,
      ['f'.repeat(64)],
    );
    // Live request: nothing collected even with no grace.
    const manifests = await count('blob_manifests');
    let res = await gc.collectGarbage(0);
    assert.equal(res.skipped, false);
    assert.equal(await count('blob_manifest_uses WHERE request_id = $1', [ok.body.requestId]), 2);
    assert.equal(await count('blob_manifest_uses'), 2, 'the replaced sync of up1 is no longer kept');
    assert.ok((await count('blob_manifests')) > 0 && (await count('blob_manifests')) <= manifests);
    // Request finished, cluster gone: its uploads go; a fresh unreferenced upload is kept through the grace.
    await t.pg.query(`UPDATE requests SET status = 'FAILED' WHERE id = $1`, [ok.body.requestId]);
    await t.pg.query(`UPDATE clusters SET phase = 'TERMINATED' WHERE name = 'up1'`);
    const fresh = Buffer.from('fresh upload');
    await put(sha(fresh), fresh, alice);
    res = await gc.collectGarbage(3600);
    assert.equal(await count('blob_manifest_uses'), 0);
    assert.equal(await count('blobs WHERE digest = $1', [sha(fresh)]), 1, 'within the grace');
    res = await gc.collectGarbage(0);
    assert.equal(await count('blob_manifests'), 0);
    assert.equal(await count('blobs'), 0);
    assert.equal(await count('blob_grants'), 0);
  });
});
