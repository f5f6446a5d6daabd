/**
 * How the AWS provider reaches EC2 and waits for it. Built once by the service's config (`loadConfig`); this lib
 * never reads `process.env` itself.
 */
import type { EC2ClientConfig } from '@aws-sdk/client-ec2';

export interface AwsProviderOptions {
  /**
   * An EC2-compatible endpoint URL instead of AWS's own (`SKYPORT_AWS_ENDPOINT`); tests point it at moto on
   * 127.0.0.1. Absent: the SDK's regional endpoint.
   */
  endpoint?: string;
  /** Static credentials or a provider; absent: the SDK's default chain (env, shared files, SSO, instance role). */
  credentials?: EC2ClientConfig['credentials'];
  /** AMI per region (`aws.image_id`); absent: the newest Canonical Ubuntu server image of the region. */
  imageIds?: Readonly<Record<string, string>>;
  /** The login user of the image (`ubuntu` on Canonical's images). */
  sshUser?: string;
  /** How long to wait for every instance of a launch to be `running`. */
  runningTimeoutMs?: number;
  /** Pause between DescribeInstances polls while waiting. */
  pollIntervalMs?: number;
  /** SDK retries per call (throttling, 5xx). */
  maxAttempts?: number;
}

export const AWS_DEFAULTS = {
  sshUser: 'ubuntu',
  runningTimeoutMs: 5 * 60_000,
  pollIntervalMs: 2_000,
  maxAttempts: 3,
} as const;

/** The tag every Skyport resource carries; teardown finds instances by it. */
export const CLUSTER_TAG = 'skyport-cluster';
export const NODE_RANK_TAG = 'skyport-node-rank';
export const MANAGED_BY_TAG = 'managed-by';
export const MANAGED_BY_VALUE = 'skyport';

/** True for an endpoint on this machine (127.0.0.0/8, localhost, ::1). */
export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return isLoopbackHost(host);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
