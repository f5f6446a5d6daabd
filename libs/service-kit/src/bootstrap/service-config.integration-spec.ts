import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, repoRoot, testEnv, testRedisUrl } from '@skyport/dev-stack';

describe('services refuse bad configuration', () => {
  for (const service of ['api', 'optimizer', 'provisioner', 'logs', 'autodown']) {
    it(`${service}: a missing or invalid variable exits 2 with one line naming it`, () => {
      const result = spawnSync(process.execPath, [join(repoRoot(), 'apps', service, 'dist', 'main.js')], {
        env: { PATH: process.env.PATH ?? '', SKYPORT_REDIS_URL: 'not-a-url' },
        encoding: 'utf8',
        timeout: 90_000,
      });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /SKYPORT_DATABASE_URL is required/);
      assert.match(result.stderr, /SKYPORT_REDIS_URL is invalid/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});

describe('gRPC security and ports at boot', () => {
  const run = (service: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [join(repoRoot(), 'apps', service, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', SKYPORT_DATABASE_URL: testEnv().databaseUrl, SKYPORT_REDIS_URL: testRedisUrl(), SKYPORT_LOG_LEVEL: 'error', ...env },
      encoding: 'utf8',
      timeout: 90_000,
    });

  for (const service of ['api', 'optimizer', 'provisioner', 'logs']) {
    it(`${service}: in production, missing TLS files exit 2 naming them; SKYPORT_GRPC_INSECURE=1 is refused there`, () => {
      const missing = run(service, { NODE_ENV: 'production' });
      assert.equal(missing.status, 2, missing.stderr);
      assert.match(missing.stderr, new RegExp(`^skyport-${service}: configuration error: SKYPORT_GRPC_TLS_CA, SKYPORT_GRPC_TLS_CERT, SKYPORT_GRPC_TLS_KEY are required`, 'm'));
      const insecure = run(service, { NODE_ENV: 'production', SKYPORT_GRPC_INSECURE: '1' });
      assert.equal(insecure.status, 2, insecure.stderr);
      assert.match(insecure.stderr, /SKYPORT_GRPC_INSECURE=1 is refused when NODE_ENV=production/);
      assert.doesNotMatch(missing.stderr + insecure.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('a worker whose port is taken says which port, who holds it and what moves it, in one line; exit 2', async () => {
    // A database with the schema in place: a service waits for its migrations before it listens.
    const db = await createTestDatabase('port_taken');
    const migrated = spawnSync(process.execPath, [join(repoRoot(), 'libs', 'persistence', 'dist', 'cli', 'migrate.js'), 'run', db.url], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(migrated.status, 0, migrated.stderr);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [join(repoRoot(), 'apps', 'optimizer', 'dist', 'main.js')], {
          env: {
            PATH: process.env.PATH ?? '',
            SKYPORT_DATABASE_URL: db.url,
            SKYPORT_REDIS_URL: testRedisUrl(),
            SKYPORT_LOG_LEVEL: 'error',
            SKYPORT_GRPC_INSECURE: '1',
            SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${port}`,
            SKYPORT_PROVISIONER_GRPC: '127.0.0.1:1',
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
        child.on('exit', (status) => {
          clearTimeout(timer);
          resolve({ status, stderr });
        });
      });
      assert.equal(result.status, 2, result.stderr);
      // Exactly one line on stderr (grpc-js's own log goes to the service's logger on stdout).
      assert.deepEqual(result.stderr.trim().split('\n'), [`skyport-optimizer: cannot listen: port ${port} on 127.0.0.1 is in use by pid ${process.pid} (${processName()}); set SKYPORT_OPTIMIZER_GRPC to move it`]);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      blocker.close();
      await db.drop();
    }
  });
});

function processName(): string {
  return readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
}
