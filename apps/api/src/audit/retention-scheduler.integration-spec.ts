import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { testRedisUrl } from '@skyport/dev-stack';
import { createLogger, createRedisConnection, type Redis } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { RetentionService } from './retention.service';

/** Two replicas' schedulers on one Redis: BullMQ makes one job per interval and one worker takes it. */
describe('retention sweep: one replica per interval (real Redis, BullMQ job scheduler)', () => {
  const connections: Redis[] = [];
  const services: RetentionService[] = [];
  const runs: Array<{ replica: number; at: number }> = [];

  before(async () => {
    const redis = createRedisConnection(testRedisUrl(), 'retention-test');
    await redis.flushdb();
    connections.push(redis);
  });
  after(async () => {
    for (const s of services) await s.onApplicationShutdown();
    for (const c of connections) await c.quit();
  });

  it('two replicas never sweep the same interval twice', async () => {
    const config = { SKYPORT_RETENTION_AUDIT_DAYS: 1, SKYPORT_RETENTION_EVENTS_DAYS: 0, SKYPORT_RETENTION_REQUESTS_DAYS: 0, SKYPORT_RETENTION_INTERVAL_MINUTES: 0.005, SKYPORT_RETENTION_BATCH: 10 } as ApiConfig;
    const logger = createLogger('retention-test', 'silent');
    for (let replica = 0; replica < 2; replica++) {
      const connection = createRedisConnection(testRedisUrl(), `retention-test-${replica}`);
      connections.push(connection);
      const service = new RetentionService({} as DataSource, connection, config, logger);
      service.sweep = async () => {
        runs.push({ replica, at: Date.now() });
        await new Promise((r) => setTimeout(r, 50));
      };
      services.push(service);
    }
    const started = Date.now();
    await Promise.all(services.map((s) => s.onApplicationBootstrap()));
    await new Promise((r) => setTimeout(r, 3_000));
    const elapsed = Date.now() - started;
    const interval = 300;
    assert.ok(runs.length >= 3, `the sweep ran (${runs.length} runs)`);
    assert.ok(runs.length <= Math.ceil(elapsed / interval) + 1, `${runs.length} runs in ${elapsed} ms at one per ${interval} ms: no interval swept twice`);
    const sorted = runs.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i] - sorted[i - 1] >= 100, `two sweeps ${sorted[i] - sorted[i - 1]} ms apart`);
  });
});
