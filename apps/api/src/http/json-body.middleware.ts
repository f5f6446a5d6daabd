import { json, type NextFunction, type Request, type Response } from 'express';
import { ErrorCode, HTTP_STATUS_BY_CODE, type ErrorBody } from '@skyport/contracts';

/**
 * Parses JSON bodies with a size limit and answers malformed or oversized bodies itself, in our error shape,
 * before any handler runs (so nothing is written for them).
 */
export function jsonBodyMiddleware(limitBytes: number) {
  const parse = json({ limit: limitBytes, strict: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = typeof error === 'object' && error && 'type' in error ? String((error as { type: unknown }).type) : '';
      let body: ErrorBody;
      if (type === 'entity.too.large') {
        body = { code: ErrorCode.PayloadTooLarge, message: `the request body is larger than the limit of ${limitBytes} bytes` };
      } else if (type === 'entity.parse.failed') {
        body = { code: ErrorCode.MalformedJson, message: `the request body is not valid JSON: ${(error as Error).message}` };
      } else {
        body = { code: ErrorCode.InvalidRequest, message: `the request body could not be read: ${(error as Error).message ?? String(error)}` };
      }
      res.status(HTTP_STATUS_BY_CODE[body.code]).json(body);
    });
  };
}
