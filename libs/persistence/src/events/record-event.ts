import type { EntityManager } from 'typeorm';
import { EVENTS_CHANNEL, eventNotification, type EventData, type EventNotification, type EventType } from '@skyport/contracts';
import { EventEntity } from '../entities/event.entity';

export interface NewEvent<T extends EventType = EventType> {
  /** One of `EVENT_TYPES`; a status change's type comes from its status (`jobEventType(status)`, ...). */
  type: T;
  message: string;
  requestId?: string | null;
  clusterName?: string | null;
  jobId?: number | null;
  /** What EventDataMap (contracts) says an event of this type carries. */
  data?: EventData<T>;
}

/**
 * Appends an event in the caller's transaction (state first, event with it) and wakes followers when it commits.
 */
export async function recordEvent<T extends EventType>(manager: EntityManager, source: string, event: NewEvent<T>): Promise<EventEntity> {
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
  await manager.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, eventNotification({ id: saved.id, requestId: saved.requestId, clusterName: saved.clusterName })]);
  return saved;
}

/** Each key of the EVENTS_CHANNEL payload and the events column it comes from (every key, so the type keeps them in step). */
const EVENT_NOTIFICATION_COLUMNS: Record<keyof EventNotification, string> = { id: 'id::text', requestId: 'request_id', clusterName: 'cluster_name' };

/**
 * recordEvent's EVENTS_CHANNEL payload built in SQL from an inserted events row, for a statement that inserts the
 * event itself (a data-modifying CTE `RETURNING id, request_id, cluster_name`).
 */
export const EVENT_NOTIFICATION_SQL = `json_build_object(${Object.entries(EVENT_NOTIFICATION_COLUMNS)
  .map(([key, column]) => `'${key}', ${column}`)
  .join(', ')})::text`;
