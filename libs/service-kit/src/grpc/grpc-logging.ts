import { setLogger } from '@grpc/grpc-js';
import type { Logger } from 'pino';

/**
 * Sends grpc-js's own log lines (by default raw `E ...` lines on stderr) to the service's logger, so stderr keeps
 * only what the service itself says (e.g. the one line of a start failure).
 */
export function routeGrpcLogs(logger: Logger): void {
  const text = (message: unknown, params: unknown[]) => [message, ...params].map(String).join(' ');
  setLogger({
    error: (message?: unknown, ...params: unknown[]) => logger.warn({ grpc: true }, text(message, params)),
    info: (message?: unknown, ...params: unknown[]) => logger.info({ grpc: true }, text(message, params)),
    debug: (message?: unknown, ...params: unknown[]) => logger.debug({ grpc: true }, text(message, params)),
  });
}
