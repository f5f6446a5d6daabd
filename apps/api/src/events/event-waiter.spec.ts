import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EVENTS_CHANNEL, eventNotification } from '@skyport/contracts';
import type { NotificationHandler, PgListener } from '@skyport/service-kit';
import { ANY_EVENT, EventWaiter } from './event-waiter.service';

// The waiting itself (timeouts, stop signals, gaps, close) is service-kit's KeyedWaiter and tested there; this is
// which keys an event's notification wakes.
describe('EventWaiter: an event wakes its request, its cluster and ANY_EVENT', () => {
  it('wakes the waiters of the event request id, cluster name and ANY_EVENT, not others', async () => {
    const handlers: NotificationHandler[] = [];
    const listener = {
      listen: (channel: string, handler: NotificationHandler) => {
        assert.equal(channel, EVENTS_CHANNEL);
        handlers.push(handler);
        return () => undefined;
      },
      onGap: () => () => undefined,
      ready: async () => true,
    } as unknown as PgListener;
    const waiter = new EventWaiter(listener);
    const woken: string[] = [];
    const keys = ['request-1', 'cluster-a', ANY_EVENT, 'request-2', 'cluster-b'];
    const waits = keys.map((key) => waiter.waitFor(key, 300).then(() => woken.push(key)));
    await new Promise((r) => setImmediate(r));
    for (const handler of handlers) handler(eventNotification({ id: '7', requestId: 'request-1', clusterName: 'cluster-a' }), EVENTS_CHANNEL);
    for (const handler of handlers) handler('not json', EVENTS_CHANNEL);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(woken.sort(), ['*', 'cluster-a', 'request-1']);
    await Promise.all(waits);
    await waiter.onApplicationShutdown();
  });
});
