import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AwsProviderOptions } from '../config/aws-provider.options';

/** This file runs as libs/cloud-aws/dist/testing/moto.js. */
function motoScript(): string {
  const script = resolve(__dirname, '..', '..', '..', '..', 'test', 'cloud', 'moto.sh');
  if (!existsSync(script)) throw new Error(`cannot find ${script}; run the tests from a Skyport checkout`);
  return script;
}

let cached: string | undefined;

/**
 * The moto EC2 endpoint for tests: SKYPORT_TEST_AWS_ENDPOINT when scripts/test.sh exported it, otherwise
 * `bash test/cloud/moto.sh up` (idempotent: installs moto[server] when missing, starts it on 127.0.0.1).
 */
export function testAwsEndpoint(): string {
  if (cached) return cached;
  const fromEnv = process.env.SKYPORT_TEST_AWS_ENDPOINT;
  if (fromEnv) return (cached = fromEnv);
  const out = execFileSync('bash', [motoScript(), 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  const m = /SKYPORT_TEST_AWS_ENDPOINT=(\S+)/.exec(out);
  if (!m) throw new Error(`test/cloud/moto.sh up printed no endpoint: ${out}`);
  return (cached = m[1]!);
}

/** Provider options aimed at moto: fake static credentials (moto accepts any), fast polling. */
export function motoProviderOptions(overrides: Partial<AwsProviderOptions> = {}): AwsProviderOptions {
  return {
    endpoint: testAwsEndpoint(),
    credentials: { accessKeyId: 'skyport-test', secretAccessKey: 'skyport-test' },
    pollIntervalMs: 50,
    runningTimeoutMs: 20_000,
    maxAttempts: 1,
    ...overrides,
  };
}

/**
 * Turns moto's IAM checks on (every request must carry credentials moto knows; unknown keys get AuthFailure) or
 * back off. Server-wide: a suite that turns it on turns it off in `finally`.
 */
export async function setMotoAuth(endpoint: string, enforce: boolean): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: enforce ? '0' : 'inf' });
  if (!res.ok) throw new Error(`moto reset-auth answered ${res.status}`);
}
