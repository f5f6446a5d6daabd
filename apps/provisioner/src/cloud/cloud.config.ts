import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsProviderOptions } from '@skyport/cloud-aws';
import { ConfigError, loadConfig, z } from '@skyport/service-kit';
import { vmSshSettings, type SshAddressOverride } from '@skyport/ssh';

const ms = (fallback: number) => z.coerce.number().int().min(10).default(fallback);

/**
 * The cloud part of the provisioner's environment. Spread into the provisioner's schema
 * (`baseConfigSchema.extend({ ...cloudConfigShape })`) or loaded alone with `loadCloudConfig`.
 * AWS credentials are not here: the AWS SDK's default chain reads them (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...).
 */
export const cloudConfigShape = {
  /** `aws` to launch burst VMs on EC2 (needs credentials); empty: cloud candidates are skipped with the reason. */
  SKYPORT_CLOUD_PROVIDERS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
    .refine((list) => list.every((c) => c === 'aws'), 'only `aws` can launch VMs (gcp, azure, ibm and lambda are catalog candidates only)'),
  /** An EC2-compatible endpoint instead of AWS's (tests: moto on 127.0.0.1). */
  SKYPORT_AWS_ENDPOINT: z.string().url().optional(),
  /** AMIs as `region=ami-...` pairs, comma-separated (`*=ami-...` for every region); empty: newest Canonical Ubuntu. */
  SKYPORT_AWS_IMAGE_IDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const out: Record<string, string> = {};
      for (const pair of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
        const [region, ami] = pair.split('=').map((s) => s.trim());
        if (!region || !ami || !/^ami-[0-9a-z]+$/.test(ami)) {
          ctx.addIssue({ code: 'custom', message: `expected region=ami-id pairs, got '${pair}'` });
          return z.NEVER;
        }
        out[region] = ami;
      }
      return out;
    }),
  SKYPORT_AWS_SSH_USER: z.string().min(1).default('ubuntu'),
  /** How long the instances may take to be `running`. */
  SKYPORT_AWS_RUNNING_TIMEOUT_MS: ms(5 * 60_000),
  SKYPORT_AWS_POLL_MS: ms(2_000),
  /** How long, after `running`, every VM may take to accept SSH with Skyport's key. */
  SKYPORT_CLOUD_SSH_TIMEOUT_MS: ms(3 * 60_000),
  /** Where Skyport's SSH key for its VMs lives (created on first use). */
  SKYPORT_CLOUD_KEY_DIR: z.string().min(1).default(join(homedir(), '.skyport', 'ssh')),
  /**
   * TEST ONLY: `127.0.0.1:<port>` — SSH to every VM goes to this local sshd instead of the address the cloud
   * reports. Accepted only together with a loopback SKYPORT_AWS_ENDPOINT (a local EC2 emulator), so it can never
   * redirect connections meant for real instances.
   */
  SKYPORT_TEST_SSH_ADDRESS_OVERRIDE: z.string().optional(),
};

export const cloudConfigSchema = z.object(cloudConfigShape);
export type CloudConfig = z.infer<typeof cloudConfigSchema>;

export type { SshAddressOverride } from '@skyport/ssh';

/**
 * The test-only SSH override, checked: a loopback host:port, and only with a loopback EC2 endpoint. Anything else
 * is a configuration error naming the variable, never silently ignored (nor silently honoured). The same check
 * guards the logs service and the api (libs/ssh `vmSshSettings`).
 */
export function sshAddressOverride(config: Pick<CloudConfig, 'SKYPORT_TEST_SSH_ADDRESS_OVERRIDE' | 'SKYPORT_AWS_ENDPOINT'>): SshAddressOverride | undefined {
  return vmSshSettings({ SKYPORT_CLOUD_KEY_DIR: '', ...config }, 'skyport-provisioner', (line) => new ConfigError([line])).override;
}

export function awsProviderOptions(config: CloudConfig): AwsProviderOptions {
  return {
    endpoint: config.SKYPORT_AWS_ENDPOINT,
    imageIds: config.SKYPORT_AWS_IMAGE_IDS,
    sshUser: config.SKYPORT_AWS_SSH_USER,
    runningTimeoutMs: config.SKYPORT_AWS_RUNNING_TIMEOUT_MS,
    pollIntervalMs: config.SKYPORT_AWS_POLL_MS,
  };
}

export function loadCloudConfig(env: NodeJS.ProcessEnv = process.env): CloudConfig {
  const config = loadConfig('skyport-provisioner', cloudConfigSchema, env);
  sshAddressOverride(config);
  return config;
}
