import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RequestsController } from './requests.controller';
import { RequestsService } from './requests.service';

/** A request's status and its event stream (`/v1/requests/:id`, `/v1/requests/:id/events`). */
@Module({ imports: [EventsModule], controllers: [RequestsController], providers: [RequestsService] })
export class RequestsModule {}
