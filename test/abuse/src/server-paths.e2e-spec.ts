import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { E2E_TOKEN } from '@skyport/e2e/dist/e2e-stack.js';
import { startAbuseStack, type AbuseStack } from './abuse-stack';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Issue 15, item 1: no service opens a path a user named. A raw api launch or exec whose workdir or file_mounts
 * source is a path (the provisioner's kubeconfig, `.`, /etc) is refused 400 before anything is written or created;
 * another team's uploads cannot be referred to, nor probed; nor can a bucket Skyport did not create for the team.
 */
describe('abuse: a task cannot make the server read its own files (whole system, non-admin user)', () => {
  let s: AbuseStack;
  const name = (what: string) => `ab-path-${what}-${s.suffix}`;
  const post = (cluster: string, verb: 'launch' | 'exec', task: unknown) => s.call('POST', `/v1/clusters/${cluster}/${verb}`, { token: s.attacker.token, body: { task } });

  const refused = async (cluster: string, answer: Promise<{ status: number; body: { message?: string } }>, message: RegExp) => {
    const res = await answer;
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(String(res.body?.message ?? ''), message);
    assert.equal(await s.rowsFor(cluster), 0, `rows written for ${cluster}`);
    assert.deepEqual(await s.objectsFor(cluster), [], `Kubernetes objects created for ${cluster}`);
  };

  before(async () => {
    s = await startAbuseStack('abuse_paths');
  });
  after(async () => {
    await s?.stop();
  });

  it("refuses file_mounts {~/k: /root/.kube/config} (YAML and object form, launch and exec) naming the path", async () => {
    const message = /file_mounts source '\/root\/\.kube\/config' \(for '~\/k'\) is a path on your machine; use the skyport CLI or libs\/client, which upload it/;
    await refused(name('kube-yaml'), post(name('kube-yaml'), 'launch', 'run: cat ~/k\nfile_mounts:\n  ~/k: /root/.kube/config\n'), message);
    // The object form with mode COPY (without a mode it is a MOUNT, refused for that reason first).
    await refused(name('kube-obj'), post(name('kube-obj'), 'launch', { run: 'cat ~/k', file_mounts: { '~/k': { source: '/root/.kube/config', mode: 'COPY' } } }), message);
    await refused(name('kube-exec'), post(name('kube-exec'), 'exec', { run: 'cat ~/k', file_mounts: { '~/k': '/root/.kube/config' } }), message);
  });

  it('refuses workdir: . and an absolute workdir, and a git workdir with a clear message', async () => {
    await refused(name('dot'), post(name('dot'), 'launch', 'workdir: .\nrun: ls\n'), /workdir '\.' is a path on your machine/);
    await refused(name('etc'), post(name('etc'), 'exec', { workdir: '/etc', run: 'ls' }), /workdir '\/etc' is a path on your machine/);
    await refused(name('git'), post(name('git'), 'launch', { workdir: { url: 'https://example.invalid/repo.git', ref: 'main' }, run: 'ls' }), /git repository\) is not supported/);
  });

  it("cannot use or probe another team's upload", async () => {
    const secret = Buffer.from(`the admin team's file ${s.suffix}`);
    // Uploaded by the admin (team default).
    const adminPut = await fetch(`${s.stack.apiUrl}/v1/blobs/${sha(secret)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${E2E_TOKEN}`, 'content-type': 'application/octet-stream' },
      body: secret,
    });
    assert.equal(adminPut.status, 200);
    const manifest = await s.call('POST', '/v1/blobs/manifests', {
      body: { manifest: { version: 1, kind: 'file', entries: [{ path: '', type: 'file', mode: 0o600, size: secret.length, sha256: sha(secret), chunks: [sha(secret)] }] } },
    });
    assert.equal(manifest.status, 201, JSON.stringify(manifest.body));
    // The attacker is told the chunk is missing (nothing leaks), and cannot mount the admin's manifest.
    const missing = await s.call('POST', '/v1/blobs/missing', { token: s.attacker.token, body: { digests: [sha(secret)] } });
    assert.deepEqual(missing.body.missing, [sha(secret)]);
    await refused(name('steal'), post(name('steal'), 'launch', { run: 'cat ~/k', file_mounts: { '~/k': manifest.body.ref } }), /not on the server for your team/);
  });

  it("cannot make the server copy a bucket Skyport did not create for its team (the admin's own), at launch, exec or jobs launch", async () => {
    // The server's S3 credentials may well read the admin's buckets: Skyport refuses before any of them is used.
    const message = /file_mounts '~\/k': bucket 'admins-private' was not created by Skyport for team '[^']+' and is not allowed by this server's SKYPORT_S3_EXTERNAL_BUCKETS/;
    for (const verb of ['launch', 'exec'] as const) {
      const cluster = name(`bucket-${verb}`);
      const res = await post(cluster, verb, { run: 'cat ~/k', file_mounts: { '~/k': 's3://admins-private/keys' } });
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.match(String(res.body?.message ?? ''), message);
      assert.equal(await s.rowsFor(cluster), 0, `rows written for ${cluster}`);
      assert.deepEqual(await s.objectsFor(cluster), [], `Kubernetes objects created for ${cluster}`);
    }
    const job = await s.call('POST', '/v1/jobs', { token: s.attacker.token, body: { task: { run: 'cat ~/k', file_mounts: { '~/k': 's3://admins-private/keys' } } } });
    assert.equal(job.status, 403, JSON.stringify(job.body));
    assert.match(String(job.body?.message ?? ''), message);
  });
});
