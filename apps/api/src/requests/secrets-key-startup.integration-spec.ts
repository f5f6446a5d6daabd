import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { grpcTlsEnv, repoRoot, testEnv, testRedisUrl } from '@skyport/dev-stack';

/** The services that hold the task-secrets key refuse to start without a valid one, naming the variable. */
describe('SKYPORT_SECRETS_KEY at start (api and provisioner processes)', () => {
  const run = (service: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [join(repoRoot(), 'apps', service, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', SKYPORT_DATABASE_URL: testEnv().databaseUrl, SKYPORT_REDIS_URL: testRedisUrl(), SKYPORT_LOG_LEVEL: 'error', ...grpcTlsEnv(service), ...env },
      encoding: 'utf8',
      timeout: 90_000,
    });

  for (const service of ['api', 'provisioner']) {
    it(`${service}: missing in production, or invalid anywhere, exits 2 with one line naming it (never the value)`, () => {
      const missing = run(service, { NODE_ENV: 'production' });
      assert.equal(missing.status, 2, missing.stderr);
      assert.match(missing.stderr, new RegExp(`skyport-${service}: SKYPORT_SECRETS_KEY is not set`));
      const bad = `bad-${randomBytes(4).toString('hex')}`;
      const invalid = run(service, { SKYPORT_SECRETS_KEY: bad });
      assert.equal(invalid.status, 2, invalid.stderr);
      assert.match(invalid.stderr, /SKYPORT_SECRETS_KEY must be 32 random bytes in base64/);
      assert.ok(!invalid.stderr.includes(bad), 'the value is not echoed');
      assert.doesNotMatch(missing.stderr + invalid.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});
