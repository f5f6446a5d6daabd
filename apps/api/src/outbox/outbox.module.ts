import { Module } from '@nestjs/common';
import { OutboxRelayService } from './outbox-relay.service';

/** The outbox relay: moves committed outbox rows into BullMQ. Writers add rows with addToOutbox (a function, no provider). */
@Module({ providers: [OutboxRelayService] })
export class OutboxModule {}
