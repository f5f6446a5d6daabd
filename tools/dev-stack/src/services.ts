import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { livePid } from './pid-file';
import { join } from 'node:path';
import { withGrpcTls } from './grpc-certs';
import { repoRoot, stackDir } from './paths';
import type { SkyportService } from './service-process';
import { stackSecretsKey } from './secrets-key';

export const ALL_SERVICES: SkyportService[] = ['api', 'optimizer', 'provisioner', 'logs', 'autodown'];

/**
 * Fixed ports of the quick start's services, below Linux's ephemeral range (32768–60999 by default) so that no
 * kernel-chosen source port can hold them. SKYPORT_API_PORT and SKYPORT_STACK_<SERVICE>_HEALTH_PORT move them.
 */
const HEALTH_PORTS: Record<SkyportService, number> = {
  api: Number(process.env.SKYPORT_API_PORT || 26580),
  optimizer: Number(process.env.SKYPORT_STACK_OPTIMIZER_HEALTH_PORT || 26591),
  provisioner: Number(process.env.SKYPORT_STACK_PROVISIONER_HEALTH_PORT || 26592),
  logs: Number(process.env.SKYPORT_STACK_LOGS_HEALTH_PORT || 26593),
  autodown: Number(process.env.SKYPORT_STACK_AUTODOWN_HEALTH_PORT || 26594),
};

function pidFile(name: SkyportService): string {
  return join(stackDir(), 'services', `${name}.pid`);
}


export function servicePid(name: SkyportService): number | undefined {
  return livePid(pidFile(name));
}

/**
 * Starts every Skyport service in the background (the quick start's control plane), each with its log under
 * .skyport/stack/services/, and waits until all are healthy. Already running services are left alone.
 */
export async function servicesUp(env: Record<string, string | undefined>, log: (line: string) => void): Promise<void> {
  const dir = join(stackDir(), 'services');
  mkdirSync(dir, { recursive: true });
  for (const name of ALL_SERVICES) {
    if (servicePid(name)) continue;
    const out = openSync(join(dir, `${name}.log`), 'a');
    const child = spawn(process.execPath, ['--enable-source-maps', join(repoRoot(), 'apps', name, 'dist', 'main.js')], {
      env: { SKYPORT_SECRETS_KEY: stackSecretsKey(), ...process.env, ...withGrpcTls(name, env), SKYPORT_HEALTH_PORT: String(HEALTH_PORTS[name]), SKYPORT_API_PORT: String(HEALTH_PORTS.api) } as NodeJS.ProcessEnv,
      stdio: ['ignore', out, out],
      detached: true,
    });
    closeSync(out);
    child.unref();
    writeFileSync(pidFile(name), String(child.pid));
  }
  for (const name of ALL_SERVICES) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${HEALTH_PORTS[name]}/healthz`)).ok) break;
      } catch {
        // starting
      }
      if (!servicePid(name)) throw new Error(`${name} exited during start; see ${join(dir, `${name}.log`)}`);
      if (Date.now() > deadline) throw new Error(`${name} did not become healthy in 60 s; see ${join(dir, `${name}.log`)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    log(`${name.padEnd(11)} healthy (http://127.0.0.1:${HEALTH_PORTS[name]}/healthz)`);
  }
}

/** Stops the background services gracefully (SIGTERM, then SIGKILL after 15 s). */
export async function servicesDown(): Promise<void> {
  for (const name of ALL_SERVICES) {
    const pid = servicePid(name);
    if (pid) process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + 15_000;
  for (const name of ALL_SERVICES) {
    let pid = servicePid(name);
    while (pid && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      pid = servicePid(name);
    }
    if (pid) process.kill(pid, 'SIGKILL');
    rmSync(pidFile(name), { force: true });
  }
}

export const API_URL = `http://127.0.0.1:${HEALTH_PORTS.api}`;
