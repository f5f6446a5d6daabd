import pino, { type Logger } from 'pino';
import { activeTraceIds } from '@skyport/telemetry';

/** Structured JSON logs, one line per record, with the service name on every line (and the trace's ids inside a span). */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: activeTraceIds,
    // Secrets never reach a log line, whatever a caller passes in.
    redact: {
      paths: ['secrets', '*.secrets', 'password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
