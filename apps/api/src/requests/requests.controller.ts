import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TERMINAL_REQUEST_STATUSES, type RequestView } from '@skyport/contracts';
import { EventWaiter } from '../events/event-waiter.service';
import { RequestsService } from './requests.service';
import { Caller, type Principal } from '../auth/principal';
import { openEventStream } from '../http/event-stream';

@Controller('v1/requests')
export class RequestsController {
  constructor(
    @Inject(RequestsService) private readonly requests: RequestsService,
    @Inject(EventWaiter) private readonly waiter: EventWaiter,
  ) {}

  @Get(':id')
  get(@Caller() caller: Principal, @Param('id') id: string): Promise<RequestView> {
    return this.requests.get(id, caller);
  }

  /**
   * The request's events as Server-Sent Events, from `after` (an event id; also the standard Last-Event-ID
   * header), following new ones until the request ends when `follow=1`.
   */
  @Get(':id/events')
  async events(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Query('follow') follow: string | undefined,
    @Query('after') after: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.requests.find(id, caller);
    // Last-Event-ID (a reconnect of the same URL) wins over the first `after`.
    const lastEventId = String(req.headers['last-event-id'] ?? '');
    let cursor = /^\d+$/.test(lastEventId) ? lastEventId : /^\d+$/.test(after ?? '') ? (after as string) : '0';
    const stream = openEventStream(res, 'request-events');
    const following = follow === '1' || follow === 'true';
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    try {
      for (;;) {
        const events = await this.requests.events(id, cursor);
        for (const event of events) {
          res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          cursor = event.id;
        }
        if (stream.closed() || !following) break;
        if (events.length === 0) {
          const request = await this.requests.find(id);
          if (TERMINAL_REQUEST_STATUSES.has(request.status)) {
            res.write(`event: end\ndata: ${JSON.stringify({ status: request.status })}\n\n`);
            break;
          }
          await this.waiter.waitFor(id, 5_000);
        }
      }
    } finally {
      clearInterval(heartbeat);
      res.end();
    }
  }
}
