import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  /** The user the tests log in as: whoever runs the tests (sshd run unprivileged can only admit itself). */
  username: string;
  /** `SHA256:...` of the generated host key. */
  hostKeyFingerprint: string;
  dir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
    });
    s.setTimeout(1_000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
  });
}

/** Installs Debian's openssh-server when missing and we may (root with apt-get); otherwise says what to install. */
export function ensureSshdInstalled(): void {
  if (existsSync(SSHD)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) throw new Error(`SSH tests need ${SSHD}: install Debian's openssh-server (sudo apt-get install -y openssh-server)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-qq', 'openssh-server'], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env });
    r = spawnSync('apt-get', ['install', '-y', '-qq', 'openssh-server'], { env, encoding: 'utf8' });
  }
  if (!existsSync(SSHD)) throw new Error(`apt-get install openssh-server failed: ${String(r.stderr).trim().split('\n').slice(-2).join(' ')}`);
}

/**
 * A real OpenSSH server for one test suite: listening on 127.0.0.1 only, on a free port, in the foreground as a
 * child of the test (`sshd -D -e`), with a fresh host key and exactly the given authorized keys. It stands in
 * for a cloud VM: the provider's test-only address override sends SSH here instead of to the (fake) addresses
 * moto hands out.
 */
export async function startTestSshd(authorizedKeys: readonly string[]): Promise<TestSshd> {
  ensureSshdInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'skyport-sshd-'));
  chmodSync(dir, 0o755);
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'skyport-test-host', '-f', hostKey], { encoding: 'utf8' });
  if (keygen.status !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr}`);
  const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).stdout.split(/\s+/)[1] ?? '';
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, `${authorizedKeys.map((k) => k.trim()).join('\n')}\n`, { mode: 0o600 });
  // Privilege separation needs this directory when sshd runs as root.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'ListenAddress 127.0.0.1',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'PrintMotd no',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  const username = userInfo().username;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config, '-p', String(port), '-o', 'ListenAddress=127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const deadline = Date.now() + 10_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await answers(port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) {
      child.kill('SIGTERM');
      if (/Address already in use/.test(stderr)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${stderr.trim() || 'no output'}`);
    }
    return {
      host: '127.0.0.1',
      port,
      username,
      hostKeyFingerprint: fp,
      dir,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error('sshd: no free port after 3 tries');
}

