import pino, { type Logger } from 'pino';

/** Structured JSON logs, one line per record, with the service name on every line. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Secrets never reach a log line, whatever a caller passes in.
    redact: {
      paths: ['secrets', '*.secrets', 'password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
