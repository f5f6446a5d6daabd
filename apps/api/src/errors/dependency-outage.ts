/**
 * Recognises errors that mean "a backing service is unreachable right now" (Postgres restarting or stopped,
 * Redis gone), as opposed to a bug. The api answers those with 503 and `Retry-After`, so clients (the CLI,
 * libs/client) retry instead of reporting a failure the user can do nothing about.
 */

/** Postgres SQLSTATEs of a server that is shutting down, starting up or unreachable (classes 08 and 57P). */
const POSTGRES_OUTAGE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);

/** Socket-level errors a client library surfaces when its server is not there. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);

/** Messages of node-postgres, TypeORM and ioredis for a lost or closed connection (they carry no code). */
const OUTAGE_MESSAGES = [
  /connection terminated/i,
  /connection is closed/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /timeout exceeded when trying to connect/i,
  /reached the max retries per request limit/i,
  /stream isn't writeable and enableOfflineQueue options is false/i,
  /client has encountered a connection error and is not queryable/i,
];

export type Dependency = 'database' | 'queue';

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Which dependency the error says is down, or undefined when it is some other error. */
export function dependencyOutage(error: unknown, depth = 0): Dependency | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const e = error as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const name = typeof e.name === 'string' ? e.name : '';
  if (code && POSTGRES_OUTAGE_CODES.has(code)) return 'database';
  if (name === 'MaxRetriesPerRequestError' || /redis/i.test(message)) {
    if (OUTAGE_MESSAGES.some((re) => re.test(message)) || (code && SOCKET_CODES.has(code))) return 'queue';
  }
  if (OUTAGE_MESSAGES.some((re) => re.test(message))) {
    return /max retries per request|enableOfflineQueue|connection is closed/i.test(message) ? 'queue' : 'database';
  }
  if (code && SOCKET_CODES.has(code)) return 'database';
  // TypeORM wraps the driver's error; AggregateError (several addresses tried) holds them in `errors`.
  const nested = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const inner of nested) {
    const found = dependencyOutage(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Seconds a client should wait before retrying while a dependency is down. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;
