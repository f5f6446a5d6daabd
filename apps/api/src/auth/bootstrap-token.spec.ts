import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@skyport/service-kit';
import { chosenBootstrapToken, writeBootstrapToken } from './bootstrap-token';

const TOKEN = 'skp_chosen_by_the_operator_0123456789';

function inTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'skyport-bootstrap-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the bootstrap admin token', () => {
  it('SKYPORT_BOOTSTRAP_TOKEN wins over the file', () => {
    inTempDir((dir) => {
      writeFileSync(join(dir, 'token'), 'skp_from_the_file_000000000000000');
      assert.deepEqual(chosenBootstrapToken({ SKYPORT_BOOTSTRAP_TOKEN: TOKEN, SKYPORT_BOOTSTRAP_TOKEN_FILE: join(dir, 'token') }), { token: TOKEN, from: 'SKYPORT_BOOTSTRAP_TOKEN' });
    });
  });

  it('an existing file (a mounted Secret) is read, trimmed, and never written', () => {
    inTempDir((dir) => {
      const file = join(dir, 'token');
      writeFileSync(file, `${TOKEN}\n`, { mode: 0o400 });
      assert.deepEqual(chosenBootstrapToken({ SKYPORT_BOOTSTRAP_TOKEN_FILE: file }), { token: TOKEN, from: file });
    });
  });

  it('no file: nothing chosen; the made token is written with mode 0600, its directory created', () => {
    inTempDir((dir) => {
      const file = join(dir, 'state', 'admin-token');
      assert.equal(chosenBootstrapToken({ SKYPORT_BOOTSTRAP_TOKEN_FILE: file }), undefined);
      assert.deepEqual(writeBootstrapToken({ SKYPORT_BOOTSTRAP_TOKEN_FILE: file }, TOKEN), { file });
      assert.equal(readFileSync(file, 'utf8'), `${TOKEN}\n`);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      // The next start (a restart with the same volume, before or after the database was wiped) reads it back.
      assert.equal(chosenBootstrapToken({ SKYPORT_BOOTSTRAP_TOKEN_FILE: file })?.token, TOKEN);
    });
  });

  it('a file that cannot be written is reported, not thrown (the caller prints the token once instead)', () => {
    inTempDir((dir) => {
      writeFileSync(join(dir, 'not-a-dir'), '');
      const r = writeBootstrapToken({ SKYPORT_BOOTSTRAP_TOKEN_FILE: join(dir, 'not-a-dir', 'admin-token') }, TOKEN);
      assert.match(r.error ?? '', /ENOTDIR|EEXIST/);
    });
  });

  it('a file without a usable token is a configuration error naming the file, not echoing its content', () => {
    inTempDir((dir) => {
      const file = join(dir, 'token');
      writeFileSync(file, 'has spaces so it is not a token\n');
      assert.throws(
        () => chosenBootstrapToken({ SKYPORT_BOOTSTRAP_TOKEN_FILE: file }),
        (e: unknown) => e instanceof ConfigError && e.message.includes(`SKYPORT_BOOTSTRAP_TOKEN_FILE ${file} holds no usable token`) && !e.message.includes('has spaces'),
      );
      writeFileSync(file, '');
      assert.throws(() => chosenBootstrapToken({ SKYPORT_BOOTSTRAP_TOKEN_FILE: file }), ConfigError);
    });
  });
});
