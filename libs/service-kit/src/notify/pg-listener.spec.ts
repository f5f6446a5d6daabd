import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createLogger } from '../logging/logger';
import { PgListener } from './pg-listener';

/** A local port with nothing listening on it: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('without a reachable Postgres: ready() says false (the caller polls), it keeps retrying, and close() stops it', async () => {
  const port = await closedPort();
  const warnings: string[] = [];
  const logger = createLogger('listen-unit', 'silent');
  logger.warn = ((_obj: unknown, msg?: string) => void warnings.push(msg ?? '')) as typeof logger.warn;
  const listener = new PgListener({ databaseUrl: `postgres://u@127.0.0.1:${port}/d`, applicationName: 'skyport-unit-listen', logger, initialBackoffMs: 20, maxBackoffMs: 40 });
  listener.listen('unit_channel', () => assert.fail('no notification without a session'));
  assert.equal(await listener.ready(), false);
  assert.equal(listener.connected, false);
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(warnings.length >= 2, `retried with backoff (${warnings.length} attempts logged)`);
  await listener.close();
  const after = warnings.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(warnings.length, after, 'no attempt after close');
  assert.equal(await listener.ready(), false);
});
