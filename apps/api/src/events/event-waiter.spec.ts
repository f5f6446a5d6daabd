import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PgListener } from '@skyport/service-kit';
import { ANY_EVENT, EventWaiter } from './event-waiter.service';

// A listener that is up at once and never notifies: only the timeout or the stop signal can end a wait.
const quietListener = { listen: () => () => undefined, onGap: () => () => undefined, ready: async () => undefined } as unknown as PgListener;

describe('EventWaiter: a stopping loop cuts its wait short', () => {
  it('an aborted stop signal ends the wait at once, not at its timeout', async () => {
    const waiter = new EventWaiter(quietListener);
    const stopping = new AbortController();
    const started = Date.now();
    const wait = waiter.waitFor(ANY_EVENT, 10_000, stopping.signal);
    setTimeout(() => stopping.abort(), 20);
    await wait;
    assert.ok(Date.now() - started < 2_000, `waited ${Date.now() - started} ms`);
    await waiter.onApplicationShutdown();
  });

  it('a signal aborted before the call does not wait at all', async () => {
    const waiter = new EventWaiter(quietListener);
    const stopping = new AbortController();
    stopping.abort();
    const started = Date.now();
    await waiter.waitFor(ANY_EVENT, 10_000, stopping.signal);
    assert.ok(Date.now() - started < 2_000);
    await waiter.onApplicationShutdown();
  });

  it('without a signal the timeout still ends the wait', async () => {
    const waiter = new EventWaiter(quietListener);
    const started = Date.now();
    await waiter.waitFor('request-1', 30);
    assert.ok(Date.now() - started >= 25);
    await waiter.onApplicationShutdown();
  });
});
