import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, run, which } from './run';

export function redisUrl(port: number): string {
  return `redis://127.0.0.1:${port}`;
}

function ping(port: number): boolean {
  const cli = which('redis-cli');
  if (!cli) return false;
  return run(cli, ['-h', '127.0.0.1', '-p', String(port), 'ping']).stdout.trim() === 'PONG';
}

export function startRedis(dir: string, port: number): { url: string } {
  if (!which('redis-server')) aptInstall(['redis-server'], 'Redis is needed for the local stack');
  const redisDir = join(dir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  if (!ping(port)) {
    const r = run('redis-server', [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--protected-mode', 'yes',
      '--dir', redisDir,
      '--daemonize', 'yes',
      '--pidfile', join(redisDir, 'redis.pid'),
      '--logfile', join(redisDir, 'redis.log'),
      '--appendonly', 'yes',
      '--save', '',
      '--maxmemory-policy', 'noeviction',
    ]);
    if (r.status !== 0) throw new Error(`redis-server did not start: ${r.stderr.trim()}`);
    const deadline = Date.now() + 10_000;
    while (!ping(port)) {
      if (Date.now() > deadline) throw new Error(`Redis did not answer on 127.0.0.1:${port}; see ${join(redisDir, 'redis.log')}`);
      run('sleep', ['0.1']);
    }
  }
  return { url: redisUrl(port) };
}

export function stopRedis(dir: string, port: number): void {
  if (ping(port)) run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave']);
  const pidFile = join(dir, 'redis', 'redis.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0) run('kill', [String(pid)]);
  }
}

export function redisRunning(port: number): boolean {
  return ping(port);
}
