import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { runMigrations } from '@skyport/persistence';
import { freshTestBackends, startService, type RunningService, type TestDatabase } from '@skyport/dev-stack';
import { ADMIN_TOKEN, eventually } from '../testing/api-harness';

/**
 * A TCP relay on 127.0.0.1 in front of the real Postgres, so a test can take the database away from one api
 * process (existing connections reset, new ones refused) and give it back, without stopping the shared server.
 */
class CuttableRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(port = 0): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

let db: TestDatabase;
let relay: CuttableRelay;
let api: RunningService;
let base: string;

before(async () => {
  const backends = await freshTestBackends('api-outage', runMigrations);
  db = backends.db;
  const url = new URL(db.url);
  relay = new CuttableRelay({ host: url.hostname, port: Number(url.port) });
  await relay.open();
  url.port = String(relay.port);
  api = await startService('api', {
    SKYPORT_DATABASE_URL: url.toString(),
    SKYPORT_REDIS_URL: backends.redisUrl,
    SKYPORT_LOG_LEVEL: 'error',
    SKYPORT_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
    SKYPORT_PROVISIONER_GRPC: '127.0.0.1:1',
    SKYPORT_OPTIMIZER_GRPC: '127.0.0.1:1',
  }, 90_000);
  base = `http://127.0.0.1:${api.healthPort}`;
});

after(async () => {
  await api?.stop();
  await relay?.cut();
  await db?.drop();
});

const listClusters = () => fetch(`${base}/v1/clusters`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

test('with Postgres unreachable the api answers 503 with Retry-After, then recovers by itself', async () => {
  assert.equal((await listClusters()).status, 200);

  await relay.cut();
  const during = await eventually(async () => {
    const res = await listClusters();
    return res.status === 503 ? res : undefined;
  }, 20_000, 'a 503 while the database is away');
  assert.equal(during.headers.get('retry-after'), '5');
  const body = (await during.json()) as { code: string; message: string };
  assert.equal(body.code, 'DEPENDENCY_UNAVAILABLE');
  assert.match(body.message, /cannot reach its database/);
  assert.doesNotMatch(body.message, /127\.0\.0\.1|ECONNREFUSED|stack/i, 'no internals in the answer');

  await relay.open(relay.port);
  await eventually(async () => (await listClusters()).status === 200, 30_000, 'the api to recover once the database is back');
});
