#!/usr/bin/env node
import { runMigrations, schemaDrift } from '../data-source';

// `node libs/persistence/dist/cli/migrate.js run|check [DATABASE_URL]` (default: $SKYPORT_DATABASE_URL).
async function main(): Promise<number> {
  const [command = 'run', urlArg] = process.argv.slice(2);
  const url = urlArg ?? process.env.SKYPORT_DATABASE_URL;
  if (!url) {
    process.stderr.write('migrate: SKYPORT_DATABASE_URL is required (postgres://user:password@host:port/database)\n');
    return 2;
  }
  if (command === 'run') {
    const applied = await runMigrations(url);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
    return 0;
  }
  if (command === 'check') {
    const drift = await schemaDrift(url);
    if (drift.length === 0) {
      process.stdout.write('schema matches the entities\n');
      return 0;
    }
    process.stderr.write(`the entities differ from the migrated schema; write a migration for:\n${drift.join(';\n')};\n`);
    return 1;
  }
  process.stderr.write(`migrate: unknown command '${command}'; use run or check\n`);
  return 2;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
