import type { DataSource } from 'typeorm';
import { EVENTS_CHANNEL, RequestStatus, type PlanEventData } from '@skyport/contracts';
import { EVENT_NOTIFICATION_SQL, type PlanEntity } from '@skyport/persistence';
import { GroupCommit } from '@skyport/service-kit';

/** A stored plan and what goes with it: the request moves PENDING → RUNNING and the plan's event is recorded. */
export interface PlanWrite {
  plan: Pick<PlanEntity, 'id' | 'requestId' | 'clusterName' | 'plan' | 'chosenIndex'>;
  /** As `recordEvent` would write it (source `source` of the writer, no job id). */
  event: { type: 'plan.created' | 'plan.infeasible'; message: string; data: PlanEventData };
  /** The launch goes on to the provisioner: it leaves the capacity queue (`capacity_waits`) with the same commit. */
  leavesWait?: boolean;
}

/** The batch passes arrays (a handful of parameters whatever its size): this only bounds a statement's size. */
const MAX_BATCH = 200;

/**
 * Group commit of plans: the plans that finish while a write is in flight become the next single statement
 * (data-modifying CTEs over arrays: the plan rows, the requests' PENDING → RUNNING, the events and their
 * NOTIFYs, and the capacity-queue rows of launches that go on), instead of a transaction of seven round trips per plan. A single statement commits atomically, as the
 * transaction did, and each caller's promise settles only once its rows are committed. When a batch fails (a
 * request deleted meanwhile, ...) its plans are written one by one, so only the one at fault fails its job and is
 * retried by BullMQ. An idle optimizer writes each plan at once.
 */
export class PlanWriter {
  private readonly group = new GroupCommit<PlanWrite>((writes) => this.insert(writes), { maxBatch: MAX_BATCH, retryAlone: true });

  constructor(
    private readonly db: DataSource,
    private readonly source: string,
  ) {}

  write(write: PlanWrite): Promise<void> {
    return this.group.add(write);
  }

  private async insert(writes: PlanWrite[]): Promise<void> {
    const column = <T>(get: (w: PlanWrite) => T): T[] => writes.map(get);
    // `u` is the one request transition not made through transitionRequest (libs/persistence): the same
    // compare-and-set (PENDING → RUNNING, updated_at, no request event) inline, so the batch stays one statement.
    await this.db.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::int[], $6::text[], $7::text[], $8::jsonb[], $13::boolean[])
           WITH ORDINALITY AS t(id, request_id, cluster_name, plan, chosen_index, type, message, data, leaves_wait, n)),
       p AS (INSERT INTO plans (id, request_id, cluster_name, plan, chosen_index) SELECT id, request_id, cluster_name, plan, chosen_index FROM input),
       u AS (UPDATE requests r SET status = $9, updated_at = now() FROM input i WHERE r.id = i.request_id AND r.status = $10),
       w AS (DELETE FROM capacity_waits WHERE request_id IN (SELECT request_id FROM input WHERE leaves_wait)),
       e AS (INSERT INTO events (source, type, message, request_id, cluster_name, data)
             SELECT $11, type, message, request_id, cluster_name, data FROM input ORDER BY n RETURNING id, request_id, cluster_name)
       SELECT count(pg_notify($12, ${EVENT_NOTIFICATION_SQL})) AS notified FROM e`,
      [
        column((w) => w.plan.id),
        column((w) => w.plan.requestId),
        column((w) => w.plan.clusterName),
        column((w) => JSON.stringify(w.plan.plan)),
        column((w) => w.plan.chosenIndex),
        column((w) => w.event.type),
        column((w) => w.event.message),
        column((w) => JSON.stringify(w.event.data)),
        RequestStatus.Running,
        RequestStatus.Pending,
        this.source,
        EVENTS_CHANNEL,
        column((w) => w.leavesWait === true),
      ],
    );
  }
}
