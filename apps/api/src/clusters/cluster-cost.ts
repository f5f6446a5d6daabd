import type { EntityManager } from 'typeorm';
import { ClusterStatus } from '@skyport/contracts';
import { PlanEntity } from '@skyport/persistence';
import { planSummary } from './plan-summary';

/** The columns of a `clusters` row that its cost depends on. */
export interface BillableCluster {
  name: string;
  status: string;
  request_id: string | null;
  created_at: Date;
  updated_at: Date;
  stopped_at: Date | null;
  stopped_seconds: number;
}

export interface ClusterCost {
  /** $/hour of the plan candidate it was launched on (0 on Kubernetes). */
  hourlyPrice: number;
  /** Seconds its compute was billed (STOPPED time is free). */
  durationSeconds: number;
  /** Dollars, rounded to 1/100 of a cent. */
  totalCost: number;
  /** Set once it is TERMINATED or FAILED (its last update). */
  endedAt?: Date;
}

/**
 * Seconds a cluster's compute was billed between its launch and `end`: its life minus the time it spent STOPPED
 * (before, `stoppedSeconds`; and now, from `stoppedAt` — also for a cluster torn down while stopped).
 */
export function billedSeconds(createdAt: Date, end: Date, stoppedAt: Date | null, stoppedSeconds: number): number {
  const lived = (end.getTime() - createdAt.getTime()) / 1000;
  const stoppedNow = stoppedAt ? Math.max(0, (end.getTime() - new Date(stoppedAt).getTime()) / 1000) : 0;
  return Math.max(0, Math.round(lived - (stoppedSeconds ?? 0) - stoppedNow));
}

const round = (dollars: number) => Math.round(dollars * 10_000) / 10_000;

/** What a cluster has cost so far: its chosen candidate's $/hour × its billed time. The cost report's arithmetic. */
export function clusterCost(c: BillableCluster, hourlyPrice: number, now = new Date()): ClusterCost {
  const ended = c.status === ClusterStatus.Terminated || c.status === ClusterStatus.Failed;
  const seconds = billedSeconds(c.created_at, ended ? c.updated_at : now, c.stopped_at, c.stopped_seconds);
  return { hourlyPrice, durationSeconds: seconds, totalCost: round((hourlyPrice * seconds) / 3600), ...(ended ? { endedAt: c.updated_at } : {}) };
}

/** A sum of costs, rounded as each one is. */
export function sumCosts(costs: number[]): number {
  return round(costs.reduce((s, c) => s + c, 0));
}

/** Request id → the $/hour of its newest plan's chosen candidate, for many requests in one query. */
export async function chosenHourlyPrices(manager: EntityManager, requestIds: string[]): Promise<Map<string, number>> {
  if (!requestIds.length) return new Map();
  const plans = await manager
    .createQueryBuilder(PlanEntity, 'p')
    .distinctOn(['p.requestId'])
    .where('p.requestId IN (:...ids)', { ids: requestIds })
    .orderBy('p.requestId')
    .addOrderBy('p.createdAt', 'DESC')
    .getMany();
  return new Map(plans.map((p) => [p.requestId, planSummary(p).chosen?.totalHourlyPrice ?? 0]));
}

/** Cluster name → its cost so far, for clusters read with the columns above. */
export async function costOfClusters(manager: EntityManager, clusters: BillableCluster[], now = new Date()): Promise<Map<string, ClusterCost>> {
  const prices = await chosenHourlyPrices(manager, clusters.flatMap((c) => (c.request_id ? [c.request_id] : [])));
  return new Map(clusters.map((c) => [c.name, clusterCost(c, (c.request_id && prices.get(c.request_id)) || 0, now)]));
}
