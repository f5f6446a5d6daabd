import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhookUrl } from './webhook-destination';
import { postPinned } from './webhook-sender';

/**
 * The POST goes to the address that was checked, whatever the name resolves to. Loopback only: the receiver
 * listens on 127.0.0.2 and the URL names `localhost` (which resolves to 127.0.0.1 from /etc/hosts, never from
 * the network), so a delivery that re-resolved the name would miss the receiver.
 */
describe('webhook sender: pinned to the checked address, no redirects (loopback receivers)', () => {
  let server: Server;
  let port: number;
  const hits: Array<{ url?: string; headers: IncomingHttpHeaders; body: string }> = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        hits.push({ url: req.url, headers: req.headers, body });
        if (req.url === '/redirect') res.writeHead(302, { location: 'http://127.0.0.2:1/elsewhere' }).end();
        else if (req.url === '/stream') {
          res.writeHead(200);
          const timer = setInterval(() => res.write('x'.repeat(1024)), 5);
          res.on('close', () => clearInterval(timer));
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('connects to the given address, keeps the URL host in Host, sends the body', async () => {
    const target = parseWebhookUrl(`http://localhost:${port}/hook?x=1`);
    const result = await postPinned(target, '127.0.0.2', { 'content-type': 'application/json' }, '{"a":1}', 2_000);
    assert.deepEqual(result, { status: 204 });
    const hit = hits[hits.length - 1];
    assert.ok(hit, 'the receiver got the POST');
    assert.equal(hit.url, '/hook?x=1');
    assert.equal(hit.headers.host, `localhost:${port}`);
    assert.equal(hit.body, '{"a":1}');
  });

  it('a redirect is an answer (its status), never followed', async () => {
    const before = hits.length;
    const result = await postPinned(parseWebhookUrl(`http://localhost:${port}/redirect`), '127.0.0.2', {}, '{}', 2_000);
    assert.deepEqual(result, { status: 302 });
    assert.equal(hits.length, before + 1);
  });

  it('a receiver that streams forever does not hold the delivery', async () => {
    const started = Date.now();
    assert.deepEqual(await postPinned(parseWebhookUrl(`http://localhost:${port}/stream`), '127.0.0.2', {}, '{}', 2_000), { status: 200 });
    assert.ok(Date.now() - started < 1_000);
  });

  it('a closed port and a timeout fail the same way, saying nothing', async () => {
    const closed = await postPinned(parseWebhookUrl('http://localhost:1/'), '127.0.0.2', {}, '{}', 500).catch((e: Error) => e.message);
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.2', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    const timedOut = await postPinned(parseWebhookUrl(`http://localhost:${silentPort}/`), '127.0.0.2', {}, '{}', 300).catch((e: Error) => e.message);
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
    assert.equal(closed, 'delivery failed');
    assert.equal(timedOut, 'delivery failed');
  });
});
