import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, ErrorCode, JobStatus, SkyportError, type JobView, type ProvisionerRpc } from '@skyport/contracts';
import { callUnary } from '@skyport/service-kit';
import { AttemptEntity, EventEntity, JobEntity, PlanEntity } from '@skyport/persistence';
import { formatJobDemand, jobDemandOf, nodeResourcesOf, type NodeResources } from '@skyport/task-spec';
import type { Principal } from '../auth/principal';
import { PROVISIONER_CLIENT } from '../provisioner/provisioner-client.provider';
import { toEventView } from '../events/event-view';
import { decodeCursor, encodeCursor, pageLimit } from '../http/pagination';
import type { AttemptView, ClusterDetail, ClusterPage, CostReportItem, CostReportPage, EndpointsView, JobPage } from './clusters.dto';
import { clusterPageSql, type ClusterFilter, type ClusterRow } from './cluster-rows.query';
import { ownerNameOf, toClusterSummary } from './cluster-summary';
import { costOfClusters, sumCosts } from './cluster-cost';
import { planSummary } from './plan-summary';

const ENDPOINTS_TIMEOUT_MS = 5_000;

const CLUSTER_STATUSES = new Set<string>(Object.values(ClusterStatus));
const JOB_STATUSES = new Set<string>(Object.values(JobStatus));

function statusList(raw: string | undefined, allowed: Set<string>, what: string): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const list = raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const bad = list.filter((s) => !allowed.has(s));
  if (bad.length) throw new SkyportError(ErrorCode.InvalidRequest, `unknown ${what} status(es): ${bad.join(', ')}; use ${[...allowed].join(', ')}`);
  return list;
}

/**
 * A job as the api shows it; `node` (the cluster's per-node resources) picks the resource choice it holds, and a
 * launch's job holds what SkyPilot's does (see job-demand.ts in libs/task-spec).
 */
export function toJobView(j: JobEntity, node?: NodeResources, launch = false): JobView {
  return {
    clusterName: j.clusterName,
    jobId: j.jobId,
    ...(j.name ? { name: j.name } : {}),
    status: j.status,
    submittedAt: j.submittedAt.toISOString(),
    ...(j.startedAt ? { startedAt: j.startedAt.toISOString() } : {}),
    ...(j.endedAt ? { endedAt: j.endedAt.toISOString() } : {}),
    ...(j.exitCodes ? { exitCodes: j.exitCodes } : {}),
    resources: formatJobDemand(jobDemandOf(j.task, node, { launch }), typeof j.task.numNodes === 'number' ? j.task.numNodes : 1),
  };
}

function nodeOf(c: ClusterRow): NodeResources | undefined {
  return nodeResourcesOf({ infra: c.infra, instanceType: c.instance_type });
}

/** Which of these jobs a launch made (the others came from exec). */
async function launchJobs(db: DataSource, jobs: JobEntity[]): Promise<Set<string>> {
  const ids = jobs.flatMap((j) => (j.requestId ? [j.requestId] : []));
  if (!ids.length) return new Set();
  const rows: Array<{ id: string }> = await db.query(`SELECT id FROM requests WHERE id = ANY($1::uuid[]) AND kind = 'launch'`, [ids]);
  return new Set(rows.map((r) => r.id));
}

