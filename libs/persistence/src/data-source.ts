import pRetry from 'p-retry';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from './migrations';

export function dataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'skyport_migrations',
    // The schema changes only through reviewed migrations, never from entity definitions at boot.
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: 20, connectionTimeoutMillis: 5_000, application_name: 'skyport' },
    ...overrides,
  } as DataSourceOptions;
}

export function createDataSource(url: string, overrides: Partial<DataSourceOptions> = {}): DataSource {
  return new DataSource(dataSourceOptions(url, overrides));
}

/** Connects with retry: a database that is still starting must not kill a service at boot. */
export async function initializeWithRetry(dataSource: DataSource, attempts = 30, delayMs = 1_000): Promise<DataSource> {
  // Evenly spaced tries (factor 1); the last failure is the one thrown.
  return pRetry(() => dataSource.initialize(), { retries: Math.max(0, attempts - 1), minTimeout: delayMs, factor: 1, randomize: false });
}

/** Session advisory lock key held while migrations run (any value unique among Skyport's locks). */
const MIGRATIONS_LOCK = 7_317_010;

/**
 * Applies pending migrations; returns their names. Runs are serialised by a Postgres advisory lock: a second run
 * at the same time (a re-run Helm hook Job beside the old pod, an operator by hand) waits, then finds nothing
 * pending, instead of applying the same migration twice.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource(url);
  await initializeWithRetry(ds, 10, 500);
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]).catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}

/** The SQL TypeORM would need to make the schema match the entities: empty when migrations are complete. */
export async function schemaDrift(url: string): Promise<string[]> {
  const ds = createDataSource(url);
  await initializeWithRetry(ds, 10, 500);
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await ds.destroy();
  }
}
