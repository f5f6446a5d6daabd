import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SKYPILOT_REFERENCE_CONFIG } from '@skyport/config/testing';
import { runMigrations } from '@skyport/persistence';
import { freePort, freshTestBackends, startService, type RunningService, type TestDatabase } from '@skyport/dev-stack';

/**
 * A SkyPilot `~/.sky/config.yaml` full of keys Skyport does not act on, brought as it is: the services start on
 * it (the optimizer warns once), and the built CLI runs `status` with it, saying so in one note line.
 */
const BIN = path.resolve(__dirname, '..', 'bin', 'skyport.js');
const TOKEN = 'skyport-skypilot-config-token-0123456789';

describe('a SkyPilot config.yaml, as it is', () => {
  let db: TestDatabase;
  let api: RunningService;
  let optimizer: RunningService;
  let endpoint = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'skyport-sky-config-'));
  const configFile = path.join(dir, 'config.yaml');
  const taskFile = path.join(dir, 'task.yaml');

  function skyport(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: dir, SKYPORT_CONFIG: configFile, SKYPORT_API_URL: endpoint, SKYPORT_TOKEN: TOKEN, NO_COLOR: '1', ...env }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  before(async () => {
    writeFileSync(configFile, SKYPILOT_REFERENCE_CONFIG);
    writeFileSync(taskFile, 'name: hello\nresources:\n  cpus: 1+\nrun: echo hello\n');
    const backends = await freshTestBackends('skycfg', runMigrations);
    db = backends.db;
    const common = {
      SKYPORT_DATABASE_URL: db.url,
      SKYPORT_REDIS_URL: backends.redisUrl,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_CONFIG: configFile,
      SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_LOGS_GRPC: `127.0.0.1:${await freePort()}`,
    };
    optimizer = await startService('optimizer', { ...common, SKYPORT_ENABLED_CLOUDS: 'aws', SKYPORT_ALLOWED_CONTEXTS: 'ctx-test' }, 120_000);
    api = await startService('api', { ...common, SKYPORT_BOOTSTRAP_TOKEN: TOKEN, SKYPORT_OUTBOX_RELAY: 'off' }, 120_000);
    endpoint = `http://127.0.0.1:${api.healthPort}`;
  });

  after(async () => {
    await api?.stop();
    await optimizer?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the services start on it; the optimizer warns once, naming the ignored keys', () => {
    const warnings = optimizer.output().split('\n').filter((l) => l.includes('Skyport does not act on'));
    assert.equal(warnings.length, 1, optimizer.output());
    assert.match(warnings[0], /kubernetes\.remote_identity/);
    assert.match(warnings[0], /jobs\.controller/);
  });

  it('status works and prints the ignored-keys note once', async () => {
    const run = await skyport(['status']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /No clusters/);
    const notes = run.stderr.split('\n').filter((l) => l.startsWith('Note: '));
    assert.equal(notes.length, 1, run.stderr);
    assert.match(notes[0], /config\.yaml: ignoring \d+ keys Skyport does not act on: .*kubernetes\.remote_identity.*jobs\.controller|jobs\.controller.*kubernetes\.remote_identity/);
    assert.match(notes[0], /kubernetes\.context_configs\.context-a\.ports: nodeport/);
    assert.match(notes[0], /SKYPORT_CONFIG_NOTES=off hides this/);
  });

  it('SKYPORT_CONFIG_NOTES=off hides the note; -o json stays clean', async () => {
    const run = await skyport(['status', '-o', 'json'], { SKYPORT_CONFIG_NOTES: 'off' });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), []);
    assert.doesNotMatch(run.stderr, /Note:/);
  });

  it('--config lays settings over it; a launch names the keys only the server reads', async () => {
    const run = await skyport(['--config', 'kubernetes.provision_timeout=120', 'launch', '--dryrun', '-c', 'sky-plan', '-o', 'json', taskFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { cluster: string }).cluster, 'sky-plan');
    assert.match(run.stderr, /^Note: your config: .*kubernetes\.pod_config.*kubernetes\.allowed_contexts.*kubernetes\.pricing.*: server-side only, ignored here/m);
    const bad = await skyport(['status', '--config', 'kubernetes.provision_timeout=soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--config kubernetes\.provision_timeout=soon:\n {2}- kubernetes\.provision_timeout: expected seconds/);
  });
});
