import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, SkyportError, type EventView } from '@skyport/contracts';
import { SkyportClient } from './skyport-client';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const routes = new Map<string, Handler>();
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
let server: Server;
let endpoint: string;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const handler = routes.get(`${req.method} ${(req.url ?? '').split('?')[0]}`);
      if (!handler) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 404, message: 'Cannot GET', error: 'Not Found' }));
        return;
      }
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function json(status: number, value: unknown): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
}

describe('SkyportClient', () => {
  it('sends the bearer token, JSON body and idempotency key', async () => {
    routes.set('POST /v1/clusters/c1/launch', json(202, { requestId: 'r1', clusterName: 'c1', jobId: 1 }));
    const client = new SkyportClient({ endpoint, token: 'tok' });
    const accepted = await client.launch('c1', { task: 'run: echo hi' }, 'key-1');
    assert.deepEqual(accepted, { requestId: 'r1', clusterName: 'c1', jobId: 1 });
    const request = seen[seen.length - 1];
    assert.equal(request.headers.authorization, 'Bearer tok');
    assert.equal(request.headers['idempotency-key'], 'key-1');
    assert.deepEqual(JSON.parse(request.body), { task: 'run: echo hi' });
  });

  it("turns the api's error body into a SkyportError with its code and message", async () => {
    routes.set('GET /v1/clusters/nope', json(404, { code: 'NOT_FOUND', message: "cluster 'nope' does not exist", details: { clusterName: 'nope' } }));
    await assert.rejects(new SkyportClient({ endpoint }).getCluster('nope'), (e: unknown) => {
      assert.ok(e instanceof SkyportError);
      assert.equal(e.code, ErrorCode.NotFound);
      assert.equal(e.userMessage, "cluster 'nope' does not exist");
      assert.deepEqual(e.details, { clusterName: 'nope', status: 404 });
      return true;
    });
  });

  it('an endpoint the api does not have yet says so', async () => {
    await assert.rejects(new SkyportClient({ endpoint }).costReport(), /the api has no GET \/v1\/cost-report \(HTTP 404\)/);
  });

  it('a server that is not there is DEPENDENCY_UNAVAILABLE naming the address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(new SkyportClient({ endpoint: `http://127.0.0.1:${port}` }).info(), (e: unknown) => {
      assert.ok(e instanceof SkyportError);
      assert.equal(e.code, ErrorCode.DependencyUnavailable);
      assert.match(e.userMessage, new RegExp(`cannot reach the Skyport api at http://127.0.0.1:${port} \\(connection refused\\)`));
      return true;
    });
  });

  it('follows request events over SSE until the end event', async () => {
    const events: EventView[] = [
      { id: '1', at: '2026-01-01T00:00:00Z', type: 'request.accepted', message: 'accepted' },
      { id: '2', at: '2026-01-01T00:00:01Z', type: 'cluster.provisioning', message: 'Provisioning 2 pods on ctx-a' },
    ];
    routes.set('GET /v1/requests/r1/events', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': keep-alive\n\n');
      for (const e of events) res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      setTimeout(() => res.end(`event: end\ndata: ${JSON.stringify({ status: 'SUCCEEDED' })}\n\n`), 20);
    });
    const client = new SkyportClient({ endpoint });
    const got: EventView[] = [];
    const stream = client.requestEvents('r1');
    let next = await stream.next();
    while (!next.done) {
      got.push(next.value);
      next = await stream.next();
    }
    assert.deepEqual(got, events);
    assert.deepEqual(next.value, { status: 'SUCCEEDED' });
    assert.match(seen[seen.length - 1].url, /follow=1/);
  });

  it('streams log lines (JSON or plain data)', async () => {
    routes.set('GET /v1/clusters/c1/jobs/3/logs', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ line: 'hello', node: 0 })}\n\ndata: plain text\n\nevent: end\ndata: {"status":"SUCCEEDED"}\n\n`);
    });
    const lines: string[] = [];
    for await (const l of new SkyportClient({ endpoint }).jobLogs('c1', 3, { follow: true, tail: 10 })) lines.push(l.line);
    assert.deepEqual(lines, ['hello', 'plain text']);
    assert.match(seen[seen.length - 1].url, /follow=1&tail=10/);
  });

  it('accepts a list or a page for listings', async () => {
    routes.set('GET /v1/clusters', json(200, { items: [{ name: 'c1' }] }));
    routes.set('GET /v1/clusters/c1/jobs', json(200, [{ jobId: 1 }]));
    const client = new SkyportClient({ endpoint });
    assert.equal((await client.listClusters())[0].name, 'c1');
    assert.equal((await client.listJobs('c1'))[0].jobId, 1);
  });
});
