import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, ErrorCode, JobStatus, SkyportError, type JobView } from '@skyport/contracts';
import { AttemptEntity, ClusterEntity, EventEntity, JobEntity, PlanEntity } from '@skyport/persistence';
import type { Principal } from '../auth/principal';
import { ownerScope } from '../auth/team-scope';
import { toEventView } from '../requests/requests.service';
import { QuotaService } from '../quota/quota.service';
import { decodeCursor, encodeCursor, pageLimit } from '../http/pagination';
import type { AttemptView, ClusterDetail, ClusterSummary, CostReportItem, EndpointsView, PlanSummary } from './clusters.dto';

const CLUSTER_STATUSES = new Set<string>(Object.values(ClusterStatus));
const JOB_STATUSES = new Set<string>(Object.values(JobStatus));

type ClusterRow = ClusterEntity & { ownerName: string | null; ownerTeam: string | null };

function statusList(raw: string | undefined, allowed: Set<string>, what: string): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const list = raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const bad = list.filter((s) => !allowed.has(s));
  if (bad.length) throw new SkyportError(ErrorCode.InvalidRequest, `unknown ${what} status(es): ${bad.join(', ')}; use ${[...allowed].join(', ')}`);
  return list;
}

export function toJobView(j: JobEntity): JobView {
  return {
    clusterName: j.clusterName,
    jobId: j.jobId,
    ...(j.name ? { name: j.name } : {}),
    status: j.status,
    submittedAt: j.submittedAt.toISOString(),
    ...(j.startedAt ? { startedAt: j.startedAt.toISOString() } : {}),
    ...(j.endedAt ? { endedAt: j.endedAt.toISOString() } : {}),
    ...(j.exitCodes ? { exitCodes: j.exitCodes } : {}),
  };
}

