import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Client } from 'pg';

/** Addresses of the local stack for integration tests, as exported by scripts/test.sh. */
export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  kubeconfig?: string;
  kubeContext?: string;
}

export function testEnv(): TestEnv {
  const databaseUrl = process.env.SKYPORT_TEST_DATABASE_URL;
  const redisUrl = process.env.SKYPORT_TEST_REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    throw new Error('integration tests need the local stack: run them through `npm test` (scripts/test.sh exports SKYPORT_TEST_DATABASE_URL and SKYPORT_TEST_REDIS_URL)');
  }
  return { databaseUrl, redisUrl, kubeconfig: process.env.SKYPORT_TEST_KUBECONFIG, kubeContext: process.env.SKYPORT_TEST_KUBE_CONTEXT };
}

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh, empty database for one test suite; returns its URL and a function that drops it. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const { databaseUrl } = testEnv();
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * A Redis URL on a logical database (1–15) of this test process, so suites running side by side do not share
 * queues: the one scripts/run-tests.mjs gave this file (SKYPORT_TEST_REDIS_DB), else one picked by process id.
 * Stable within a process; flush it before use.
 */
export function testRedisUrl(): string {
  const { redisUrl } = testEnv();
  const db = Number(process.env.SKYPORT_TEST_REDIS_DB) || (process.pid % 15) + 1;
  return `${redisUrl.replace(/\/\d*$/, '')}/${db}`;
}


/**
 * What most integration suites start from: a fresh database with the schema in place and this process's Redis
 * database emptied. `migrate` is `runMigrations` from @skyport/persistence (passed in: tools do not depend on
 * the libraries they test).
 */
export async function freshTestBackends(label: string, migrate: (databaseUrl: string) => Promise<unknown>): Promise<{ db: TestDatabase; redisUrl: string }> {
  const db = await createTestDatabase(label);
  await migrate(db.url);
  const redisUrl = testRedisUrl();
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  try {
    await redis.flushdb();
  } finally {
    await redis.quit();
  }
  return { db, redisUrl };
}
