import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EVENTS_CHANNEL, parseEventNotification } from '@skyport/contracts';
import { KeyedWaiter, PgListener } from '@skyport/service-kit';

/** Wait key woken by every event (the global event stream, the webhook dispatcher). */
export const ANY_EVENT = '*';

/**
 * Every open event stream and background loop waits here (service-kit's KeyedWaiter on the process's one
 * PgListener) until an event for its request or cluster (or, with ANY_EVENT, any event) is committed. A background
 * loop stops before this waiter does (Nest stops a module before the modules it imports), so it passes its stop
 * signal to cut its own wait short rather than sleeping out the timeout.
 */
@Injectable()
export class EventWaiter extends KeyedWaiter implements OnApplicationShutdown {
  constructor(@Inject(PgListener) listener: PgListener) {
    super(listener, {
      [EVENTS_CHANNEL]: (payload) => {
        const event = parseEventNotification(payload);
        return event ? [event.requestId, event.clusterName, ANY_EVENT] : undefined;
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
