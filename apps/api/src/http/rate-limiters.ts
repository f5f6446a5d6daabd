import type { Request } from 'express';
import ipaddr from 'ipaddr.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from '@skyport/service-kit';

/**
 * A limiter counted in Redis, so every api replica shares the buckets. If Redis is away or slow (500 ms), this
 * replica counts in memory meanwhile: the limiter protects the api, it must not take it down.
 */
export function sharedLimiter(redis: Redis, name: string, points: number, durationSeconds: number): RateLimiterAbstract {
  const insurance = new RateLimiterMemory({ keyPrefix: `skyport:rl:${name}`, points, duration: durationSeconds });
  const store = new RateLimiterRedis({ storeClient: redis, keyPrefix: `skyport:rl:${name}`, points, duration: durationSeconds, rejectIfRedisNotReady: true, insuranceLimiter: insurance });
  return new RLWrapperTimeouts({ limiter: store, timeoutMs: 500, insuranceLimiter: insurance }) as unknown as RateLimiterAbstract;
}

/** Consumes points; the limiter's answer when refused (over the limit), undefined when the call may go on. */
export async function overLimit(limiter: RateLimiterAbstract, key: string, points = 1): Promise<RateLimiterRes | undefined> {
  const outcome = await consume(limiter, key, points);
  return outcome.refused;
}

/** Consumes points: `refused` when over the limit, else `state` (remaining points) when the store answered. */
export async function consume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<{ refused?: RateLimiterRes; state?: RateLimiterRes }> {
  try {
    return { state: await limiter.consume(key, points) };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { refused: rejection };
    return {}; // store and insurance both failed: let the call through
  }
}

/** Whether a bucket is already spent, without spending from it. */
export async function spent(limiter: RateLimiterAbstract, key: string, points: number): Promise<RateLimiterRes | undefined> {
  try {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= points ? res : undefined;
  } catch {
    return undefined;
  }
}

/** The caller's address as one key per host: an IPv4-mapped IPv6 address counts as its IPv4 address. */
export function clientAddress(req: Request): string {
  const raw = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  try {
    const addr = ipaddr.parse(raw);
    return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address().toString() : addr.toNormalizedString();
  } catch {
    return raw;
  }
}
