import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serveDashboard } from './dashboard-files';

async function withServer(dir: string, run: (base: string) => Promise<void>): Promise<void> {
  const server: Server = createServer((req, res) => {
    if (!serveDashboard(dir, req, res)) {
      res.statusCode = 418;
      res.end('not mine');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('serveDashboard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyport-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<html>app</html>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'skyport-ui-outside.txt'), 'secret');

  it('serves files, falls back to index.html for client routes, caches hashed assets', async () => {
    await withServer(dir, async (base) => {
      const route = await fetch(`${base}/ui/clusters/a/jobs/1`);
      assert.equal(route.status, 200);
      assert.equal(await route.text(), '<html>app</html>');
      assert.equal(route.headers.get('cache-control'), 'no-cache');
      assert.ok(route.headers.get('content-security-policy'));
      const asset = await fetch(`${base}/ui/assets/index-abc.js`);
      assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
      assert.equal((await fetch(`${base}/ui/assets/nope.js`)).status, 404);
    });
  });

  it('redirects / to /ui/ and leaves every other path (the api) alone', async () => {
    await withServer(dir, async (base) => {
      const root = await fetch(`${base}/`, { redirect: 'manual' });
      assert.equal(root.status, 302);
      assert.equal(root.headers.get('location'), '/ui/');
      assert.equal((await fetch(`${base}/v1/clusters`)).status, 418);
      assert.equal((await fetch(`${base}/uix`)).status, 418);
    });
  });

  it('never leaves its folder and only answers GET', async () => {
    await withServer(dir, async (base) => {
      const escape = await fetch(`${base}/ui/%2e%2e/skyport-ui-outside.txt`);
      assert.doesNotMatch(await escape.text(), /secret/);
      assert.equal((await fetch(`${base}/ui/`, { method: 'POST' })).status, 405);
    });
  });

  it('says how to build the dashboard when it is not built', async () => {
    await withServer(join(dir, 'missing'), async (base) => {
      const answer = await fetch(`${base}/ui/`);
      assert.equal(answer.status, 404);
      assert.match(((await answer.json()) as { message: string }).message, /vite build apps\/dashboard/);
    });
  });
});
