import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { utils } from 'ssh2';
import { isSkyportError } from '@skyport/contracts';
import { startTestSshd, type TestSshd } from '../testing/test-sshd';
import { SshConnection, type SshTarget } from './ssh-connection';
import { sshErrorKind } from './ssh-errors';

// A real OpenSSH server on 127.0.0.1 (Debian's openssh-server), started for this suite.
describe('SshConnection against a local sshd', () => {
  // ssh2 drops a leading zero byte of about one ed25519 key in 256, and OpenSSH refuses the 31-byte key: retried.
  const wholeKey = (comment?: string) => {
    for (;;) {
      const k = utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
      if (Buffer.from(k.public.trim().split(/\s+/)[1] ?? '', 'base64').length === 51) return k;
    }
  };
  const key = wholeKey('skyport-test');
  const stranger = wholeKey();
  let sshd: TestSshd;
  let target: SshTarget;
  let conn: SshConnection;
  let scratch: string;

  before(async () => {
    sshd = await startTestSshd([key.public]);
    target = { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: key.private, label: 'test vm' };
    conn = await SshConnection.connect(target);
    scratch = mkdtempSync(join(tmpdir(), 'skyport-ssh-it-'));
  });
  after(async () => {
    conn?.close();
    await sshd?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('the host key seen is the server\'s, and pinning it works', async () => {
    assert.equal(conn.hostKeyFingerprint, sshd.hostKeyFingerprint);
    const pinned = await SshConnection.connect({ ...target, hostKeyFingerprint: sshd.hostKeyFingerprint });
    pinned.close();
  });

  test('exec runs an argv exactly, with exit codes and both streams', async () => {
    const res = await conn.execCollect(['sh', '-c', 'printf "%s|" "$@"; echo oops >&2; exit 3', 'sh', 'a b', "it's", '$HOME']);
    assert.deepEqual(res, { exitCode: 3, stdout: "a b|it's|$HOME|", stderr: 'oops\n' });
  });

  test('stdin is piped, streams flow as they come', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (d: Buffer) => chunks.push(d.toString()));
    const res = await conn.exec(['sh', '-c', 'cat; echo done'], { stdout: out, stdin: 'hello\n' });
    assert.equal(res.exitCode, 0);
    assert.equal(chunks.join(''), 'hello\ndone\n');
  });

  test('a session keeps stdin open, gives a terminal when asked, resizes it and ends with the exit code', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 50 && !re.test(text); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(text, re);
    };
    const shell = await conn.openSession(['sh'], { tty: true, stdout: out, cols: 100, rows: 30 });
    shell.stdin.write('tty; stty size\n');
    await waitFor(/\/dev\/pts\/[\s\S]*30 100/);
    shell.resize(120, 40);
    shell.stdin.write('stty size; exit 4\n');
    assert.equal(await shell.done, 4);
    assert.match(text, /40 120/);

    const piped = new PassThrough();
    const errs = new PassThrough();
    let got = '';
    let err = '';
    piped.on('data', (d: Buffer) => (got += d.toString()));
    errs.on('data', (d: Buffer) => (err += d.toString()));
    const cat = await conn.openSession(['sh', '-c', 'cat; echo bye >&2'], { tty: false, stdout: piped, stderr: errs });
    cat.stdin.end('through stdin\n');
    assert.equal(await cat.done, 0);
    assert.equal(got, 'through stdin\n');
    assert.equal(err, 'bye\n');
  });

  test('writeFile creates directories and writes atomically with the mode', async () => {
    // The sshd's user is this process's user, so its login directory is our home.
    const path = relative(homedir(), join(scratch, 'deep', 'dir', 'run.sh'));
    await conn.writeFile(path, '#!/bin/sh\necho hi\n', 0o755);
    const local = join(scratch, 'deep', 'dir', 'run.sh');
    assert.equal(readFileSync(local, 'utf8'), '#!/bin/sh\necho hi\n');
    const res = await conn.execCollect([path]);
    assert.equal(res.stdout, 'hi\n');
  });

  test('a command past its timeout is abandoned with a typed error', async () => {
    await assert.rejects(conn.exec(['sleep', '5'], {}, { timeoutMs: 300 }), (e: unknown) => isSkyportError(e) && sshErrorKind(e) === 'timeout');
    // The connection stays usable.
    assert.equal((await conn.execCollect(['true'])).exitCode, 0);
  });

  test('a key the machine does not know: unauthorized, in plain words', async () => {
    await assert.rejects(SshConnection.connect({ ...target, privateKey: stranger.private }), (e: unknown) => {
      assert.ok(isSkyportError(e));
      assert.equal(sshErrorKind(e), 'unauthorized');
      assert.match(e.userMessage, /did not accept Skyport's key/);
      return true;
    });
  });

  test('a changed host key is refused, never retried', async () => {
    const started = Date.now();
    await assert.rejects(
      SshConnection.connectWithRetry({ ...target, hostKeyFingerprint: 'SHA256:not-the-key' }, { timeoutMs: 5_000, intervalMs: 200 }),
      (e: unknown) => sshErrorKind(e) === 'host-key-mismatch',
    );
    assert.ok(Date.now() - started < 2_000);
  });

  test('nothing listening: unreachable after a bounded retry', async () => {
    const started = Date.now();
    await assert.rejects(SshConnection.connectWithRetry({ ...target, port: 9 }, { timeoutMs: 600, intervalMs: 200 }), (e: unknown) => sshErrorKind(e) === 'unreachable');
    assert.ok(Date.now() - started < 3_000);
  });
});
