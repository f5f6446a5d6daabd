import type { BlockedCandidate, OptimizerRpc } from '@skyport/contracts';

type Candidate = Pick<OptimizerRpc.Candidate, 'candidateId' | 'provider' | 'region' | 'instanceType' | 'feasible' | 'reason'>;

/** Blocked lists grow across re-plans; the first reason given for a candidate is kept. */
export function mergeBlocked(previous: readonly BlockedCandidate[], next: readonly BlockedCandidate[]): BlockedCandidate[] {
  const out = new Map<string, BlockedCandidate>();
  for (const b of [...previous, ...next]) if (!out.has(b.candidateId)) out.set(b.candidateId, { candidateId: b.candidateId, reason: b.reason });
  return [...out.values()];
}

/** How a person names a candidate: the context for Kubernetes, `cloud/region/type` for a cloud. */
export function candidateLabel(c: Pick<Candidate, 'candidateId' | 'provider' | 'region'>): string {
  return c.provider === 'kubernetes' ? c.region : c.candidateId;
}

function labelOfId(id: string): string {
  return id.startsWith('kubernetes/') ? id.slice('kubernetes/'.length) : id;
}

function stripLabel(reason: string, label: string): string {
  // Reasons often start with their own subject ("ctx-a: Insufficient cpu"); say it once.
  for (const prefix of [`${label}: `, `kubernetes/${label}: `]) if (reason.startsWith(prefix)) return reason.slice(prefix.length);
  return reason;
}

/**
 * One line for `skyport status -v` and the request's events: every candidate passed over, with why, then the
 * choice — "ctx-onprem: Insufficient nvidia.com/gpu (0/8 free); ctx-gke: quota; chose aws/us-east-1 p4d.24xlarge".
 * Passed over = blocked by a failed attempt, or a Kubernetes context the plan found unable to fit the task now.
 * Clouds that are merely not enabled are left out (the plan table lists them).
 */
export function failoverSummary(candidates: readonly Candidate[], blocked: readonly BlockedCandidate[], chosen?: Candidate): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const b of blocked) {
    if (seen.has(b.candidateId)) continue;
    seen.add(b.candidateId);
    const label = labelOfId(b.candidateId);
    parts.push(`${label}: ${stripLabel(b.reason, label)}`);
  }
  for (const c of candidates) {
    if (c.feasible || c.provider !== 'kubernetes' || seen.has(c.candidateId) || c.candidateId === chosen?.candidateId) continue;
    seen.add(c.candidateId);
    const label = candidateLabel(c);
    parts.push(`${label}: ${stripLabel(c.reason || 'cannot run the task now', label)}`);
  }
  if (chosen) parts.push(chosen.provider === 'kubernetes' ? `chose ${chosen.region}` : `chose ${chosen.provider}/${chosen.region} ${chosen.instanceType}`);
  return parts.join('; ');
}
