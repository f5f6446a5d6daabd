import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@skyport/dev-stack';
import { createDataSource, initializeWithRetry, runMigrations } from '../data-source';

export interface MigratedTestDatabase {
  url: string;
  /** Connected to `url`. */
  ds: DataSource;
  /** Closes `ds` and drops the database. */
  drop(): Promise<void>;
}

/**
 * What most integration suites that touch Postgres start from: a fresh database of their own (createTestDatabase)
 * with every migration applied, and a DataSource on it.
 */
export async function migratedTestDatabase(label: string): Promise<MigratedTestDatabase> {
  const db = await createTestDatabase(label);
  try {
    await runMigrations(db.url);
    const ds = await initializeWithRetry(createDataSource(db.url));
    return {
      url: db.url,
      ds,
      drop: async () => {
        if (ds.isInitialized) await ds.destroy();
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop().catch(() => undefined);
    throw error;
  }
}
