import type { ErrorBody } from '../api/error-body.dto';

/**
 * Error codes that cross a process boundary (REST `{code, message, details}`, gRPC status details, job
 * failure records). Each maps to one HTTP status at the api's edge.
 */
export enum ErrorCode {
  // The caller's mistakes (4xx).
  InvalidRequest = 'INVALID_REQUEST',
  MalformedJson = 'MALFORMED_JSON',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  InvalidClusterName = 'INVALID_CLUSTER_NAME',
  InvalidTask = 'INVALID_TASK',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  RateLimited = 'RATE_LIMITED',
  // What the system could not do (4xx/5xx depending on cause).
  NoFeasibleResources = 'NO_FEASIBLE_RESOURCES',
  KubernetesUnavailable = 'KUBERNETES_UNAVAILABLE',
  KubernetesForbidden = 'KUBERNETES_FORBIDDEN',
  ProvisionTimeout = 'PROVISION_TIMEOUT',
  Unschedulable = 'UNSCHEDULABLE',
  ImagePullFailed = 'IMAGE_PULL_FAILED',
  ProviderUnavailable = 'PROVIDER_UNAVAILABLE',
  DependencyUnavailable = 'DEPENDENCY_UNAVAILABLE',
  Internal = 'INTERNAL',
}

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.InvalidRequest]: 400,
  [ErrorCode.MalformedJson]: 400,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.InvalidClusterName]: 400,
  [ErrorCode.InvalidTask]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.IdempotencyKeyReused]: 422,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.NoFeasibleResources]: 409,
  [ErrorCode.KubernetesUnavailable]: 503,
  [ErrorCode.KubernetesForbidden]: 502,
  [ErrorCode.ProvisionTimeout]: 504,
  [ErrorCode.Unschedulable]: 409,
  [ErrorCode.ImagePullFailed]: 409,
  [ErrorCode.ProviderUnavailable]: 503,
  [ErrorCode.DependencyUnavailable]: 503,
  [ErrorCode.Internal]: 500,
};

/**
 * An error that carries a user-facing message and a code. Kubernetes, database and queue errors are translated
 * into one of these at the boundary where they happen; raw errors never reach a user.
 */
export class SkyportError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** Safe to show to the user: no secrets, no stack, no internal identifiers they cannot act on. */
    readonly userMessage: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = 'SkyportError';
  }

  toBody(): ErrorBody {
    return this.details ? { code: this.code, message: this.userMessage, details: this.details } : { code: this.code, message: this.userMessage };
  }
}

export function isSkyportError(error: unknown): error is SkyportError {
  return error instanceof SkyportError;
}
