import { AssumeRoleCommand, GetFederationTokenCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { VmMountSettings } from './s3.config';

/** Keys a VM mounts one bucket (prefix) with: temporary, and allowed nothing beyond that bucket and prefix. */
export interface ScopedS3Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: Date;
}

export interface ScopedMount {
  bucket: string;
  prefix: string;
  readOnly: boolean;
}

/**
 * The session policy of one mount. STS grants the intersection of it and what the server's own credentials may do,
 * so the VM (which runs user code) holds keys for this bucket and prefix only — never the server's keys.
 */
export function mountSessionPolicy(m: ScopedMount): string {
  const bucketArn = `arn:aws:s3:::${m.bucket}`;
  const keys = m.prefix ? `${bucketArn}/${m.prefix}/*` : `${bucketArn}/*`;
  const list: Record<string, unknown> = { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucketArn };
  // rclone lists `prefix/`; the bare prefix is there for the directory itself.
  if (m.prefix) list.Condition = { StringLike: { 's3:prefix': [m.prefix, `${m.prefix}/*`] } };
  const bucketWide = ['s3:GetBucketLocation', ...(m.readOnly ? [] : ['s3:ListBucketMultipartUploads'])];
  const objects = m.readOnly ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [list, { Effect: 'Allow', Action: bucketWide, Resource: bucketArn }, { Effect: 'Allow', Action: objects, Resource: keys }],
  });
}

/**
 * Mints each mount's keys with STS, from the server's S3 credentials: AssumeRole of the admin's role when one is set
 * (works from role credentials, e.g. a workload identity), else GetFederationToken (needs an IAM user's keys).
 */
export class ScopedS3Credentials {
  private readonly sts: STSClient;

  constructor(
    client: S3ClientConfig,
    private readonly settings: VmMountSettings,
  ) {
    this.sts = new STSClient({
      region: typeof client.region === 'string' ? client.region : 'us-east-1',
      credentials: client.credentials,
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000 },
      ...(settings.stsEndpoint ? { endpoint: settings.stsEndpoint } : {}),
    });
  }

  get lifetimeSeconds(): number {
    return this.settings.seconds;
  }

  async mint(m: ScopedMount, who: { clusterName: string; label: string }): Promise<ScopedS3Keys> {
    const Policy = mountSessionPolicy(m);
    const DurationSeconds = this.settings.seconds;
    // CloudTrail shows this name: the cluster, within STS's 2-32 characters of [\w+=,.@-].
    const name = `sky-${who.clusterName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 32);
    let creds: Credentials | undefined;
    try {
      creds = this.settings.roleArn
        ? (await this.sts.send(new AssumeRoleCommand({ RoleArn: this.settings.roleArn, RoleSessionName: name, Policy, DurationSeconds }))).Credentials
        : (await this.sts.send(new GetFederationTokenCommand({ Name: name, Policy, DurationSeconds }))).Credentials;
    } catch (err) {
      const e = err as { name?: string; message?: string };
      throw new SkyportError(
        ErrorCode.ProviderUnavailable,
        `file_mounts '${who.label}' (s3://${m.bucket}${m.prefix ? `/${m.prefix}` : ''}): minting temporary S3 keys for the VM failed at ${this.settings.stsEndpoint ?? "AWS's STS"} (SKYPORT_S3_STS_ENDPOINT): ${e.name ?? 'Error'}: ${e.message ?? String(err)}; ` +
          `the server's S3 credentials need ${this.settings.roleArn ? `sts:AssumeRole on ${this.settings.roleArn}` : 'sts:GetFederationToken (IAM user keys), or set SKYPORT_S3_VM_MOUNT_ROLE_ARN'}, or use mode: COPY`,
        // Every cloud candidate would fail the same way; a Kubernetes one (the mount driver) may not.
        { kind: 'mount-credentials', scope: 'cloud', provider: 'aws' },
      );
    }
    if (!creds?.AccessKeyId || !creds.SecretAccessKey || !creds.SessionToken) {
      throw new SkyportError(ErrorCode.ProviderUnavailable, `file_mounts '${who.label}': STS answered without temporary keys`, { kind: 'mount-credentials', scope: 'cloud', provider: 'aws' });
    }
    return {
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      sessionToken: creds.SessionToken,
      expiresAt: creds.Expiration ?? new Date(Date.now() + DurationSeconds * 1000),
    };
  }

  destroy(): void {
    this.sts.destroy();
  }
}
