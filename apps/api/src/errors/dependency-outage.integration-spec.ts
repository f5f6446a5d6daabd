import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runMigrations } from '@skyport/persistence';
import { TcpRelay, freshTestBackends, startService, type RunningService, type TestDatabase } from '@skyport/dev-stack';
import { ADMIN_TOKEN, eventually } from '../testing/api-harness';

let db: TestDatabase;
let relay: TcpRelay;
let api: RunningService;
let base: string;

before(async () => {
  const backends = await freshTestBackends('api-outage', runMigrations);
  db = backends.db;
  relay = await new TcpRelay([TcpRelay.targetOf(db.url)]).open();
  api = await startService('api', {
    SKYPORT_DATABASE_URL: relay.rewrite(db.url),
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

  await relay.open();
  await eventually(async () => (await listClusters()).status === 200, 30_000, 'the api to recover once the database is back');
});
