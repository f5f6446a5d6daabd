import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@skyport/dev-stack';

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
