import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SkyportClient } from '@skyport/client';
import type { EventView } from '@skyport/contracts';
import { runMigrations } from '@skyport/persistence';
import { TcpRelay, freshTestBackends, startService, type RunningService, type TestDatabase } from '@skyport/dev-stack';

/**
 * libs/client (what the CLI and API consumers use) through faults, against the real api on real Postgres and
 * Redis: calls that are safe to repeat are retried through a database outage (the api's 503 + Retry-After),
 * and an event stream whose connection is lost resumes from the last event it delivered — nothing lost, nothing
 * repeated.
 */
const TOKEN = 'skyport-client-resilience-token-0123456789';
const TASK = 'resources:\n  cpus: 1\nrun: echo hi\n';

describe('libs/client through faults', () => {
  let db: TestDatabase;
  let api: RunningService;
  let pgRelay: TcpRelay;
  let apiRelay: TcpRelay;
  let direct: SkyportClient;

  before(async () => {
    const backends = await freshTestBackends('client-resilience', runMigrations);
    db = backends.db;
    pgRelay = await new TcpRelay([TcpRelay.targetOf(db.url)]).open();
    api = await startService('api', {
      SKYPORT_DATABASE_URL: pgRelay.rewrite(db.url),
      SKYPORT_REDIS_URL: backends.redisUrl,
      SKYPORT_LOG_LEVEL: 'error',
      SKYPORT_BOOTSTRAP_TOKEN: TOKEN,
      SKYPORT_PROVISIONER_GRPC: '127.0.0.1:1',
      SKYPORT_OPTIMIZER_GRPC: '127.0.0.1:1',
    }, 120_000);
    apiRelay = await new TcpRelay([{ host: '127.0.0.1', port: api.healthPort }]).open();
    direct = new SkyportClient({ endpoint: `http://127.0.0.1:${api.healthPort}`, token: TOKEN, retry: { retries: 0 } });
  });

  after(async () => {
    await api?.stop();
    await apiRelay?.cut();
    await pgRelay?.cut();
    await db?.drop();
  });

  it('a read made while Postgres is away is retried and answers once it is back', async () => {
    const client = new SkyportClient({ endpoint: `http://127.0.0.1:${api.healthPort}`, token: TOKEN, retry: { baseDelayMs: 200 } });
    await client.listClusters();
    await pgRelay.cut();
    // Without retries the same call fails with the api's 503.
    await assert.rejects(direct.listClusters(), (e: Error & { code?: string }) => e.code === 'DEPENDENCY_UNAVAILABLE');
    const pending = client.listClusters();
    await sleep(3_000);
    await pgRelay.open();
    assert.deepEqual(await pending, []);
  });

  it('an event stream cut mid-way resumes after the last event it delivered: nothing lost or repeated', async () => {
    const client = new SkyportClient({ endpoint: `http://${apiRelay.address}`, token: TOKEN, retry: { baseDelayMs: 200 } });
    const controller = new AbortController();
    const seen: EventView[] = [];
    const reading = (async () => {
      try {
        for await (const e of client.events({ since: '0', follow: true, signal: controller.signal })) {
          if (e.type === 'request.accepted') seen.push(e);
        }
      } catch (e) {
        if (!controller.signal.aborted) throw e;
      }
    })();
    const launch = (name: string) => direct.launch(name, { task: TASK });
    await launch('res-a');
    await launch('res-b');
    await waitFor(() => seen.length >= 2, 'the first two events');

    // The connection drops; two launches happen while the client is away.
    await apiRelay.cut();
    await launch('res-c');
    await launch('res-d');
    await sleep(500);
    await apiRelay.open();
    await launch('res-e');
    await waitFor(() => seen.length >= 5, 'the events after the reconnect');
    await sleep(500);
    controller.abort();
    await reading;

    const clusters = seen.map((e) => e.clusterName);
    assert.deepEqual(clusters, ['res-a', 'res-b', 'res-c', 'res-d', 'res-e'], 'every event once, in order');
    assert.equal(new Set(seen.map((e) => e.id)).size, seen.length);
  });
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
