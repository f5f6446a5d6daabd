import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { QueueAdmitter } from './queue-admitter.service';
import { QueueController } from './queue.controller';
import { QuotaService } from './quota.service';

/** Team quotas, the team queue (`GET /v1/queue`) and the admitter that starts queued launches as quota frees up. */
@Module({ imports: [EventsModule], controllers: [QueueController], providers: [QuotaService, QueueAdmitter], exports: [QuotaService] })
export class QuotaModule {}
