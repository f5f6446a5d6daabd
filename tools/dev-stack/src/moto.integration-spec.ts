import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motoAnswers, motoRunning, startMoto, stopMoto } from './moto';
import { which } from './run';
import { freePort } from './service-process';

/**
 * The quick start's S3 (`npm run stack -- up`): moto started on a port of its own with its state in the stack's
 * directory, answering S3, stopped by `down`; without moto or pip the stack still comes up, saying why buckets are
 * off. Ports and directories of its own, so neither the lead's stack nor the tests' moto (26450) is touched.
 */
describe("the local stack's S3 (moto)", { skip: which('moto_server') || which('pip3') ? false : 'moto is not installed here' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyport-stack-moto-'));
  after(() => {
    stopMoto(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  test('starts moto on 127.0.0.1, answers S3, a second start is a no-op, down stops it', async () => {
    const port = await freePort();
    const s3 = startMoto(dir, port, () => undefined);
    assert.deepEqual(s3, { endpoint: `http://127.0.0.1:${port}` });
    assert.ok(motoRunning(dir, port));
    // An S3 call as the services make them (moto takes any keys; path-style URLs).
    const made = await fetch(`http://127.0.0.1:${port}/stack-bucket`, { method: 'PUT' });
    assert.equal(made.status, 200, await made.text());
    assert.deepEqual(startMoto(dir, port, () => undefined), s3);
    stopMoto(dir);
    const deadline = Date.now() + 30_000;
    while (motoAnswers(port)) {
      assert.ok(Date.now() < deadline, 'moto stopped within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(!motoRunning(dir, port));
  });

  test('without moto and pip: no endpoint, and the reason', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'skyport-stack-nomoto-'));
    const path = process.env.PATH;
    try {
      for (const tool of ['sh', 'curl']) symlinkSync(which(tool)!, join(bin, tool));
      process.env.PATH = bin;
      const s3 = startMoto(join(dir, 'off'), await freePort(), () => undefined);
      assert.deepEqual(s3, { off: "moto is not installed and there is no pip (install Python 3's pip, then: pip install 'moto[server]')" });
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
