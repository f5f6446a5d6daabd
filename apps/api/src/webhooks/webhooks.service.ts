import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ErrorCode, SkyportError, type WebhookCreate, type DeliveryPage } from '@skyport/contracts';
import { WebhookDeliveryEntity, WebhookEntity } from '@skyport/persistence';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import type { Principal } from '../auth/principal';
import { parseAllowList, type AllowList } from './webhook-allow-list';
import { checkDestination, parseWebhookUrl, systemResolver, type ParsedWebhookUrl, type Resolver } from './webhook-destination';
import { decodeCursor, encodeCursor, pageLimit } from '../http/pagination';
import type { DeliveryView, WebhookCreated, WebhookView } from './webhooks.dto';

function toView(w: WebhookEntity): WebhookView {
  return { id: w.id, team: w.team, url: w.url, eventTypes: w.eventTypes, createdAt: w.createdAt.toISOString(), disabled: w.disabledAt !== null };
}

/** Token for the name resolver webhooks use (tests give a stub; the default is the system's). */
export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');

@Injectable()
export class WebhooksService {
  private readonly allow: AllowList;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Optional() @Inject(WEBHOOK_RESOLVER) private readonly resolve: Resolver = systemResolver,
  ) {
    this.allow = parseAllowList(config.SKYPORT_WEBHOOK_ALLOW);
  }

  async create(principal: Principal, body: WebhookCreate): Promise<WebhookCreated> {
    let target: ParsedWebhookUrl;
    try {
      target = parseWebhookUrl(body.url);
    } catch (error) {
      throw new SkyportError(ErrorCode.InvalidRequest, (error as Error).message);
    }
    const types = body.eventTypes ?? [];
    let team: string | null = principal.team;
    if (body.team !== undefined) {
      if (principal.role !== 'admin') throw new SkyportError(ErrorCode.Forbidden, 'only an admin may choose the team of a webhook');
      if (body.team !== null && !(await this.db.query('SELECT 1 FROM teams WHERE name = $1', [body.team])).length) throw new SkyportError(ErrorCode.NotFound, `no team '${body.team}'`);
      team = body.team;
    }
    if (team === null && principal.role !== 'admin') throw new SkyportError(ErrorCode.Forbidden, 'you belong to no team, so there are no events to send you; ask an admin to add you to one');
    const verdict = await checkDestination(target, this.allow, this.resolve);
    if (!verdict.ok) {
      throw new SkyportError(ErrorCode.Forbidden, `webhook refused: ${verdict.reason}. Receivers inside the network need an admin to list them in SKYPORT_WEBHOOK_ALLOW`, { field: 'url' });
    }
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    const cap = this.config.SKYPORT_WEBHOOKS_PER_TEAM;
    await this.db.transaction(async (tx) => {
      // One registration per team at a time, so two concurrent ones cannot both pass the count.
      await tx.query('SELECT pg_advisory_xact_lock(7317003, hashtext($1))', [team ?? '']);
      const active: Array<{ n: number }> = await tx.query('SELECT count(*)::int AS n FROM webhooks WHERE team IS NOT DISTINCT FROM $1 AND disabled_at IS NULL', [team]);
      if (active[0].n >= cap) {
        throw new SkyportError(ErrorCode.Conflict, `${team === null ? 'there are' : `team '${team}' has`} already ${active[0].n} webhooks, the limit is ${cap} (SKYPORT_WEBHOOKS_PER_TEAM); delete one first`, { limit: cap });
      }
      await tx.insert(WebhookEntity, { id, team, url: target.url.toString(), secret, eventTypes: types, createdBy: principal.userId === 'anonymous' ? null : principal.userId, disabledAt: null });
    });
    return { ...toView(await this.db.manager.findOneByOrFail(WebhookEntity, { id })), secret };
  }

  async list(principal: Principal): Promise<WebhookView[]> {
    const rows = await this.db.manager.find(WebhookEntity, { order: { createdAt: 'ASC' }, take: 1000 });
    return rows.filter((w) => this.visible(principal, w)).map(toView);
  }

  private visible(principal: Principal, w: WebhookEntity): boolean {
    return principal.role === 'admin' || (w.team !== null && w.team === principal.team);
  }

  async find(principal: Principal, id: string): Promise<WebhookEntity> {
    const w = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? await this.db.manager.findOne(WebhookEntity, { where: { id } }) : null;
    if (!w || !this.visible(principal, w)) throw new SkyportError(ErrorCode.NotFound, `no webhook '${id}'`);
    return w;
  }

  async remove(principal: Principal, id: string): Promise<WebhookView> {
    const w = await this.find(principal, id);
    await this.db.manager.update(WebhookEntity, { id: w.id }, { disabledAt: new Date() });
    await this.db.query(`UPDATE webhook_deliveries SET state = 'failed', last_error = 'webhook deleted' WHERE webhook_id = $1 AND state = 'pending'`, [w.id]);
    return toView(await this.db.manager.findOneByOrFail(WebhookEntity, { id: w.id }));
  }

  async deliveries(principal: Principal, id: string, query: { limit?: string; cursor?: string; state?: string }): Promise<DeliveryPage> {
    const w = await this.find(principal, id);
    const params: unknown[] = [w.id];
    const where = ['webhook_id = $1'];
    if (query.state) {
      if (!['pending', 'delivered', 'failed'].includes(query.state)) throw new SkyportError(ErrorCode.InvalidRequest, '"state" must be pending, delivered or failed');
      params.push(query.state);
      where.push(`state = $${params.length}`);
    }
    const cursor = decodeCursor(query.cursor);
    if (cursor !== undefined) {
      if (!/^\d{1,18}$/.test(cursor)) throw new SkyportError(ErrorCode.InvalidRequest, 'the cursor is not valid; use the nextCursor of the previous page');
      params.push(cursor);
      where.push(`id < $${params.length}`);
    }
    const limit = pageLimit(query.limit);
    params.push(limit + 1);
    const ids: Array<{ id: string }> = await this.db.query(`SELECT id FROM webhook_deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`, params);
    const rows = ids.length ? await this.db.manager.find(WebhookDeliveryEntity, { where: ids.map((r) => ({ id: r.id })), order: { id: 'DESC' } }) : [];
    const items = rows.slice(0, limit).map(
      (d): DeliveryView => ({
        id: d.id,
        webhookId: d.webhookId,
        eventId: d.eventId,
        state: d.state as DeliveryView['state'],
        attempts: d.attempts,
        nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt.toISOString() : null,
        lastStatus: d.lastStatus,
        lastError: d.lastError,
        createdAt: d.createdAt.toISOString(),
        deliveredAt: d.deliveredAt?.toISOString() ?? null,
        log: d.log as DeliveryView['log'],
      }),
    );
    return rows.length > limit ? { items, nextCursor: encodeCursor(items[items.length - 1].id) } : { items };
  }
}
