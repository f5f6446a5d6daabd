import { Inject, Injectable } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import { ErrorCode, SkyportError, type EventView, type RequestView } from '@skyport/contracts';
import { EventEntity, RequestEntity } from '@skyport/persistence';

export function toEventView(e: EventEntity): EventView {
  return {
    id: e.id,
    at: e.createdAt.toISOString(),
    type: e.type,
    message: e.message,
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(e.clusterName ? { clusterName: e.clusterName } : {}),
    ...(e.jobId !== null ? { jobId: e.jobId } : {}),
    ...(e.data ? { data: e.data } : {}),
  };
}

@Injectable()
export class RequestsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async get(id: string): Promise<RequestView> {
    const request = await this.find(id);
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
    };
  }

  async find(id: string): Promise<RequestEntity> {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await this.db.manager.findOne(RequestEntity, { where: { id } }) : null;
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
