import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { Caller, type Principal } from '../auth/principal';
import { str } from '../http/query-value';
import { ANY_EVENT, EventWaiter } from './event-waiter.service';
import { EventFeed } from './event-feed.service';
import { openEventStream } from '../http/event-stream';

const ID = /^\d{1,18}$/;

@Controller('v1')
export class EventsController {
  constructor(
    @Inject(EventFeed) private readonly feed: EventFeed,
    @Inject(EventWaiter) private readonly waiter: EventWaiter,
  ) {}

  /**
   * Request, cluster and job transitions the caller may see, as Server-Sent Events, in order, from after
   * `since` (an event id; or the Last-Event-ID header when reconnecting). Each event carries its id, so a client
   * that reconnects with the last id it saw loses nothing and sees nothing twice. `follow=0` sends what exists
   * and ends; `types=cluster.,job.failed` keeps events whose type starts with one of the prefixes.
   */
  @Get('events')
  async stream(@Caller() caller: Principal, @Query() query: Record<string, string | undefined>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const since = str(query.since) ?? str(query.after);
    const lastEventId = String(req.headers['last-event-id'] ?? '');
    if (since !== undefined && since !== '' && !ID.test(since)) throw new SkyportError(ErrorCode.InvalidRequest, '"since" must be an event id (a whole number); 0 starts from the beginning');
    const follow = !['0', 'false'].includes(str(query.follow) ?? '1');
    const types = (str(query.types) ?? '').split(',').map((t) => t.trim()).filter(Boolean).slice(0, 50);
    // A reconnect (EventSource, libs/client) resends the first URL with Last-Event-ID: the header wins, or the
    // stream would replay from the original `since`.
    let cursor = ID.test(lastEventId) ? lastEventId : since && since !== '' ? since : await this.latest();
    const stream = openEventStream(res, 'events');
    res.write(`: skyport events after ${cursor}\n\n`);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    try {
      for (;;) {
        const page = await this.feed.read(cursor, caller);
        for (const event of page.events) {
          if (types.length && !types.some((t) => event.type.startsWith(t))) continue;
          res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        }
        const advanced = page.cursor !== cursor;
        cursor = page.cursor;
        if (stream.closed()) break;
        if (!follow && !advanced) break;
        if (page.blocked) await new Promise((r) => setTimeout(r, 100));
        else if (!advanced) await this.waiter.waitFor(ANY_EVENT, 5_000);
      }
    } finally {
      clearInterval(heartbeat);
      res.end();
    }
  }

  /** Without `since`, a stream starts at the newest event (only what happens from now on). */
  private latest(): Promise<string> {
    return this.feed.latestId();
  }
}
