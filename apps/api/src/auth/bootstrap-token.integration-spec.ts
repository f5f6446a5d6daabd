import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '@skyport/persistence';
import { freshTestBackends, startService, type RunningService, type TestDatabase } from '@skyport/dev-stack';

const CHOSEN = 'skp_from_a_mounted_secret_0123456789abcdef';

/** The api on a fresh database, its bootstrap token settings only from `env` (none of the harness's fixed token). */
async function firstStart(label: string, env: Record<string, string>, dropLater: (db: TestDatabase) => void): Promise<RunningService> {
  const { db, redisUrl } = await freshTestBackends(label, runMigrations);
  dropLater(db);
  return await startService('api', {
    SKYPORT_DATABASE_URL: db.url,
    SKYPORT_REDIS_URL: redisUrl,
    SKYPORT_LOG_LEVEL: 'info',
    SKYPORT_BOOTSTRAP_TOKEN: undefined,
    SKYPORT_PROVISIONER_GRPC: '127.0.0.1:1',
    SKYPORT_OPTIMIZER_GRPC: '127.0.0.1:1',
    ...env,
  }, 90_000);
}

async function whoAmI(api: RunningService, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${api.healthPort}/v1/info`, { headers: { authorization: `Bearer ${token}` } });
  await res.text();
  return res.status;
}

/** The bootstrap log line (pino JSON) once it is there: the admin is made during start-up. */
async function bootstrapOutput(api: RunningService): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!/bootstrap admin created/.test(api.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return api.output();
}

describe('first login: the bootstrap admin token from a file, as a Kubernetes Secret or a compose volume provides it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyport-bootstrap-it-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  const dropLater = (db: TestDatabase) => cleanups.push(() => db.drop());
  after(async () => {
    for (const c of cleanups) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a read-only token file (mounted Secret) is the admin token, and the token never reaches the output', async () => {
    const file = join(dir, 'secret', 'token');
    const secretDir = join(dir, 'secret');
    rmSync(secretDir, { recursive: true, force: true });
    mkdirSync(secretDir);
    writeFileSync(file, `${CHOSEN}\n`, { mode: 0o440 });
    chmodSync(secretDir, 0o555); // as a Secret volume: nothing can be written next to it
    const api = await firstStart('api_boot_file', { SKYPORT_BOOTSTRAP_TOKEN_FILE: file }, dropLater);
    cleanups.unshift(() => api.stop(), async () => chmodSync(secretDir, 0o755));
    const output = await bootstrapOutput(api);
    assert.equal(await whoAmI(api, CHOSEN), 200);
    assert.equal(await whoAmI(api, 'skp_not_the_token_00000000000000000'), 401);
    assert.ok(!output.includes(CHOSEN), 'the chosen token is never printed');
    assert.match(output, /bootstrap admin created with the chosen token/);
    assert.equal(readFileSync(file, 'utf8'), `${CHOSEN}\n`, 'the file is left as it was');
  });

  it('no file yet (a fresh volume): the api makes the token, writes it there (0600) and prints only where it is', async () => {
    const file = join(dir, 'volume', 'admin-token');
    const api = await firstStart('api_boot_volume', { SKYPORT_BOOTSTRAP_TOKEN_FILE: file }, dropLater);
    cleanups.unshift(() => api.stop());
    const output = await bootstrapOutput(api);
    const token = readFileSync(file, 'utf8').trim();
    assert.match(token, /^skp_/);
    assert.equal(await whoAmI(api, token), 200);
    assert.ok(!output.includes(token), 'the token stays in the file');
    assert.ok(output.includes(`The bootstrap admin token is in ${file}`));
  });

  it('a token file without a usable token stops the start with a line naming the file', async () => {
    const file = join(dir, 'bad-token');
    writeFileSync(file, 'short\n');
    await assert.rejects(firstStart('api_boot_bad', { SKYPORT_BOOTSTRAP_TOKEN_FILE: file }, dropLater), (e: Error) => {
      assert.match(e.message, /exited with 2/);
      assert.match(e.message, new RegExp(`SKYPORT_BOOTSTRAP_TOKEN_FILE ${file} holds no usable token`));
      assert.ok(!/\n\s+at /.test(e.message), 'no stack trace');
      return true;
    });
  });
});
