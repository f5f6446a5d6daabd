import { ErrorCode, SkyportError } from '@skyport/contracts';

interface AwsLikeError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * An S3 failure as the user reads it: a missing bucket or access denied is the task's problem (INVALID_TASK: it
 * fails at once, not on every candidate); missing credentials or an unreachable endpoint is the server's.
 */
export function s3Error(err: unknown, what: { label: string; url: string; bucket: string }): SkyportError {
  const e = (err ?? {}) as AwsLikeError;
  const code = e.name ?? e.Code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const at = `file_mounts '${what.label}' (${what.url})`;
  if (code === 'NoSuchBucket' || (status === 404 && code !== 'NoSuchKey')) {
    return new SkyportError(ErrorCode.InvalidTask, `${at}: bucket '${what.bucket}' does not exist on this server's S3 endpoint`, { kind: 'bucket-missing', bucket: what.bucket });
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || status === 403) {
    return new SkyportError(
      ErrorCode.InvalidTask,
      `${at}: access denied to bucket '${what.bucket}' (${code || 'HTTP 403'}): the credentials the Skyport server reads buckets with may not read it; ask your admin to grant s3:ListBucket and s3:GetObject`,
      { kind: 'bucket-access-denied', bucket: what.bucket },
    );
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new SkyportError(
      ErrorCode.ProviderUnavailable,
      `${at}: this Skyport server has no S3 credentials; the admin sets AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or SKYPORT_S3_ACCESS_KEY_ID/SKYPORT_S3_SECRET_ACCESS_KEY) for the provisioner`,
      { kind: 's3-credentials' },
    );
  }
  const named = code && code !== 'Error' ? `${code}: ` : '';
  return new SkyportError(ErrorCode.DependencyUnavailable, `${at}: the S3 endpoint failed (${named}${e.message ?? String(err)})`, { kind: 's3-failed' });
}
