import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode, HTTP_STATUS_BY_CODE, SkyportError, type ErrorBody } from '@skyport/contracts';
import { SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import { dependencyOutage, OUTAGE_RETRY_AFTER_SECONDS } from './dependency-outage';

const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.InvalidRequest,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  429: ErrorCode.RateLimited,
};

/** A database "data exception" (SQLSTATE class 22): the value itself is unacceptable. */
function isDataException(exception: unknown): boolean {
  const code = (exception as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/**
 * Every error leaves the api as `{code, message, details}`. SkyportErrors keep their code and user message;
 * Nest's HTTP errors (unknown route, bad method) get a matching code; anything else is logged and answered as
 * a plain 500 without internals.
 */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  constructor(@Inject(SERVICE_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const outage = exception instanceof SkyportError ? undefined : dependencyOutage(exception);
    const { status, body } = outage ? this.outageBody(outage) : this.toBody(exception);
    if (outage) this.logger.warn({ dependency: outage, err: exception instanceof Error ? exception.message : String(exception) }, 'dependency unavailable; answered 503');
    else if (status >= 500) this.logger.error({ err: exception instanceof Error ? exception.stack : String(exception) }, 'request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    if (outage || status === 503) response.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    response.status(status).json(body);
  }

  /** Postgres or Redis is down: the caller should retry shortly, and is told so without internals. */
  private outageBody(dependency: 'database' | 'queue'): { status: number; body: ErrorBody } {
    const what = dependency === 'database' ? 'its database' : 'its queue';
    return {
      status: 503,
      body: { code: ErrorCode.DependencyUnavailable, message: `Skyport cannot reach ${what} right now; retry in a few seconds`, details: { dependency, retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS } },
    };
  }

  private toBody(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof SkyportError) {
      return { status: HTTP_STATUS_BY_CODE[exception.code], body: exception.toBody() };
    }
    if (isDataException(exception)) {
      // Postgres refused a value the caller sent (a NUL character, a number out of range): their mistake, not ours.
      return { status: 400, body: { code: ErrorCode.InvalidRequest, message: 'a value in the request cannot be stored: it has a character (such as NUL) or a number outside what Skyport accepts' } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_HTTP_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.InvalidRequest);
      const res = exception.getResponse();
      const message = typeof res === 'string' ? res : typeof res === 'object' && res && 'message' in res ? String((res as { message: unknown }).message) : exception.message;
      return { status, body: { code, message } };
    }
    return { status: 500, body: { code: ErrorCode.Internal, message: 'internal error; the server log has the details' } };
  }
}
