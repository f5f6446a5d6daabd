import { Module } from '@nestjs/common';
import { EventFeed } from './event-feed.service';
import { EventWaiter } from './event-waiter.service';
import { EventsController } from './events.controller';

/**
 * The event log's readers: the global stream (`GET /v1/events`), the feed it and the webhook dispatcher page through,
 * and the EventWaiter every stream and background loop parks on until an event is committed.
 */
@Module({ controllers: [EventsController], providers: [EventFeed, EventWaiter], exports: [EventFeed, EventWaiter] })
export class EventsModule {}
