import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACTIVITY_CHANNEL, ClusterStatus, EVENTS_CHANNEL, parseEventNotification, QueueName, RequestKind, RequestStatus, type AutodownPayload, type AutodownRequestPayload } from '@skyport/contracts';
import { recordEvent, transitionRequest } from '@skyport/persistence';
import { JobQueue, PgListener, QueueWorkers, SERVICE_CONFIG, SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import type { AutodownConfig } from '../config';
import { idleDeadline, readIdleStates, type IdleState } from './idle-state';
import { skyportMetrics } from '@skyport/telemetry';

const SOURCE = 'autodown';

/**
 * Stops (cloud VM clusters) or tears down clusters that stayed idle (no queued or running job, no open ssh session) for their autostop
 * window. The state lives in Postgres (job and session times); timers are BullMQ delayed `autodown` jobs armed
 * from it by a periodic scan, so both survive restarts. A timer that fires after new activity finds the cluster
 * busy or its window moved, and does nothing: new work cancels it.
 */
@Injectable()
export class AutodownService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private periodic?: Periodic;
  private unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(QueueWorkers) private readonly workers: QueueWorkers,
    @Inject(SERVICE_CONFIG) private readonly config: AutodownConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(PgListener) private readonly listener: PgListener,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.Autodown, (payload) => this.onTimer(payload));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!(await this.listen())) this.logger.warn('activity listener unavailable; timers are armed by the periodic scan only until it is back');
    this.periodic = runPeriodically(
      () => this.scan(),
      () => this.config.SKYPORT_AUTODOWN_SCAN_SECONDS * 1000,
      (e) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'autodown scan failed'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.periodic?.stop();
    for (const stop of this.unsubscribe) stop();
  }

  /**
   * Job state changes (their events) and ssh session ends (ACTIVITY_CHANNEL) re-evaluate that cluster at once,
   * so a window that starts when a job ends is timed from then, not from the next scan. When the listener is
   * back after a lost connection every cluster is evaluated, since activity of that time went unseen.
   */
  private async listen(): Promise<boolean> {
    const onActivity = (payload: string | undefined, channel: string): void => {
      const name = clusterOf(channel, payload);
      if (name) this.evaluate(name).catch((e: unknown) => this.logger.warn({ cluster: name, err: String(e) }, 'autodown evaluation failed'));
    };
    this.unsubscribe = [
      this.listener.listen(EVENTS_CHANNEL, onActivity),
      this.listener.listen(ACTIVITY_CHANNEL, onActivity),
      this.listener.onGap(() => void this.evaluate().catch((e: unknown) => this.logger.warn({ err: String(e) }, 'autodown evaluation failed'))),
    ];
    return this.listener.ready();
  }

  /** Arms a timer for every idle cluster (re-arming is de-duplicated by due time) and fires the overdue ones. */
  async scan(): Promise<void> {
    await this.republishPending();
    await this.evaluate();
  }

  /** Every UP cluster with autostop, or only `clusterName` (when its activity changed). */
  async evaluate(clusterName?: string): Promise<void> {
    const states = await readIdleStates(this.db.manager, { staleSessionSeconds: this.config.SKYPORT_SSH_SESSION_STALE_SECONDS, name: clusterName });
    for (const state of states) {
      if (state.busy) continue;
      const due = idleDeadline(state, this.config.SKYPORT_AUTODOWN_MINUTE_MS);
      try {
        if (due <= state.now) await this.fire(state.clusterName);
        else await this.arm(state.clusterName, due, due.getTime() - state.now.getTime());
      } catch (e) {
        this.logger.warn({ cluster: state.clusterName, err: e instanceof Error ? e.message : String(e) }, 'autodown timer not armed; the next scan retries');
      }
    }
  }

  async onTimer(payload: AutodownPayload): Promise<void> {
    await this.fire(payload.clusterName);
  }

  private async arm(clusterName: string, due: Date, delayMs: number): Promise<void> {
    // BullMQ refuses custom ids with more than two ':' (an ISO time has two of its own): key by epoch ms.
    const jobId = `autodown:${clusterName}:${due.getTime()}`;
    await this.queue.enqueue(QueueName.Autodown, { clusterName, dueAt: due.toISOString() }, { delayMs, jobId });
  }

  /**
   * Under the cluster row's lock (the api takes the same lock to accept a job), checks that the cluster is
   * still idle past its window; then, so no job can be accepted in between, either sets its `stop` intent (it is
   * STOPPED from then on) and hands the stop to the provisioner (a cloud VM cluster without `--down`: SkyPilot's
   * autostop), or sets its `down` intent (TEARING_DOWN), records a `down` request and hands the teardown over (`--down`, and Kubernetes clusters,
   * which cannot stop).
   */
  async fire(clusterName: string): Promise<boolean> {
    const decided = await this.db.transaction(async (tx) => {
      const [state] = await readIdleStates(tx, { staleSessionSeconds: this.config.SKYPORT_SSH_SESSION_STALE_SECONDS, name: clusterName, lock: true });
      if (!state || state.busy || idleDeadline(state, this.config.SKYPORT_AUTODOWN_MINUTE_MS) > state.now) return undefined;
      const id = randomUUID();
      const reason = autodownReason(state);
      const stop = autostopStops(state);
      // The intent makes the cluster STOPPED or TEARING_DOWN from this commit on (its status is computed), so no
      // job is accepted in between; the provisioner moves its phase when it acts.
      await tx.query(`UPDATE clusters SET intent = $2, intent_reason = $3, updated_at = now() WHERE name = $1`, [clusterName, stop ? 'stop' : 'down', reason]);
      await tx.query(
        `INSERT INTO requests (id, kind, status, cluster_name, owner, body_hash, payload) VALUES ($1, $2, $3, $4, 'autodown', 'autodown', $5)`,
        [id, stop ? RequestKind.Stop : RequestKind.Down, RequestStatus.Pending, clusterName, JSON.stringify({ autodown: true, idleMinutes: state.idleMinutes, down: state.down } satisfies AutodownRequestPayload)],
      );
      await recordEvent(tx, SOURCE, { type: 'cluster.autodown', message: reason, requestId: id, clusterName, data: { idleMinutes: state.idleMinutes, idleSince: state.idleSince.toISOString() } });
      skyportMetrics.autodownTeardowns().inc({ reason: state.down ? 'autodown' : 'autostop' });
      return { id, stop };
    });
    if (!decided) return false;
    if (decided.stop) await this.queue.enqueue(QueueName.ClusterPower, { clusterName, requestId: decided.id, action: 'stop', reason: 'autostop' });
    else await this.queue.enqueue(QueueName.Teardown, { clusterName, requestId: decided.id, reason: 'autodown' });
    this.logger.info({ cluster: clusterName }, decided.stop ? 'autostop: stop requested' : 'autodown: teardown requested');
    return true;
  }

  /**
   * A crash between the commit and the enqueue above leaves a pending autodown request: publish it again. Once
   * the provisioner has terminated the cluster, the request is done.
   */
  private async republishPending(): Promise<void> {
    const done: Array<{ id: string }> = await this.db.query(
      `SELECT r.id FROM requests r JOIN clusters c ON c.name = r.cluster_name
       WHERE r.kind = $1 AND r.owner = 'autodown' AND r.status = $2 AND c.status = $3`,
      [RequestKind.Down, RequestStatus.Pending, ClusterStatus.Terminated],
    );
    for (const r of done) await transitionRequest(this.db.manager, SOURCE, r.id, { from: [RequestStatus.Pending], to: RequestStatus.Succeeded });
    const rows: Array<{ id: string; cluster_name: string }> = await this.db.query(
      `SELECT r.id, r.cluster_name FROM requests r JOIN clusters c ON c.name = r.cluster_name
       WHERE r.kind = $1 AND r.owner = 'autodown' AND r.status = $2 AND c.status = $3`,
      [RequestKind.Down, RequestStatus.Pending, ClusterStatus.TearingDown],
    );
    for (const r of rows) await this.queue.enqueue(QueueName.Teardown, { clusterName: r.cluster_name, requestId: r.id, reason: 'autodown' });
    // The same for an autostop's stop (the provisioner ends the request once the VMs are stopped).
    const stops: Array<{ id: string; cluster_name: string }> = await this.db.query(
      `SELECT r.id, r.cluster_name FROM requests r JOIN clusters c ON c.name = r.cluster_name
       WHERE r.kind = $1 AND r.owner = 'autodown' AND r.status = $2 AND c.status = $3`,
      [RequestKind.Stop, RequestStatus.Pending, ClusterStatus.Stopped],
    );
    for (const r of stops) await this.queue.enqueue(QueueName.ClusterPower, { clusterName: r.cluster_name, requestId: r.id, action: 'stop', reason: 'autostop' });
  }
}

/** Autostop without `--down` stops a cloud VM cluster (SkyPilot's default); Kubernetes clusters cannot stop. */
export function autostopStops(state: Pick<IdleState, 'down' | 'infra'>): boolean {
  const provider = (state.infra ?? '').split('/')[0];
  return !state.down && provider !== '' && provider !== 'kubernetes';
}

/** What autostop does to the cluster and why, as the status reason and the event say it. */
export function autodownReason(state: Pick<IdleState, 'idleMinutes' | 'down' | 'infra'>): string {
  const idle = `idle for ${state.idleMinutes} minute${state.idleMinutes === 1 ? '' : 's'}`;
  if (state.down) return `autodown: ${idle}; tearing the cluster down`;
  if (autostopStops(state)) return `autostop: ${idle}; stopping the cluster (its VMs stop, their disks are kept; 'skyport start' brings it back)`;
  return `autostop: ${idle}; Kubernetes clusters cannot be stopped, so the cluster is torn down instead`;
}

function clusterOf(channel: string, payload: string | undefined): string | undefined {
  if (channel === ACTIVITY_CHANNEL) return payload || undefined;
  return parseEventNotification(payload)?.clusterName ?? undefined;
}
