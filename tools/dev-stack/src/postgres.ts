import { existsSync, mkdirSync, readdirSync, writeFileSync, chownSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, isRoot, run, which } from './run';

const PG_USER = 'skyport';

function findPgBin(): string | undefined {
  const onPath = which('pg_ctl');
  if (onPath) return run('sh', ['-c', `dirname "$(readlink -f ${onPath})"`]).stdout.trim();
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'pg_ctl'))) return join(base, v, 'bin');
  return undefined;
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` system user. */
function asPgUser(command: string, args: string[]): ReturnType<typeof run> {
  if (isRoot()) return run('runuser', ['-u', 'postgres', '--', command, ...args]);
  return run(command, args);
}

export interface PostgresHandle {
  url: string;
  dataDir: string;
}

export function postgresUrl(port: number, database = 'skyport'): string {
  return `postgres://${PG_USER}@127.0.0.1:${port}/${database}`;
}

export function startPostgres(dir: string, port: number): PostgresHandle {
  let bin = findPgBin();
  if (!bin) {
    aptInstall(['postgresql'], 'PostgreSQL is needed for the local stack');
    bin = findPgBin();
    if (!bin) throw new Error('PostgreSQL was installed but pg_ctl was not found');
  }
  const dataDir = join(dir, 'pg');
  const socketDir = join(dir, 'pg-socket');
  const logFile = join(dir, 'postgres.log');
  mkdirSync(dir, { recursive: true });
  mkdirSync(socketDir, { recursive: true });
  if (isRoot()) {
    const uid = Number(run('id', ['-u', 'postgres']).stdout.trim());
    const gid = Number(run('id', ['-g', 'postgres']).stdout.trim());
    if (!Number.isFinite(uid) || Number.isNaN(uid)) throw new Error("running as root needs the 'postgres' system user (apt-get install postgresql creates it)");
    for (const d of [dir, socketDir]) chownSync(d, uid, gid);
    if (!existsSync(logFile)) writeFileSync(logFile, '');
    chownSync(logFile, uid, gid);
    const probe = run('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]);
    if (probe.status !== 0) {
      throw new Error(`the postgres user cannot write ${dir} (a parent directory is not traversable); set SKYPORT_STACK_DIR to a directory it can reach, e.g. /var/tmp/skyport-stack`);
    }
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const init = asPgUser(join(bin, 'initdb'), ['-D', dataDir, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr.trim()}`);
  }
  const status = asPgUser(join(bin, 'pg_ctl'), ['-D', dataDir, 'status']);
  // A server left running by an older checkout keeps its port (the defaults moved out of the ephemeral range):
  // report the port it really listens on (line 4 of postmaster.pid) rather than the configured one.
  if (status.status === 0) port = runningPort(dataDir) ?? port;
  if (status.status !== 0) {
    const opts = `-p ${port} -h 127.0.0.1 -k ${socketDir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB`;
    const start = asPgUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start']);
    if (start.status !== 0) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
      throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${start.stderr.trim()}\n${tail}`);
    }
  }
  const created = run(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-d', 'postgres', '-tAc', "SELECT 1 FROM pg_database WHERE datname='skyport'"]);
  if (created.stdout.trim() !== '1') {
    const r = run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, 'skyport']);
    if (r.status !== 0 && !r.stderr.includes('already exists')) throw new Error(`createdb failed: ${r.stderr.trim()}`);
  }
  return { url: postgresUrl(port), dataDir };
}

function runningPort(dataDir: string): number | undefined {
  try {
    const port = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

export function stopPostgres(dir: string): void {
  const bin = findPgBin();
  const dataDir = join(dir, 'pg');
  if (!bin || !existsSync(join(dataDir, 'PG_VERSION'))) return;
  asPgUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
}

export function postgresRunning(dir: string): boolean {
  const bin = findPgBin();
  const dataDir = join(dir, 'pg');
  if (!bin || !existsSync(join(dataDir, 'PG_VERSION'))) return false;
  return asPgUser(join(bin, 'pg_ctl'), ['-D', dataDir, 'status']).status === 0;
}