/** Read side of clusters and jobs, limited to what the caller's team may see (others are "not found"). */
@Injectable()
export class ClustersService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(PROVISIONER_CLIENT) private readonly provisioner: ProvisionerRpc.ProvisionerClient,
  ) {}

  async list(
    principal: Principal,
    query: { status?: string; owner?: string; team?: string; name?: string; limit?: string; cursor?: string; all?: string },
  ): Promise<ClusterPage> {
    const filter: ClusterFilter = {
      statuses: statusList(query.status, CLUSTER_STATUSES, 'cluster'),
      // Like `sky status`: clusters that ended are listed only when asked for.
      includeEnded: query.all === 'true' || query.all === '1',
      ...(query.owner ? { ownerName: query.owner } : {}),
      ...(query.team ? { team: query.team } : {}),
      ...(query.name ? { namePrefix: query.name } : {}),
    };
    const { rows, limit } = await this.page(principal, filter, query);
    const items = rows.slice(0, limit).map(toClusterSummary);
    return rows.length > limit ? { items, nextCursor: encodeCursor(rows[limit - 1].name) } : { items };
  }

  /** One page of clusters by name (keyset on the name), plus one row to tell whether another page follows. */
  private async page(principal: Principal, filter: ClusterFilter, query: { limit?: string; cursor?: string }): Promise<{ rows: ClusterRow[]; limit: number }> {
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor);
    const { sql, params } = clusterPageSql(principal, { ...filter, ...(after !== undefined ? { after } : {}) }, limit + 1);
    return { rows: await this.db.query(sql, params), limit };
  }

  /** The cluster row if the caller may see it; "not found" otherwise. */
  async find(principal: Principal, name: string): Promise<ClusterRow> {
    const { sql, params } = clusterPageSql(principal, { name, includeEnded: true }, 1);
    const rows: ClusterRow[] = await this.db.query(sql, params);
    if (!rows[0]) throw new SkyportError(ErrorCode.NotFound, `no cluster '${name}'`);
    return rows[0];
  }

  async detail(principal: Principal, name: string): Promise<ClusterDetail> {
    const c = await this.find(principal, name);
    // Independent reads, each on its own index: in parallel rather than one after another.
    const [counts, latest, attempts, plan, events] = await Promise.all([
      this.db.query('SELECT status, count(*)::int AS n FROM jobs WHERE cluster_name = $1 GROUP BY status', [name]) as Promise<Array<{ status: string; n: number }>>,
      this.db.manager.find(JobEntity, { where: { clusterName: name }, order: { jobId: 'DESC' }, take: 10 }),
      c.request_id ? this.db.manager.find(AttemptEntity, { where: { requestId: c.request_id }, order: { id: 'ASC' }, take: 100 }) : Promise.resolve([]),
      c.request_id ? this.db.manager.findOne(PlanEntity, { where: { requestId: c.request_id }, order: { createdAt: 'DESC' } }) : Promise.resolve(null),
      this.db.manager.find(EventEntity, { where: { clusterName: name }, order: { id: 'DESC' }, take: 20 }),
    ]);
    const launched = await launchJobs(this.db, latest);
    const nodesEvent = events.find((e) => Array.isArray((e.data as { nodes?: unknown } | null)?.nodes));
    return {
      ...toClusterSummary(c),
      jobs: {
        total: counts.reduce((s, r) => s + Number(r.n), 0),
        byStatus: Object.fromEntries(counts.map((r) => [r.status, Number(r.n)])),
        latest: latest.map((j) => toJobView(j, nodeOf(c), j.requestId !== null && launched.has(j.requestId))),
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

  async jobs(principal: Principal, name: string, query: { status?: string; limit?: string; cursor?: string }): Promise<JobPage> {
    const cluster = await this.find(principal, name);
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
    const node = nodeOf(cluster);
    const launched = await launchJobs(this.db, rows);
    const items = rows.slice(0, limit).map((j) => toJobView(j, node, j.requestId !== null && launched.has(j.requestId)));
    return rows.length > limit ? { items, nextCursor: encodeCursor(String(rows[limit - 1].jobId)) } : { items };
  }

  /**
   * Port → address, read now by the provisioner (a LoadBalancer address that came after the launch shows; a cloud
   * cluster's VM address too). When the provisioner does not answer: what it published at launch.
   */
  async endpoints(principal: Principal, name: string): Promise<EndpointsView> {
    await this.find(principal, name);
    try {
      const live = await callUnary(this.provisioner.endpoints.bind(this.provisioner), { clusterName: name }, ENDPOINTS_TIMEOUT_MS);
      return { ...live.endpoints };
    } catch {
      return this.publishedEndpoints(name);
    }
  }

  /** As the provisioner published them in an event's data (`{endpoints: {"8080": "http://..."}}`). */
  private async publishedEndpoints(name: string): Promise<EndpointsView> {
    const published: Array<{ data: { endpoints?: Record<string, unknown> } }> = await this.db.query(
      `SELECT data FROM events WHERE cluster_name = $1 AND data ? 'endpoints' ORDER BY id DESC LIMIT 1`,
      [name],
    );
    const out: EndpointsView = {};
    for (const [port, url] of Object.entries(published[0]?.data?.endpoints ?? {})) if (/^\d+$/.test(port) && typeof url === 'string') out[port] = url;
    return out;
  }

  /** Cost per cluster (running and ended) from its chosen plan candidate's price × how long its compute ran (STOPPED time is free). */
  async costReport(principal: Principal, query: { limit?: string; cursor?: string }): Promise<CostReportPage> {
    const { rows, limit } = await this.page(principal, { includeEnded: true }, query);
    const pageRows = rows.slice(0, limit);
    const costs = await costOfClusters(this.db.manager, pageRows);
    const items = pageRows.map((c): CostReportItem => {
      const cost = costs.get(c.name)!;
      return {
        clusterName: c.name,
        status: c.status as ClusterStatus,
        ...(c.infra ? { infra: c.infra } : {}),
        owner: ownerNameOf(c),
        team: c.owner_team,
        launchedAt: c.created_at.toISOString(),
        ...(cost.endedAt ? { endedAt: cost.endedAt.toISOString() } : {}),
        durationSeconds: cost.durationSeconds,
        hourlyPrice: cost.hourlyPrice,
        totalCost: cost.totalCost,
      };
    });
    const totalCost = sumCosts(items.map((i) => i.totalCost));
    return rows.length > limit ? { items, totalCost, nextCursor: encodeCursor(rows[limit - 1].name) } : { items, totalCost };
  }
}

export { planSummary } from './plan-summary';
export { billedSeconds } from './cluster-cost';
