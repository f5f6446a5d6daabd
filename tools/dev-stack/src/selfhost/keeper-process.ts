import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { livePid, pidAlive } from '../pid-file';
import type { KeeperConfig } from './keeper-config';
import { selfhostFiles } from './settings';

export function keeperPid(): number | undefined {
  return livePid(selfhostFiles.keeperPid());
}

/** (Re)starts the keeper when it is not running or its configuration changed; waits until it listens. */
export async function ensureKeeper(config: KeeperConfig, timeoutMs = 30_000): Promise<void> {
  const configFile = selfhostFiles.keeperConfig();
  const text = `${JSON.stringify(config, null, 2)}\n`;
  const running = keeperPid();
  if (running && existsSync(configFile) && readFileSync(configFile, 'utf8') === text && existsSync(config.readyFile)) return;
  await stopKeeper();
  writeFileSync(configFile, text, { mode: 0o600 });
  rmSync(config.readyFile, { force: true });
  const logFd = openSync(selfhostFiles.keeperLog(), 'a');
  const child = spawn(process.execPath, [join(__dirname, 'keeper.js'), configFile], { detached: true, stdio: ['ignore', logFd, logFd] });
  child.unref();
  writeFileSync(selfhostFiles.keeperPid(), `${child.pid}\n`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(config.readyFile)) {
    if (!child.pid || !pidAlive(child.pid) || Date.now() > deadline) {
      const tail = readFileSync(selfhostFiles.keeperLog(), 'utf8').trim().split('\n').slice(-3).join('\n');
      throw new Error(`the port-forward/relay keeper did not start (log ${selfhostFiles.keeperLog()}):\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stopKeeper(): Promise<void> {
  const pid = keeperPid();
  if (pid) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(selfhostFiles.keeperPid(), { force: true });
  rmSync(selfhostFiles.keeperReady(), { force: true });
}
