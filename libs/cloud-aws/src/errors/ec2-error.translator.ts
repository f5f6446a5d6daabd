import { ErrorCode, SkyportError, isSkyportError } from '@skyport/contracts';

/**
 * Why a cloud candidate cannot be used, in `details.kind`, so the failover loop branches without parsing text:
 * - capacity: AWS has no room for this instance type there now (try another zone/region/type);
 * - unsupported: the type or option is not offered there (never retry the same candidate);
 * - quota: the account's limit in the region is reached (skip the region for every type);
 * - auth: credentials missing, rejected or lacking permission (skip AWS altogether);
 * - unreachable: the EC2 endpoint did not answer (skip AWS for this attempt);
 * - unknown: anything else, kept with AWS's code.
 */
export type CloudBlockKind = 'capacity' | 'unsupported' | 'quota' | 'auth' | 'unreachable' | 'unknown';

/** How much of the plan a failure rules out. */
export type CloudBlockScope = 'candidate' | 'region' | 'cloud';

export interface Ec2Operation {
  action: string;
  region: string;
  instanceType?: string;
  spot?: boolean;
  count?: number;
}

export interface CloudBlockDetails {
  provider: 'aws';
  kind: CloudBlockKind;
  scope: CloudBlockScope;
  awsCode?: string;
  region: string;
  instanceType?: string;
  action: string;
  [key: string]: unknown;
}

const CAPACITY = new Set(['InsufficientInstanceCapacity', 'InsufficientHostCapacity', 'InsufficientReservedInstanceCapacity', 'InsufficientCapacity', 'SpotMaxPriceTooLow', 'InsufficientCapacityOnHost']);
const UNSUPPORTED = new Set(['Unsupported', 'UnsupportedOperation', 'InvalidInstanceType', 'InvalidInstanceType.NotFound', 'InvalidParameterCombination', 'UnsupportedInstanceAttribute']);
const QUOTA = new Set(['InstanceLimitExceeded', 'VcpuLimitExceeded', 'MaxSpotInstanceCountExceeded', 'ResourceLimitExceeded', 'InsufficientFreeAddressesInSubnet', 'AddressLimitExceeded']);
const AUTH = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'RequestExpired',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidAccessKeyId',
  'AccessDenied',
  'CredentialsProviderError',
  'Blocked',
  'PendingVerification',
]);
const REGION_AUTH = new Set(['OptInRequired']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'TimeoutError']);

/** The AWS error code of an SDK error (`name`, or `Code` on older shapes). */
export function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: unknown; Code?: unknown; code?: unknown };
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  return typeof e.code === 'string' ? e.code : undefined;
}

function networkCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && typeof cur === 'object' && cur !== null; depth++) {
    const c = cur as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof c.code === 'string' && NETWORK.has(c.code)) return c.code;
    if (typeof c.name === 'string' && NETWORK.has(c.name)) return c.name;
    // AggregateError from happy-eyeballs connects carries the real causes.
    if (Array.isArray(c.errors) && c.errors.length > 0) cur = c.errors[0];
    else cur = c.cause;
  }
  return undefined;
}

function awsMessage(err: unknown): string {
  const m = (err as { message?: unknown }).message;
  // UnauthorizedOperation carries an opaque encoded blob; people cannot act on it.
  return typeof m === 'string' ? m.replace(/Encoded authorization failure message:.*$/s, '').trim().replace(/\.$/, '') : '';
}

function what(op: Ec2Operation): string {
  const type = op.instanceType ? `${op.count && op.count > 1 ? `${op.count} × ` : ''}${op.instanceType}${op.spot ? ' (spot)' : ''}` : 'instances';
  return `${type} in ${op.region}`;
}

/**
 * Translates an EC2 SDK error into a SkyportError whose message a user can act on and whose details say which
 * candidates it rules out. Already-translated errors pass through.
 */
export function translateEc2Error(err: unknown, op: Ec2Operation): SkyportError {
  if (isSkyportError(err)) return err;
  const code = awsErrorCode(err);
  const base = { provider: 'aws' as const, region: op.region, instanceType: op.instanceType, action: op.action, awsCode: code };
  const make = (errorCode: ErrorCode, kind: CloudBlockKind, scope: CloudBlockScope, message: string) =>
    new SkyportError(errorCode, message, { ...base, kind, scope } satisfies CloudBlockDetails, { cause: err });

  const net = networkCode(err);
  if (net) {
    return make(ErrorCode.ProviderUnavailable, 'unreachable', 'cloud', `AWS: cannot reach the EC2 endpoint for ${op.region} (${net}); check the network or SKYPORT_AWS_ENDPOINT.`);
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(awsMessage(err))) {
    return make(
      ErrorCode.ProviderUnavailable,
      'auth',
      'cloud',
      'AWS: no credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) for the provisioner, then run `skyport check`.',
    );
  }
  if (!code) {
    return make(ErrorCode.ProviderUnavailable, 'unknown', 'candidate', `AWS: ${op.action} failed for ${what(op)}: ${awsMessage(err) || 'unknown error'}.`);
  }
  if (CAPACITY.has(code)) {
    return make(ErrorCode.NoFeasibleResources, 'capacity', 'candidate', `AWS has no spare capacity for ${what(op)} right now (${code}).`);
  }
  if (UNSUPPORTED.has(code)) {
    const detail = awsMessage(err);
    return make(ErrorCode.NoFeasibleResources, 'unsupported', 'candidate', `AWS does not support ${what(op)} (${code}${detail ? `: ${detail}` : ''}).`);
  }
  if (QUOTA.has(code)) {
    return make(
      ErrorCode.NoFeasibleResources,
      'quota',
      'region',
      `AWS: your account's quota in ${op.region} does not allow ${what(op)} (${code}); request an increase in the Service Quotas console or use another region.`,
    );
  }
  if (REGION_AUTH.has(code)) {
    return make(ErrorCode.ProviderUnavailable, 'auth', 'region', `AWS: region ${op.region} is not enabled for this account (${code}).`);
  }
  if (AUTH.has(code)) {
    const message =
      code === 'UnauthorizedOperation' || code === 'AccessDenied'
        ? `AWS: the configured credentials are not allowed to call ec2:${op.action} (${code}); grant it in IAM.`
        : `AWS rejected Skyport's credentials (${code}); check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile.`;
    return make(ErrorCode.ProviderUnavailable, 'auth', 'cloud', message);
  }
  if (code === 'RequestLimitExceeded' || code === 'Throttling' || code === 'ThrottlingException') {
    return make(ErrorCode.ProviderUnavailable, 'unknown', 'region', `AWS throttled ${op.action} in ${op.region} (${code}); try again shortly.`);
  }
  return make(ErrorCode.ProviderUnavailable, 'unknown', 'candidate', `AWS: ${op.action} failed for ${what(op)} (${code}${awsMessage(err) ? `: ${awsMessage(err)}` : ''}).`);
}

export function cloudBlockOf(err: unknown): CloudBlockDetails | undefined {
  if (!isSkyportError(err)) return undefined;
  const d = err.details;
  return d && d.provider === 'aws' && typeof d.kind === 'string' ? (d as CloudBlockDetails) : undefined;
}
