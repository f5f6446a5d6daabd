import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@skyport/dev-stack';

/**
 * The SkyPilot API server (`sky api start`) for side-by-side numbers, bound to 127.0.0.1 on a free port, with a
 * HOME of its own whose ~/.sky/config.yaml allows only Kubernetes, usage collection off
 * (SKYPILOT_DISABLE_USAGE_COLLECTION=1), and KUBECONFIG pointing at the local cluster. The `sky` binary comes from
 * SKYPORT_BENCH_SKY, else `sky` on PATH (install: `python3 -m venv /tmp/skyvenv && /tmp/skyvenv/bin/pip install skypilot`).
 */
export interface SkyPilotServer {
  url: string;
  version: string;
  stop: () => Promise<void>;
}

export function findSky(): string | undefined {
  const candidates = [process.env.SKYPORT_BENCH_SKY, ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'sky')), '/tmp/skyvenv/bin/sky'];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

export async function startSkyPilot(kubeconfig: string): Promise<SkyPilotServer> {
  const sky = findSky();
  if (!sky) throw new Error('no `sky` binary: install SkyPilot (`pip install skypilot`) or set SKYPORT_BENCH_SKY');
  const home = mkdtempSync(join(tmpdir(), 'skyport-bench-skypilot-'));
  mkdirSync(join(home, '.sky'), { recursive: true });
  writeFileSync(join(home, '.sky', 'config.yaml'), 'allowed_clouds:\n  - kubernetes\n');
  const port = await freePort();
  const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig, SKYPILOT_DISABLE_USAGE_COLLECTION: '1', SKYPILOT_API_SERVER_LOCAL_PORT: String(port) };
  const child = spawn(sky, ['api', 'start', '--host', '127.0.0.1', '--port', String(port), '--foreground'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  let version = '';
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) {
        const body = (await res.json()) as { status?: string; version?: string };
        if (body.status === 'healthy') {
          version = body.version ?? '';
          break;
        }
      }
    } catch {
      // starting
    }
    if (child.exitCode !== null) throw new Error(`sky api start exited with ${child.exitCode}:\n${output.slice(-2000)}`);
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`the SkyPilot API server was not healthy after 180 s:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    version,
    stop: async () => {
      spawnSync(sky, ['api', 'stop'], { env, stdio: 'ignore', timeout: 60_000 });
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // gone
        }
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * One SkyPilot call the way its client makes it: POST the operation (the server answers at once with a request
 * id in X-Skypilot-Request-ID), then GET /api/get?request_id=... which waits for the result.
 */
export async function skyPilotCall(url: string, path: string, body: unknown): Promise<{ status: string; error?: unknown }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const id = res.headers.get('x-skypilot-request-id');
  const text = await res.text();
  if (!res.ok || !id) throw new Error(`SkyPilot POST ${path} answered ${res.status} without a request id: ${text.slice(0, 500)}`);
  const got = await fetch(`${url}/api/get?request_id=${encodeURIComponent(id)}`);
  const result = (await got.json()) as { status?: string; error?: unknown };
  return { status: result.status ?? `HTTP ${got.status}`, error: result.error ?? undefined };
}
