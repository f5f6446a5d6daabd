import { Inject, Injectable } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import { ErrorCode, SkyportError, type EventView, type QueuedInfo, type RequestView } from '@skyport/contracts';
import { CapacityWaitEntity, EventEntity, LaunchQueueEntity, RequestEntity, capacityWaitPosition } from '@skyport/persistence';
import type { Principal } from '../auth/principal';
import { ownerScope } from '../auth/team-scope';
import { toEventView } from '../events/event-view';

@Injectable()
export class RequestsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async get(id: string, principal?: Principal): Promise<RequestView> {
    const request = await this.find(id, principal);
    const queued = await this.db.manager.findOne(LaunchQueueEntity, { where: { requestId: request.id, state: 'queued' } });
    let queue: QueuedInfo | undefined;
    if (queued) {
      const rows: Array<{ n: number }> = await this.db.query(
        `SELECT count(*)::int AS n FROM launch_queue WHERE team = $1 AND state = 'queued' AND (priority > $2 OR (priority = $2 AND id < $3))`,
        [queued.team, queued.priority, queued.id],
      );
      queue = { position: Number(rows[0].n) + 1, reason: queued.reason };
    }
    // Past its quota, a launch may wait for capacity (the optimizer's queue, one order across every context).
    const waiting = queued ? null : await this.db.manager.findOne(CapacityWaitEntity, { where: { requestId: request.id } });
    if (waiting) queue = { position: await capacityWaitPosition(this.db.manager, waiting), reason: waiting.reason };
    const events = await this.events(id, '0');
    return {
      requestId: request.id,
      kind: request.kind,
      status: request.status,
      clusterName: request.clusterName,
      ...(request.jobId !== null ? { jobId: request.jobId } : {}),
      createdAt: request.createdAt.toISOString(),
      updatedAt: request.updatedAt.toISOString(),
      ...(request.errorCode ? { error: { code: request.errorCode, message: request.errorMessage ?? '' } } : {}),
      events,
      ...(queue ? { queue } : {}),
    };
  }

  /** The request if the caller may see it (its cluster's team's, or any for an admin); "not found" otherwise. */
  async find(id: string, principal?: Principal): Promise<RequestEntity> {
    let found: RequestEntity | null = null;
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      if (principal) {
        const params: unknown[] = [id];
        // A request belongs to its cluster's team, whoever asked (an admin's teardown of a team's cluster is the
        // team's); a request whose cluster row is gone, to its asker's team.
        const owner = 'COALESCE((SELECT c.owner FROM clusters c WHERE c.name = r.cluster_name), r.owner)';
        const rows: Array<{ id: string }> = await this.db.query(`SELECT r.id FROM requests r WHERE r.id = $1 AND ${ownerScope(principal, owner, params)}`, params);
        found = rows[0] ? await this.db.manager.findOne(RequestEntity, { where: { id } }) : null;
      } else {
        found = await this.db.manager.findOne(RequestEntity, { where: { id } });
      }
    }
    if (!found) throw new SkyportError(ErrorCode.NotFound, `no request '${id}'`);
    return found;
  }

  async events(requestId: string, afterId: string): Promise<EventView[]> {
    const rows = await this.db.manager.find(EventEntity, {
      where: { requestId, id: MoreThan(afterId) },
      order: { id: 'ASC' },
      take: 1000,
    });
    return rows.map(toEventView);
  }
}
