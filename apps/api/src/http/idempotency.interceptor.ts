import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { bodyHash } from './body-hash';
import { principalOf } from '../auth/principal';
import { checkKey } from './idempotency-key';

const OWN_IDEMPOTENCY = 'skyport:own-idempotency';
const SECRET_RESPONSE = 'skyport:secret-response';

/** The handler keeps its own idempotency records (launch, exec: the request row is the record). */
export const OwnIdempotency = (): MethodDecorator => SetMetadata(OWN_IDEMPOTENCY, true);
/** The answer holds a secret shown once (a token, a webhook key): a retry is told so instead of seeing it again. */
export const SecretResponse = (): MethodDecorator => SetMetadata(SECRET_RESPONSE, true);

/**
 * `Idempotency-Key` on every POST: the first try's answer (status and body) is stored with a hash of the call;
 * a retry with the same key and call gets that answer again (`Idempotent-Replayed: true`) without running the
 * handler; the same key with a different call is refused (422); a retry while the first try still runs gets
 * 409. A failed first try stores nothing, so it may be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    if (req.method !== 'POST' || this.reflector.get<boolean>(OWN_IDEMPOTENCY, context.getHandler())) return next.handle();
    const key = checkKey(typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined);
    if (!key) return next.handle();
    const principal = principalOf(req)?.userId ?? 'anonymous';
    const path = req.originalUrl.split('?')[0];
    const hash = bodyHash({ method: req.method, path, body: req.body ?? null });
    const secret = this.reflector.get<boolean>(SECRET_RESPONSE, context.getHandler()) === true;
    return from(this.run(principal, key, path, hash, secret, res, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }

  private async run(principal: string, key: string, path: string, hash: string, secret: boolean, res: Response, handle: () => Promise<unknown>): Promise<unknown> {
    const claimed: unknown[] = await this.db.query(
      `INSERT INTO idempotency_keys (principal, key, method, path, body_hash) VALUES ($1, $2, 'POST', $3, $4) ON CONFLICT DO NOTHING RETURNING key`,
      [principal, key, path, hash],
    );
    if (claimed.length === 0) return this.replay(principal, key, hash, res);
    let body: unknown;
    try {
      body = await handle();
    } catch (error) {
      await this.db.query('DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2', [principal, key]).catch(() => undefined);
      throw error;
    }
    const stored = secret ? { secretShownOnce: true, id: (body as { id?: unknown } | undefined)?.id ?? null } : (body ?? null);
    await this.db.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE principal = $1 AND key = $2', [principal, key, res.statusCode, JSON.stringify(stored)]);
    return body;
  }

  private async replay(principal: string, key: string, hash: string, res: Response): Promise<unknown> {
    const rows: Array<{ body_hash: string; status_code: number | null; response: unknown }> = await this.db.query(
      'SELECT body_hash, status_code, response FROM idempotency_keys WHERE principal = $1 AND key = $2',
      [principal, key],
    );
    const row = rows[0];
    if (!row) throw new SkyportError(ErrorCode.Conflict, 'a request with this Idempotency-Key was just abandoned; retry it');
    if (row.body_hash !== hash) {
      throw new SkyportError(ErrorCode.IdempotencyKeyReused, 'this Idempotency-Key was already used for a different request; use a new key for a new request');
    }
    if (row.status_code === null) throw new SkyportError(ErrorCode.Conflict, 'a request with this Idempotency-Key is still being processed; retry in a moment');
    const response = row.response as { secretShownOnce?: boolean; id?: unknown } | null;
    if (response && response.secretShownOnce) {
      throw new SkyportError(
        ErrorCode.Conflict,
        `this Idempotency-Key already created ${String(response.id)}, whose secret was shown once in that answer; if it was lost, revoke it and create a new one`,
        { id: response.id },
      );
    }
    res.status(row.status_code);
    res.setHeader('Idempotent-Replayed', 'true');
    return response;
  }
}
