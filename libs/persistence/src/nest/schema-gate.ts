import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ALL_MIGRATIONS } from '../migrations';

/** The migrations this build expects, by name (a migration's name is its class name). */
export const EXPECTED_MIGRATIONS: string[] = ALL_MIGRATIONS.map((m) => m.name);

/** Which of this build's migrations the database has not applied yet (all of them on an empty database). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const [{ present }] = (await dataSource.query(`SELECT to_regclass('skyport_migrations') IS NOT NULL AS present`)) as Array<{ present: boolean }>;
  if (!present) return [...EXPECTED_MIGRATIONS];
  const rows = (await dataSource.query('SELECT name FROM skyport_migrations')) as Array<{ name: string }>;
  const applied = new Set(rows.map((r) => r.name));
  return EXPECTED_MIGRATIONS.filter((name) => !applied.has(name));
}

/**
 * Holds a service's start until the schema is this version's: the migrations run beside the services (the chart's
 * Job, compose's `migrate`, which podman-compose does not wait for), and a service that starts first would fail
 * on a missing table and crash-loop. It waits, saying so, up to SKYPORT_SCHEMA_WAIT_SECONDS (default 600), then
 * stops with what to run. Nothing here changes the database.
 */
@Injectable()
export class SchemaGate implements OnModuleInit {
  private readonly logger = new Logger('Persistence');

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const waitSeconds = Number(process.env.SKYPORT_SCHEMA_WAIT_SECONDS ?? 600);
    const deadline = Date.now() + (Number.isFinite(waitSeconds) ? waitSeconds : 600) * 1000;
    let said = false;
    for (;;) {
      let pending: string[];
      try {
        pending = await pendingMigrations(this.dataSource);
      } catch (error) {
        // Postgres went away between the connection and this check: it is waited for like the migrations.
        if (Date.now() >= deadline) throw error;
        this.logger.warn(`cannot read the schema version yet (${error instanceof Error ? error.message : String(error)}); retrying`);
        await new Promise((r) => setTimeout(r, 2_000));
        continue;
      }
      if (pending.length === 0) {
        if (said) this.logger.log('the database migrations are applied; starting');
        return;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `the database schema is behind this version (${pending.length} migration(s) not applied, e.g. ${pending[0]}): ` +
            'run the migrations (node libs/persistence/dist/cli/migrate.js run; the Helm chart and docker-compose.yml run them as a job)',
        );
      }
      if (!said) this.logger.warn(`waiting for the database migrations (${pending.length} not applied yet, e.g. ${pending[0]})`);
      said = true;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}