function resourcesOf(task: Record<string, unknown> | null): string | undefined {
  const r = (task?.resources as Array<Record<string, unknown>> | undefined)?.[0];
  if (!r) return undefined;
  const parts: string[] = [];
  const cpus = r.cpus as { value: number; orMore: boolean } | undefined;
  const mem = r.memory as { value: number; orMore: boolean } | undefined;
  const acc = r.accelerator as { name: string; count: number } | undefined;
  if (cpus) parts.push(`cpus=${cpus.value}${cpus.orMore ? '+' : ''}`);
  if (mem) parts.push(`mem=${mem.value}${mem.orMore ? '+' : ''}GB`);
  if (acc) parts.push(`${acc.name}:${acc.count}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** Read side of clusters and jobs, limited to what the caller's team may see (others are "not found"). */
@Injectable()
export class ClustersService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(QuotaService) private readonly quotas: QuotaService,
  ) {}

  async list(
    principal: Principal,
    query: { status?: string; owner?: string; team?: string; name?: string; limit?: string; cursor?: string; all?: string },
  ): Promise<{ items: ClusterSummary[]; nextCursor?: string }> {
    const params: unknown[] = [];
    const where = [ownerScope(principal, 'c.owner', params)];
    const statuses = statusList(query.status, CLUSTER_STATUSES, 'cluster');
    if (statuses) {
      params.push(statuses);
      where.push(`c.status = ANY($${params.length})`);
    } else if (query.all !== 'true' && query.all !== '1') {
      // Like `sky status`: clusters that ended are listed only when asked for.
      where.push(`c.status <> 'TERMINATED'`);
    }
    if (query.owner) {
      params.push(query.owner);
      where.push(`u.name = $${params.length}`);
    }
    if (query.team) {
      params.push(query.team);
      where.push(`u.team = $${params.length}`);
    }
    if (query.name) {
      params.push(`${query.name.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
      where.push(`c.name LIKE $${params.length}`);
    }
    const { rows, limit } = await this.page(where, params, query);
    const items = await Promise.all(rows.slice(0, limit).map((r) => this.summary(r)));
    return rows.length > limit ? { items, nextCursor: encodeCursor(rows[limit - 1].name) } : { items };
  }

  /** One page of clusters by name (keyset on the name), plus one row to tell whether another page follows. */
  private async page(where: string[], params: unknown[], query: { limit?: string; cursor?: string }): Promise<{ rows: ClusterRow[]; limit: number }> {
    const after = decodeCursor(query.cursor);
    if (after !== undefined) {
      params.push(after);
      where.push(`c.name > $${params.length}`);
    }
    const limit = pageLimit(query.limit);
    params.push(limit + 1);
    return { rows: await this.rows(`WHERE ${where.join(' AND ')} ORDER BY c.name LIMIT $${params.length}`, params), limit };
  }

  /** The cluster row if the caller may see it; "not found" otherwise. */
  async find(principal: Principal, name: string): Promise<ClusterRow> {
    const params: unknown[] = [name];
    const rows = await this.rows(`WHERE c.name = $1 AND ${ownerScope(principal, 'c.owner', params)}`, params);
    if (!rows[0]) throw new SkyportError(ErrorCode.NotFound, `no cluster '${name}'`);
    return rows[0];
  }

  private async rows(tail: string, params: unknown[]): Promise<ClusterRow[]> {
    const raw: Array<Record<string, unknown>> = await this.db.query(
      `SELECT c.*, u.name AS owner_name, u.team AS owner_team FROM clusters c LEFT JOIN users u ON u.id::text = c.owner ${tail}`,
      params,
    );
    return raw.map((r) => ({
      name: r.name as string,
      status: r.status as ClusterStatus,
      owner: r.owner as string,
      infra: (r.infra as string | null) ?? null,
      namespace: (r.namespace as string | null) ?? null,
      instanceType: (r.instance_type as string | null) ?? null,
      numNodes: Number(r.num_nodes),
      task: (r.task as Record<string, unknown> | null) ?? null,
      requestId: (r.request_id as string | null) ?? null,
      autostopMinutes: (r.autostop_minutes as number | null) ?? null,
      autostopDown: Boolean(r.autostop_down),
      statusReason: (r.status_reason as string | null) ?? null,
      lastActivityAt: (r.last_activity_at as Date | null) ?? null,
      createdAt: r.created_at as Date,
      updatedAt: r.updated_at as Date,
      ownerName: (r.owner_name as string | null) ?? (r.owner === 'anonymous' ? 'anonymous' : null),
      ownerTeam: (r.owner_team as string | null) ?? null,
    }));
  }

  private async summary(c: ClusterRow): Promise<ClusterSummary> {
    let task = c.task;
    if (!task && c.requestId) {
      const rows: Array<{ payload: { task?: Record<string, unknown> } }> = await this.db.query('SELECT payload FROM requests WHERE id = $1', [c.requestId]);
      task = rows[0]?.payload?.task ?? null;
    }
    const view: ClusterSummary = {
      name: c.name,
      status: c.status,
      ...(c.infra ? { infra: c.infra } : {}),
      ...(c.namespace ? { namespace: c.namespace } : {}),
      ...(c.instanceType ? { instanceType: c.instanceType } : {}),
      numNodes: c.numNodes,
      ...(resourcesOf(task) ? { resources: resourcesOf(task) } : {}),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      ...(c.autostopMinutes !== null ? { autostop: { idleMinutes: c.autostopMinutes, down: c.autostopDown } } : {}),
      ...(c.statusReason ? { statusReason: c.statusReason } : {}),
      owner: c.ownerName,
      team: c.ownerTeam,
      ...(c.requestId ? { requestId: c.requestId } : {}),
    };
    if (c.status === ClusterStatus.Init && c.requestId) {
      const entry = await this.quotas.entryFor(c.requestId);
      if (entry?.state === 'queued') view.queued = { position: await this.quotas.position(this.db.manager, entry), reason: entry.reason };
    }
    return view;
  }

  async detail(principal: Principal, name: string): Promise<ClusterDetail> {
    const c = await this.find(principal, name);
    const summary = await this.summary(c);
    const counts: Array<{ status: string; n: number }> = await this.db.query('SELECT status, count(*)::int AS n FROM jobs WHERE cluster_name = $1 GROUP BY status', [name]);
    const latest = await this.db.manager.find(JobEntity, { where: { clusterName: name }, order: { jobId: 'DESC' }, take: 10 });
    const attempts = c.requestId ? await this.db.manager.find(AttemptEntity, { where: { requestId: c.requestId }, order: { id: 'ASC' }, take: 100 }) : [];
    const plan = c.requestId ? await this.db.manager.findOne(PlanEntity, { where: { requestId: c.requestId }, order: { createdAt: 'DESC' } }) : null;
    const events = await this.db.manager.find(EventEntity, { where: { clusterName: name }, order: { id: 'DESC' }, take: 20 });
    const nodesEvent = events.find((e) => Array.isArray((e.data as { nodes?: unknown } | null)?.nodes));
    return {
      ...summary,
      jobs: {
        total: counts.reduce((s, r) => s + Number(r.n), 0),
        byStatus: Object.fromEntries(counts.map((r) => [r.status, Number(r.n)])),
        latest: latest.map(toJobView),
      },
      attempts: attempts.map(
        (a): AttemptView => ({
          candidateId: a.candidateId,
          outcome: a.outcome,
          ...(a.reason ? { reason: a.reason } : {}),
          startedAt: a.startedAt.toISOString(),
          ...(a.endedAt ? { endedAt: a.endedAt.toISOString() } : {}),
        }),
      ),
      ...(plan ? { plan: planSummary(plan) } : {}),
      nodes: ((nodesEvent?.data as { nodes?: Array<Record<string, unknown>> } | undefined)?.nodes ?? []).slice(0, 1000),
      events: events.reverse().map(toEventView),
    };
  }

  async jobs(principal: Principal, name: string, query: { status?: string; limit?: string; cursor?: string }): Promise<{ items: JobView[]; nextCursor?: string }> {
    await this.find(principal, name);
    const params: unknown[] = [name];
    const where = ['cluster_name = $1'];
    const statuses = statusList(query.status, JOB_STATUSES, 'job');
    if (statuses) {
      params.push(statuses);
      where.push(`status = ANY($${params.length})`);
    }
    const after = decodeCursor(query.cursor);
    if (after !== undefined) {
      if (!/^\d+$/.test(after)) throw new SkyportError(ErrorCode.InvalidRequest, 'the cursor is not valid; use the nextCursor of the previous page');
      params.push(Number(after));
      where.push(`job_id < $${params.length}`);
    }
    const limit = pageLimit(query.limit);
    params.push(limit + 1);
    const ids: Array<{ id: string }> = await this.db.query(`SELECT id FROM jobs WHERE ${where.join(' AND ')} ORDER BY job_id DESC LIMIT $${params.length}`, params);
    const rows = ids.length ? await this.db.manager.find(JobEntity, { where: ids.map((r) => ({ id: r.id })), order: { jobId: 'DESC' } }) : [];
    const items = rows.slice(0, limit).map(toJobView);
    return rows.length > limit ? { items, nextCursor: encodeCursor(String(rows[limit - 1].jobId)) } : { items };
  }

  /** Port → address, as the provisioner published it in an event's data (`{endpoints: {"8080": "http://..."}}`). */
  async endpoints(principal: Principal, name: string): Promise<EndpointsView> {
    await this.find(principal, name);
    const published: Array<{ data: { endpoints?: Record<string, unknown> } }> = await this.db.query(
      `SELECT data FROM events WHERE cluster_name = $1 AND data ? 'endpoints' ORDER BY id DESC LIMIT 1`,
      [name],
    );
    const out: EndpointsView = {};
    for (const [port, url] of Object.entries(published[0]?.data?.endpoints ?? {})) if (/^\d+$/.test(port) && typeof url === 'string') out[port] = url;
    return out;
  }

  /** Cost per cluster (running and ended) from its chosen plan candidate's price × how long it has lived. */
  async costReport(principal: Principal, query: { limit?: string; cursor?: string }): Promise<{ items: CostReportItem[]; totalCost: number; nextCursor?: string }> {
    const params: unknown[] = [];
    const { rows, limit } = await this.page([ownerScope(principal, 'c.owner', params)], params, query);
    const items: CostReportItem[] = [];
    for (const c of rows.slice(0, limit)) {
      const plan = c.requestId ? await this.db.manager.findOne(PlanEntity, { where: { requestId: c.requestId }, order: { createdAt: 'DESC' } }) : null;
      const chosen = plan ? planSummary(plan).chosen : undefined;
      const ended = c.status === ClusterStatus.Terminated || c.status === ClusterStatus.Failed;
      const end = ended ? c.updatedAt : new Date();
      const seconds = Math.max(0, Math.round((end.getTime() - c.createdAt.getTime()) / 1000));
      const hourly = chosen?.totalHourlyPrice ?? 0;
      items.push({
        clusterName: c.name,
        status: c.status,
        ...(c.infra ? { infra: c.infra } : {}),
        owner: c.ownerName,
        team: c.ownerTeam,
        launchedAt: c.createdAt.toISOString(),
        ...(ended ? { endedAt: c.updatedAt.toISOString() } : {}),
        durationSeconds: seconds,
        hourlyPrice: hourly,
        totalCost: Math.round(((hourly * seconds) / 3600) * 10_000) / 10_000,
      });
    }
    const totalCost = Math.round(items.reduce((s, i) => s + i.totalCost, 0) * 10_000) / 10_000;
    return rows.length > limit ? { items, totalCost, nextCursor: encodeCursor(rows[limit - 1].name) } : { items, totalCost };
  }
}

export function planSummary(plan: PlanEntity): PlanSummary {
  const body = plan.plan as { numNodes?: number; candidates?: Array<Record<string, unknown>>; chosenIndex?: number };
  const candidates = body.candidates ?? [];
  const chosen = plan.chosenIndex >= 0 ? candidates[plan.chosenIndex] : undefined;
  return {
    planId: plan.id,
    createdAt: plan.createdAt.toISOString(),
    numNodes: Number(body.numNodes ?? 1),
    ...(chosen
      ? {
          chosen: {
            candidateId: String(chosen.candidateId ?? ''),
            instanceType: String(chosen.instanceType ?? ''),
            hourlyPrice: Number(chosen.hourlyPrice ?? 0),
            totalHourlyPrice: Number(chosen.totalHourlyPrice ?? 0),
            ...(chosen.namespace ? { namespace: String(chosen.namespace) } : {}),
          },
        }
      : {}),
    candidates: candidates.slice(0, 200).map((c) => ({
      candidateId: String(c.candidateId ?? ''),
      feasible: Boolean(c.feasible),
      ...(c.reason ? { reason: String(c.reason) } : {}),
      totalHourlyPrice: Number(c.totalHourlyPrice ?? 0),
    })),
  };
}
