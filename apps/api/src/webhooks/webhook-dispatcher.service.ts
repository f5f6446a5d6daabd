import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from '../config';
import { EventFeed } from '../events/event-feed.service';
import { ANY_EVENT, EventWaiter } from '../events/event-waiter.service';
import { eventViewColumns, toEventView, type EventViewSource } from '../events/event-view';
import { apiMetrics } from '../metrics/api-metrics';
import { SIGNATURE_HEADER, signPayload } from './webhook-signature';
import { parseAllowList, type AllowList } from './webhook-allow-list';
import { systemResolver, type Resolver } from './webhook-destination';
import { deliverChecked } from './webhook-delivery';
import { WEBHOOK_RESOLVER } from './webhooks.service';

const CURSOR = 'webhooks';
const FANOUT_LOCK = 7_317_002;
const BATCH = 20;
const MAX_BACKOFF_MS = 3_600_000;

interface DueDelivery {
  id: string;
  attempts: number;
  event_id: string;
  url: string;
  secret: string;
  webhook_id: string;
}

/**
 * Webhooks, in two loops. Fan-out follows the events table with the gap-safe feed (one api replica at a time,
 * by advisory lock) and writes one delivery row per matching webhook, keyed (webhook, event) so nothing is
 * queued twice. Delivery leases due rows (any replica), POSTs them signed, and on failure retries with
 * exponential backoff up to SKYPORT_WEBHOOK_MAX_ATTEMPTS; every try is appended to the row's log.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly allow: AllowList;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EventFeed) private readonly feed: EventFeed,
    @Inject(EventWaiter) private readonly waiter: EventWaiter,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(WEBHOOK_RESOLVER) private readonly resolve: Resolver = systemResolver,
  ) {
    this.allow = parseAllowList(config.SKYPORT_WEBHOOK_ALLOW);
  }

  onApplicationBootstrap(): void {
    if (this.config.SKYPORT_WEBHOOKS === 'off') return;
    this.loops = [this.loop('fan-out', () => this.fanOut()), this.loop('delivery', () => this.deliverDue())];
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    await Promise.all(this.loops);
  }

  private async loop(name: string, pass: () => Promise<boolean>): Promise<void> {
    while (!this.stopped) {
      let busy = false;
      try {
        busy = await pass();
      } catch (error) {
        this.logger.warn({ err: error instanceof Error ? error.message : String(error), loop: name }, 'webhook pass failed; will retry');
      }
      if (this.stopped) break;
      if (!busy) await (name === 'fan-out' ? this.waiter.waitFor(ANY_EVENT, 1_000, this.stopping.signal) : sleep(200));
    }
  }

  /** Turns new events into delivery rows. True when it did work (so the loop goes again at once). */
  async fanOut(): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const locked: Array<{ ok: boolean }> = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [FANOUT_LOCK]);
      if (!locked[0].ok) return false;
      const hooks: Array<{ id: string; team: string | null; event_types: string[] }> = await tx.query(
        'SELECT id, team, event_types FROM webhooks WHERE disabled_at IS NULL',
      );
      let cursorRows: Array<{ event_id: string }> = await tx.query('SELECT event_id::text FROM api_cursors WHERE name = $1', [CURSOR]);
      if (!cursorRows.length) {
        // First start: webhooks get what happens from now on, not the whole history.
        const latest = await this.feed.latestId();
        await tx.query('INSERT INTO api_cursors (name, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [CURSOR, latest]);
        cursorRows = [{ event_id: latest }];
      }
      const page = await this.feed.read(cursorRows[0].event_id, null, 500);
      if (page.cursor === cursorRows[0].event_id) return false;
      if (hooks.length && page.events.length) {
        const teams: Array<{ id: string; team: string | null }> = await tx.query(
          // The cluster's team first, whoever acted (as the event stream does: events/event-feed.service.ts).
          `SELECT e.id::text AS id, COALESCE(
              (SELECT u.team FROM clusters c JOIN users u ON u.id::text = c.owner WHERE c.name = e.cluster_name),
              (SELECT u.team FROM requests r JOIN users u ON u.id::text = r.owner WHERE r.id = e.request_id),
              (SELECT u.team FROM managed_jobs mj JOIN users u ON u.id::text = mj.owner WHERE mj.id = (e.data->>'managedJobId')::int)) AS team
             FROM events e WHERE e.id = ANY($1::bigint[])`,
          [page.events.map((e) => e.id)],
        );
        const teamOf = new Map(teams.map((t) => [t.id, t.team]));
        for (const event of page.events) {
          for (const hook of hooks) {
            if (hook.team !== null && hook.team !== teamOf.get(event.id)) continue;
            if (hook.event_types.length && !hook.event_types.some((t) => event.type.startsWith(t))) continue;
            await tx.query(
              `INSERT INTO webhook_deliveries (webhook_id, event_id, state, attempts, next_attempt_at) VALUES ($1, $2, 'pending', 0, now()) ON CONFLICT DO NOTHING`,
              [hook.id, event.id],
            );
          }
        }
      }
      await tx.query('UPDATE api_cursors SET event_id = $2 WHERE name = $1', [CURSOR, page.cursor]);
      return true;
    });
  }

  /** Sends due deliveries. Each is leased first (its next try pushed past the timeout) so replicas do not double-send. */
  async deliverDue(): Promise<boolean> {
    const leaseMs = this.config.SKYPORT_WEBHOOK_TIMEOUT_MS * 2 + 1_000;
    const due: DueDelivery[] = await this.db.query(
      `UPDATE webhook_deliveries d SET next_attempt_at = now() + ($1 || ' milliseconds')::interval
         FROM webhooks w
        WHERE w.id = d.webhook_id AND d.id IN (
          SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= now() ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING d.id::text AS id, d.attempts, d.event_id::text AS event_id, w.url, w.secret, w.id AS webhook_id`,
      [String(leaseMs), BATCH],
    ).then((r: [DueDelivery[], number] | DueDelivery[]) => (Array.isArray(r[0]) ? (r[0] as DueDelivery[]) : (r as DueDelivery[])));
    if (due.length === 0) return false;
    await Promise.all(due.map((d) => this.send(d)));
    return true;
  }

  private async send(d: DueDelivery): Promise<void> {
    const events: EventViewSource[] = await this.db.query(`SELECT ${eventViewColumns()} FROM events WHERE id = $1`, [d.event_id]);
    const event = events[0] ? toEventView(events[0]) : { id: d.event_id };
    const body = JSON.stringify({ deliveryId: d.id, webhookId: d.webhook_id, event });
    const started = Date.now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'skyport-webhooks/1',
      'x-skyport-delivery': d.id,
      'x-skyport-event': String((event as { type?: unknown }).type ?? ''),
      [SIGNATURE_HEADER.toLowerCase()]: signPayload(d.secret, body),
    };
    const result = await deliverChecked(d.url, { allow: this.allow, resolve: this.resolve, timeoutMs: this.config.SKYPORT_WEBHOOK_TIMEOUT_MS }, headers, body);
    const status = result.status;
    // One class of failure whatever happened (refused, closed, silent, unresolvable, refused by the guard), so the
    // log cannot be used to map the network; only an HTTP status the receiver sent is shown.
    const error = status !== undefined && status >= 200 && status < 300 ? undefined : status !== undefined ? `delivery failed: the receiver answered HTTP ${status}` : 'delivery failed';
    const attempts = d.attempts + 1;
    const entry = JSON.stringify([{ at: new Date(started).toISOString(), ...(status !== undefined ? { status, ms: Date.now() - started } : {}), ...(error ? { error } : {}) }]);
    if (!error) {
      apiMetrics.webhookDeliveries.inc({ outcome: 'delivered' });
      await this.db.query(
        `UPDATE webhook_deliveries SET state = 'delivered', attempts = $2, last_status = $3, last_error = NULL, delivered_at = now(), log = log || $4::jsonb WHERE id = $1`,
        [d.id, attempts, status, entry],
      );
      return;
    }
    const giveUp = attempts >= this.config.SKYPORT_WEBHOOK_MAX_ATTEMPTS;
    apiMetrics.webhookDeliveries.inc({ outcome: giveUp ? 'failed' : 'retry' });
    const delay = Math.min(MAX_BACKOFF_MS, this.config.SKYPORT_WEBHOOK_BACKOFF_MS * 2 ** (attempts - 1));
    await this.db.query(
      `UPDATE webhook_deliveries SET state = $2, attempts = $3, last_status = $4, last_error = $5, next_attempt_at = $6::timestamptz + ($7 || ' milliseconds')::interval, log = log || $8::jsonb WHERE id = $1`,
      // Counted from the start of the try, so the next try's time does not tell a timeout from a refusal.
      [d.id, giveUp ? 'failed' : 'pending', attempts, status ?? null, error, new Date(started), String(delay), entry],
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
