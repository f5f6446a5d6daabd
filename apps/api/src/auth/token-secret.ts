import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'skp_';

/** A new bearer token: `skp_` + 40 random base62-ish characters. Shown once; only its hash is stored. */
export function newToken(): string {
  return PREFIX + randomBytes(30).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What a token list shows instead of the token: enough to recognise it, useless to use it. */
export function tokenPrefix(token: string): string {
  return token.slice(0, PREFIX.length + 6);
}

export function looksLikeToken(value: string): boolean {
  return value.length >= 20 && value.length <= 200 && /^[\x21-\x7e]+$/.test(value);
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
