import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationHandler, PgListener } from './pg-listener';
import { KeyedWaiter } from './keyed-waiter';

/** A listener that is up at once and notifies only when the test says so. */
function fakeListener() {
  const handlers = new Map<string, Set<NotificationHandler>>();
  const gaps = new Set<() => void>();
  const listener = {
    listen: (channel: string, handler: NotificationHandler) => {
      const set = handlers.get(channel) ?? new Set();
      handlers.set(channel, set);
      set.add(handler);
      return () => void set.delete(handler);
    },
    onGap: (handler: () => void) => {
      gaps.add(handler);
      return () => void gaps.delete(handler);
    },
    ready: async () => true,
  } as unknown as PgListener;
  return {
    listener,
    notify: (channel: string, payload?: string) => {
      for (const handler of [...(handlers.get(channel) ?? [])]) handler(payload, channel);
    },
    gap: () => {
      for (const handler of [...gaps]) handler();
    },
    subscriptions: () => [...handlers.values()].reduce((n, set) => n + set.size, 0) + gaps.size,
  };
}

const CHANNELS = {
  // The payload is the key.
  plain: (payload: string | undefined) => payload,
  // `a,b`: wakes both keys; an empty part wakes nothing.
  pair: (payload: string | undefined) => payload?.split(','),
};

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([promise.then(() => true as const), late]);
  clearTimeout(timer);
  return settled;
}

describe('KeyedWaiter', () => {
  it('subscribes on the first wait, not before', async () => {
    const pg = fakeListener();
    const waiter = new KeyedWaiter(pg.listener, CHANNELS);
    assert.equal(pg.subscriptions(), 0);
    await waiter.waitFor('k', 1);
    assert.equal(pg.subscriptions(), 3, 'both channels and the gap');
    await waiter.waitFor('k', 1);
    assert.equal(pg.subscriptions(), 3, 'once');
    await waiter.close();
  });

  it('a notification wakes the waiters of its key, and only those', async () => {
    const pg = fakeListener();
    const waiter = new KeyedWaiter(pg.listener, CHANNELS);
    const mine = [waiter.waitFor('job-1', 10_000), waiter.waitFor('job-1', 10_000)];
    const other = waiter.waitFor('job-2', 10_000);
    await new Promise((r) => setImmediate(r));
    pg.notify('plain', 'job-1');
    assert.equal(await settlesWithin(Promise.all(mine), 1_000), true);
    assert.equal(await settlesWithin(other, 50), false);
    pg.notify('plain', 'job-2');
    assert.equal(await settlesWithin(other, 1_000), true);
    await waiter.close();
  });

  it('a payload that names several keys wakes each; one it cannot read wakes none', async () => {
    const pg = fakeListener();
    const waiter = new KeyedWaiter(pg.listener, CHANNELS);
    const a = waiter.waitFor('a', 10_000);
    const b = waiter.waitFor('b', 10_000);
    await new Promise((r) => setImmediate(r));
    pg.notify('pair', undefined);
    pg.notify('pair', ',');
    assert.equal(await settlesWithin(Promise.race([a, b]), 50), false);
    pg.notify('pair', 'a,b');
    assert.equal(await settlesWithin(Promise.all([a, b]), 1_000), true);
    await waiter.close();
  });

  it('a notification between arm and wait is not missed: the wait ends at once', async () => {
    const pg = fakeListener();
    const waiter = new KeyedWaiter(pg.listener, CHANNELS);
    const ticket = await waiter.arm('job-1');
    pg.notify('plain', 'job-1'); // committed while the caller was reading
    assert.equal(await settlesWithin(ticket.wait(10_000), 100), true);
    await waiter.close();
  });

  it('a cancelled ticket leaves the others of its key waiting', async () => {
    const pg = fakeListener();
    const waiter = new KeyedWaiter(pg.listener, CHANNELS);
    const dropped = await waiter.arm('job-1');
    const kept = waiter.waitFor('job-1', 10_000);
    await new Promise((r) => setImmediate(r));
    dropped.cancel();
    assert.equal(await settlesWithin(kept, 50), false);
    pg.notify('plain', 'job-1');
    assert.equal(await settlesWithin(kept, 1_000), true);
    await waiter.close();
  });

  it('the listener back after a gap wakes every waiter, whatever its key', async () => {
    const pg = fakeListener();
    const waiter = new KeyedWaiter(pg.listener, CHANNELS);
    const all = [waiter.waitFor('a', 10_000), waiter.waitFor('b', 10_000)];
    await new Promise((r) => setImmediate(r));
    pg.gap();
    assert.equal(await settlesWithin(Promise.all(all), 1_000), true);
    await waiter.close();
  });

  it('an aborted signal ends the wait at once, not at its timeout', async () => {
    const waiter = new KeyedWaiter(fakeListener().listener, CHANNELS);
    const stopping = new AbortController();
    const started = Date.now();
    const wait = waiter.waitFor('k', 10_000, stopping.signal);
    setTimeout(() => stopping.abort(), 20);
    await wait;
    assert.ok(Date.now() - started < 2_000, `waited ${Date.now() - started} ms`);
    await waiter.close();
  });

  it('a signal aborted before the call does not wait at all', async () => {
    const pg = fakeListener();
    const waiter = new KeyedWaiter(pg.listener, CHANNELS);
    const stopping = new AbortController();
    stopping.abort();
    assert.equal(await settlesWithin(waiter.waitFor('k', 10_000, stopping.signal), 100), true);
    assert.equal(await settlesWithin((await waiter.arm('k')).wait(10_000, stopping.signal), 100), true);
    await waiter.close();
  });

  it('without a signal the timeout ends the wait', async () => {
    const waiter = new KeyedWaiter(fakeListener().listener, CHANNELS);
    const started = Date.now();
    await waiter.waitFor('k', 30);
    assert.ok(Date.now() - started >= 25);
    await waiter.close();
  });

  it('close wakes the waiters and unsubscribes; later waits subscribe nothing and only idle briefly', async () => {
    const pg = fakeListener();
    const waiter = new KeyedWaiter(pg.listener, CHANNELS);
    const waiting = waiter.waitFor('k', 10_000);
    await new Promise((r) => setImmediate(r));
    await waiter.close();
    assert.equal(await settlesWithin(waiting, 100), true);
    assert.equal(pg.subscriptions(), 0);
    // Its idle timer does not keep the process up (unref); settlesWithin's does.
    assert.equal(await settlesWithin(waiter.waitFor('k', 10_000), 2_000), true);
    assert.equal(pg.subscriptions(), 0);
    const stopping = new AbortController();
    const idle = waiter.waitFor('k', 10_000, stopping.signal);
    stopping.abort();
    assert.equal(await settlesWithin(idle, 50), true, 'the signal cuts the idle short');
  });
});
