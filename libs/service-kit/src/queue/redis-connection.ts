import IORedis, { type Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ: reconnects forever with capped backoff (a Redis restart must not kill a
 * service), and `maxRetriesPerRequest: null` as BullMQ workers require.
 */
export function createRedisConnection(url: string, name: string): Redis {
  return new IORedis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5_000),
  });
}

export type { Redis };
