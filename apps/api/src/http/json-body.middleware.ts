import { json, type NextFunction, type Request, type Response } from 'express';
import { ErrorCode, HTTP_STATUS_BY_CODE, type ErrorBody } from '@skyport/contracts';
import { MAX_JSON_DEPTH, jsonDepthOver } from './json-depth';

/** Thrown from the parser's `verify` hook; body-parser hands it to the callback below with this `type`. */
class TooDeepError extends Error {
  readonly type = 'entity.too.deep';
  constructor() {
    super(`the request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
}

/**
 * Parses JSON bodies with a size and a nesting limit and answers malformed, oversized or too-deep bodies itself,
 * in our error shape, before any handler runs (so nothing is written for them).
 */
export function jsonBodyMiddleware(limitBytes: number) {
  const parse = json({
    limit: limitBytes,
    strict: true,
    verify: (_req, _res, buf) => {
      if (jsonDepthOver(buf, MAX_JSON_DEPTH)) throw new TooDeepError();
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = typeof error === 'object' && error && 'type' in error ? String((error as { type: unknown }).type) : '';
      let body: ErrorBody;
      if (type === 'entity.too.large') {
        body = { code: ErrorCode.PayloadTooLarge, message: `the request body is larger than the limit of ${limitBytes} bytes` };
      } else if (type === 'entity.too.deep' || error instanceof TooDeepError) {
        body = { code: ErrorCode.InvalidRequest, message: `the request body is nested more than ${MAX_JSON_DEPTH} levels deep (bound max_json_depth ≤ ${MAX_JSON_DEPTH})`, details: { bound: 'max_json_depth', limit: MAX_JSON_DEPTH } };
      } else if (type === 'entity.parse.failed') {
        body = { code: ErrorCode.MalformedJson, message: `the request body is not valid JSON: ${(error as Error).message}` };
      } else {
        body = { code: ErrorCode.InvalidRequest, message: `the request body could not be read: ${(error as Error).message ?? String(error)}` };
      }
      res.status(HTTP_STATUS_BY_CODE[body.code]).json(body);
    });
  };
}
