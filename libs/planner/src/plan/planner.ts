import { randomUUID } from 'node:crypto';
import { ErrorCode, SkyportError, type OptimizerRpc, type ProvisionerRpc } from '@skyport/contracts';
import type { BlockedCandidateInput, PlanInput } from '../input/plan-input.types';
import { cloudCandidates } from '../cloud/cloud-candidates';
import { kubernetesCandidateId, kubernetesCandidates } from '../kubernetes/kubernetes-candidates';
import { compareCandidates, type RankedCandidate } from './plan-order';

function isBlocked(candidate: OptimizerRpc.Candidate, blocked: ReadonlySet<string>): boolean {
  if (blocked.has(candidate.candidateId)) return true;
  // Blocking `kubernetes/<context>` blocks every shape on that context.
  return candidate.provider === 'kubernetes' && blocked.has(`kubernetes/${candidate.region}`);
}

/**
 * Every candidate for the task, in failover order (the chosen one first). Pure: the same input gives the same
 * plan, apart from a generated plan id. A plan with no feasible candidate has `chosenIndex` -1; see
 * `noFeasibleResourcesError` for the error that names each candidate's reason.
 */
export function planTask(input: PlanInput): OptimizerRpc.PlanResponse {
  const { task, config } = input;
  if (task.resources.length === 0) throw new SkyportError(ErrorCode.InvalidTask, 'the task has no resources to plan');
  const numNodes = Math.max(1, Math.floor(task.numNodes || 1));
  const capacityByContext = new Map<string, ProvisionerRpc.ContextCapacity>();
  for (const ctx of input.capacity) capacityByContext.set(ctx.context, ctx);
  const blocked = new Set((input.blocked ?? []).map((b) => b.candidateId));

  const ranked: RankedCandidate[] = [];
  const k8sShapes = new Map<string, Set<string>>();
  task.resources.forEach((res, option) => {
    for (const candidate of kubernetesCandidates({ res, numNodes, config, capacityByContext, capacityError: input.capacityError })) {
      const shapes = k8sShapes.get(candidate.region) ?? new Set<string>();
      shapes.add(candidate.instanceType);
      k8sShapes.set(candidate.region, shapes);
      ranked.push({ candidate, option, seq: ranked.length });
    }
    for (const candidate of cloudCandidates(res, numNodes, input.catalog, config)) ranked.push({ candidate, option, seq: ranked.length });
  });
  for (const r of ranked) {
    if (r.candidate.provider !== 'kubernetes' || !r.candidate.region) continue;
    const shapes = k8sShapes.get(r.candidate.region)?.size ?? 1;
    r.candidate.candidateId = kubernetesCandidateId(r.candidate.region, r.candidate.instanceType, shapes);
  }

  ranked.sort(compareCandidates(task.resourcesOrder));
  const seen = new Set<string>();
  const candidates: OptimizerRpc.Candidate[] = [];
  for (const { candidate } of ranked) {
    if (seen.has(candidate.candidateId) || isBlocked(candidate, blocked)) continue;
    seen.add(candidate.candidateId);
    candidates.push(candidate);
  }
  return {
    planId: input.planId ?? randomUUID(),
    numNodes,
    candidates,
    chosenIndex: candidates.length > 0 && candidates[0].feasible ? 0 : -1,
  };
}

/** The error for a plan without a feasible candidate: one line per candidate (and blocked one) with its reason. */
export function noFeasibleResourcesError(plan: OptimizerRpc.PlanResponse, blocked: readonly BlockedCandidateInput[] = []): SkyportError {
  const lines = plan.candidates.map((c) => `  - ${c.reason || `${c.candidateId}: not feasible`} [${c.instanceType}]`);
  for (const b of blocked) lines.push(`  - ${b.candidateId}: blocked after a failed attempt: ${b.reason}`);
  const head =
    lines.length === 0
      ? 'No resources can run this task: no candidate matches its resources'
      : `No resources can run this task right now (${plan.numNodes} node${plan.numNodes === 1 ? '' : 's'}):`;
  return new SkyportError(ErrorCode.NoFeasibleResources, [head, ...lines].join('\n'), {
    candidates: plan.candidates.map((c) => ({ candidateId: c.candidateId, reason: c.reason })),
    blocked: blocked.map((b) => ({ candidateId: b.candidateId, reason: b.reason })),
  });
}

/** `planTask`, throwing `NO_FEASIBLE_RESOURCES` when nothing can run the task now. */
export function planTaskOrThrow(input: PlanInput): OptimizerRpc.PlanResponse {
  const plan = planTask(input);
  if (plan.chosenIndex < 0) throw noFeasibleResourcesError(plan, input.blocked);
  return plan;
}
