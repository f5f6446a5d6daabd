import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What a service needs to reach the cloud VMs the provisioner launched: the key directory the provisioner keeps
 * its key in, and the test-only address override (with the EC2 endpoint it is checked against). Spread into a
 * service's config schema; the provisioner reads the same variables, so one environment serves every service.
 */
export const vmSshConfigShape = {
  /** Where Skyport's SSH key for its VMs lives (the provisioner creates it; other services only read it). */
  SKYPORT_CLOUD_KEY_DIR: z.string().min(1).default(join(homedir(), '.skyport', 'ssh')),
  /** An EC2-compatible endpoint instead of AWS's (tests: moto on 127.0.0.1); here only to guard the override. */
  SKYPORT_AWS_ENDPOINT: z.string().url().optional(),
  /** TEST ONLY: `127.0.0.1:<port>`, a local sshd standing in for every VM (see test/cloud/README.md). */
  SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: z.string().optional(),
};

export type VmSshConfig = { SKYPORT_CLOUD_KEY_DIR: string; SKYPORT_AWS_ENDPOINT?: string; SKYPORT_TEST_SSH_ADDRESS_OVERRIDE?: string };

export interface SshAddressOverride {
  host: string;
  port: number;
}

export interface VmSshSettings {
  keyDir: string;
  override?: SshAddressOverride;
}


/**
 * The checked settings. The override is honoured only as a loopback host:port together with a loopback EC2
 * endpoint (an emulator), so it can never redirect connections meant for real instances. A bad value is thrown as
 * `configError(one line naming the variable)`: services pass their ConfigError, checked at boot.
 */
export function vmSshSettings(config: VmSshConfig, service: string, configError: (line: string) => Error = (line) => new Error(line)): VmSshSettings {
  const raw = config.SKYPORT_TEST_SSH_ADDRESS_OVERRIDE?.trim();
  if (!raw) return { keyDir: config.SKYPORT_CLOUD_KEY_DIR };
  const name = 'SKYPORT_TEST_SSH_ADDRESS_OVERRIDE';
  if (!isLoopbackUrl(config.SKYPORT_AWS_ENDPOINT)) {
    throw configError(
      `${service}: configuration error: ${name} is a test-only setting and needs SKYPORT_AWS_ENDPOINT on 127.0.0.1 (a local EC2 emulator such as moto); unset it`,
    );
  }
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !isLoopbackHost(m[1]!) || port < 1 || port > 65535) {
    throw configError(`${service}: configuration error: ${name} is invalid (expected 127.0.0.1:<port>, got '${raw}')`);
  }
  return { keyDir: config.SKYPORT_CLOUD_KEY_DIR, override: { host: m[1]!.replace(/^\[|\]$/g, ''), port } };
}

// Here rather than imported from @skyport/cloud-aws, so the api and logs services do not load the EC2 SDK.
function isLoopbackUrl(url: string | undefined): boolean {
  try {
    return !!url && isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
