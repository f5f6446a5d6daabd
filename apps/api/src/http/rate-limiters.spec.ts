import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { clientAddress, overLimit, spent } from './rate-limiters';
import { BUCKET_VIEW_MS, SpentBucketView } from './spent-bucket-view';

const req = (ip: string | undefined, remote?: string) => ({ ip, socket: { remoteAddress: remote } }) as unknown as Request;

describe('rate limiter helpers', () => {
  it('one key per client host, whatever the spelling of its address', () => {
    assert.equal(clientAddress(req('::ffff:127.0.0.1')), '127.0.0.1');
    assert.equal(clientAddress(req('127.0.0.1')), '127.0.0.1');
    assert.equal(clientAddress(req('2001:db8::1')), clientAddress(req('2001:0db8:0:0:0:0:0:1')));
    assert.equal(clientAddress(req(undefined, '::ffff:10.1.2.3')), '10.1.2.3');
    assert.equal(clientAddress(req(undefined, undefined)), 'unknown');
  });

  it('overLimit spends and refuses past the limit; spent only looks', async () => {
    const limiter = new RateLimiterMemory({ points: 3, duration: 60 });
    assert.equal(await spent(limiter, 'a', 3), undefined);
    for (let i = 0; i < 3; i++) assert.equal(await overLimit(limiter, 'a'), undefined);
    assert.equal(await spent(limiter, 'a', 3) !== undefined, true, 'the bucket is spent');
    const refused = await overLimit(limiter, 'a');
    assert.ok(refused && refused.msBeforeNext > 0, 'refused with the time to wait');
    assert.equal(await overLimit(limiter, 'b'), undefined, 'another key has its own bucket');
  });

  it('a limiter that fails (store down, no insurance) lets the call through', async () => {
    const broken = { consume: async () => Promise.reject(new Error('redis down')), get: async () => Promise.reject(new Error('redis down')) } as unknown as RateLimiterMemory;
    assert.equal(await overLimit(broken, 'a'), undefined);
    assert.equal(await spent(broken, 'a', 1), undefined);
  });
});

describe('SpentBucketView (the unauthenticated bucket as one replica sees it)', () => {
  it('sees its own spends at once, and refuses with the time left in the window', async () => {
    const limiter = new RateLimiterMemory({ points: 2, duration: 60 });
    const view = new SpentBucketView(limiter, 2);
    assert.equal(await view.spent('a'), undefined);
    view.spend('a');
    view.spend('a');
    const refused = await view.spent('a');
    assert.ok(refused && refused.msBeforeNext > 0 && refused.msBeforeNext <= 60_000, 'spent after its own two spends');
    assert.equal(await view.spent('b'), undefined, 'another address has its own bucket');
  });

  it("sees another replica's spends once its view is older than BUCKET_VIEW_MS", async () => {
    const shared = new RateLimiterMemory({ points: 2, duration: 60 });
    const here = new SpentBucketView(shared, 2);
    const there = new SpentBucketView(shared, 2);
    assert.equal(await here.spent('a'), undefined);
    there.spend('a');
    there.spend('a');
    assert.ok(await there.spent('a'));
    const started = Date.now();
    while (!(await here.spent('a'))) {
      assert.ok(Date.now() - started < BUCKET_VIEW_MS + 10_000, 'never saw the other replica spend the bucket');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('a store that fails lets calls through', async () => {
    const broken = { consume: async () => Promise.reject(new Error('redis down')), get: async () => Promise.reject(new Error('redis down')) } as unknown as RateLimiterMemory;
    const view = new SpentBucketView(broken, 1);
    view.spend('a');
    assert.equal(await view.spent('a'), undefined);
  });
});
