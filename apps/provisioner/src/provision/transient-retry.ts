import pRetry from 'p-retry';
import { ErrorCode, isSkyportError } from '@skyport/contracts';

/** Kubernetes failures that say nothing about the candidate: the API server blinked (5xx, 429, reset, timeout). */
export function isTransientKubeFailure(err: unknown): boolean {
  if (!isSkyportError(err) || err.code !== ErrorCode.KubernetesUnavailable) return false;
  const kind = err.details?.kind;
  return kind === 'server' || kind === 'timeout' || kind === 'unreachable' || kind === 'gone';
}

export interface TransientRetryOptions {
  /** Tries in all (the first included). */
  tries: number;
  /** Wait before the second try; doubled before each next one. */
  firstDelayMs: number;
  onRetry?: (err: unknown, nextTry: number, delayMs: number) => Promise<void> | void;
}

/**
 * Runs a launch on one candidate again when it failed only because the Kubernetes API was briefly unavailable,
 * so a blip (an API server restart, a 429) does not count against the candidate and fail the launch over to a
 * paid cloud. Only what persists past the tries is the candidate's failure.
 */
export async function retryTransient<T>(run: () => Promise<T>, options: TransientRetryOptions): Promise<T> {
  return pRetry(() => run(), {
    retries: options.tries - 1,
    minTimeout: options.firstDelayMs,
    factor: 2,
    randomize: false,
    // p-retry asks this only while a try is left, right before it waits: the moment to announce the next try.
    // Its wait is minTimeout * factor ** retriesConsumed (no jitter, no cap), which is what onRetry is told.
    shouldRetry: async ({ error, attemptNumber, retriesConsumed }) => {
      if (!isTransientKubeFailure(error)) return false;
      await options.onRetry?.(error, attemptNumber + 1, options.firstDelayMs * 2 ** retriesConsumed);
      return true;
    },
  });
}
