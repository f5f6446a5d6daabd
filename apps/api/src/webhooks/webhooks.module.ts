import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Webhooks (`/v1/webhooks`) and their dispatcher, which turns new events into signed deliveries. */
@Module({ imports: [EventsModule], controllers: [WebhooksController], providers: [WebhooksService, WebhookDispatcher] })
export class WebhooksModule {}
