import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { ProvisionerRpc } from '@skyport/contracts';

/** The clouds Skyport can launch VMs on; the catalog's others are planning candidates only. */
const LAUNCHABLE = ['aws'] as const;

export interface CloudStatusInputs {
  /** SKYPORT_CLOUD_PROVIDERS. */
  providers: readonly string[];
  /** SKYPORT_AWS_ENDPOINT (a local EC2 emulator in tests). */
  awsEndpoint?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Where the AWS SDK's default chain would find credentials, read from the environment and files only. The chain's
 * last resort, the EC2 instance role, is not probed: that would be a request to the metadata address.
 */
export function awsCredentialSource(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_ACCESS_KEY_ID?.trim() && env.AWS_SECRET_ACCESS_KEY?.trim()) return 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim() && env.AWS_ROLE_ARN?.trim()) return `web identity (AWS_ROLE_ARN ${env.AWS_ROLE_ARN})`;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI?.trim() || env.AWS_CONTAINER_CREDENTIALS_FULL_URI?.trim()) return 'the container credentials endpoint';
  const home = env.HOME?.trim() || homedir();
  const profile = env.AWS_PROFILE?.trim() || 'default';
  const files = [env.AWS_SHARED_CREDENTIALS_FILE?.trim() || path.join(home, '.aws', 'credentials'), env.AWS_CONFIG_FILE?.trim() || path.join(home, '.aws', 'config')];
  const found = files.find((f) => existsSync(f));
  return found ? `profile '${profile}' from ${found}` : undefined;
}

/** Per cloud of the catalog: can Skyport launch there, and why (not). */
export function cloudStatuses(clouds: readonly string[], inputs: CloudStatusInputs): ProvisionerRpc.CloudStatus[] {
  return clouds.map((cloud) => {
    if (!(LAUNCHABLE as readonly string[]).includes(cloud)) {
      return { cloud, enabled: false, reason: 'catalog only: Skyport cannot launch VMs on this cloud (its offers are shown, never chosen)' };
    }
    if (!inputs.providers.includes(cloud)) {
      return { cloud, enabled: false, reason: `SKYPORT_CLOUD_PROVIDERS of the provisioner does not list ${cloud}: set SKYPORT_CLOUD_PROVIDERS=${cloud} to burst there` };
    }
    const source = awsCredentialSource(inputs.env);
    const where = inputs.awsEndpoint ? ` (EC2 endpoint ${inputs.awsEndpoint})` : '';
    return source
      ? { cloud, enabled: true, reason: `credentials: ${source}${where}` }
      : {
          cloud,
          enabled: false,
          reason: `no credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE with ~/.aws/credentials) for the provisioner${where}; an EC2 instance role is not probed`,
        };
  });
}
