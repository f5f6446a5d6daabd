import type { EntityManager } from 'typeorm';
import { EVENTS_CHANNEL, type EventType } from '@skyport/contracts';
import { EventEntity } from '../entities/event.entity';

export interface NewEvent {
  /** One of `EVENT_TYPES`; a status change's type comes from its status (`jobEventType(status)`, ...). */
  type: EventType;
  message: string;
  requestId?: string | null;
  clusterName?: string | null;
  jobId?: number | null;
  data?: Record<string, unknown>;
}

/**
 * Appends an event in the caller's transaction (state first, event with it) and wakes followers when it commits.
 */
export async function recordEvent(manager: EntityManager, source: string, event: NewEvent): Promise<EventEntity> {
  const row = manager.create(EventEntity, {
    source,
    type: event.type,
    message: event.message,
    requestId: event.requestId ?? null,
    clusterName: event.clusterName ?? null,
    jobId: event.jobId ?? null,
    data: event.data ?? null,
  });
  const saved = await manager.save(EventEntity, row);
  await manager.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify({ id: saved.id, requestId: saved.requestId, clusterName: saved.clusterName })]);
  return saved;
}
