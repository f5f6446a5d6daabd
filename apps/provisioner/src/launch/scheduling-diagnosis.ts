/** One reason the scheduler gave, with how many nodes it applied to. */
export interface SchedulingReason {
  nodes: number;
  raw: string;
  plain: string;
}

export interface PodAsk {
  cpus?: number;
  memoryGb?: number;
  gpuResourceKey?: string;
  gpus?: number;
  gpuModel?: string;
}

/**
 * Reads a FailedScheduling message ("0/4 nodes are available: 3 Insufficient cpu, 1 node(s) had untolerated
 * taint {gpu: true}. preemption: ...") into plain-word reasons. Unknown reasons are kept as written.
 */
export function parseFailedScheduling(message: string, ask: PodAsk = {}): SchedulingReason[] {
  // The list ends at the first sentence end ("... Insufficient cpu. preemption: ...", or in newer releases
  // ". no new claims to deallocate, preemption: ..."); taint keys contain dots but never a dot and a space.
  const m = /nodes are available:\s*(.*?)(?:\.\s|\.?$)/s.exec(message);
  const body = (m?.[1] ?? message).replace(/\.\s*$/, '');
  const parts = body.split(/,\s*(?=\d+\s)/).map((s) => s.trim()).filter(Boolean);
  return parts.map((part) => {
    const pm = /^(\d+)\s+(.*)$/s.exec(part);
    const nodes = pm ? Number(pm[1]) : 0;
    const raw = (pm ? pm[2] : part).trim();
    return { nodes, raw, plain: plainReason(raw, nodes, ask) };
  });
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function plainReason(raw: string, nodes: number, ask: PodAsk): string {
  const n = `${nodes} ${plural(nodes, 'node', 'nodes')}`;
  const insufficient = /^Insufficient (.+)$/.exec(raw);
  if (insufficient) {
    const res = insufficient[1];
    if (res === 'cpu') return `${n} ${plural(nodes, 'has', 'have')} too little free CPU${ask.cpus ? ` for ${ask.cpus} CPUs` : ''}`;
    if (res === 'memory') return `${n} ${plural(nodes, 'has', 'have')} too little free memory${ask.memoryGb ? ` for ${ask.memoryGb} GB` : ''}`;
    if (/gpu$/.test(res)) {
      return `${n} ${plural(nodes, 'has', 'have')} too few free GPUs (${res})${ask.gpus ? ` for ${ask.gpus}${ask.gpuModel ? ` × ${ask.gpuModel}` : ''}` : ''}`;
    }
    return `${n} ${plural(nodes, 'has', 'have')} too little free ${res}`;
  }
  if (/didn't match Pod's node affinity\/selector/.test(raw)) {
    return `${n} ${plural(nodes, 'does', 'do')} not match the pod's node selector${ask.gpuModel ? ` (no ${ask.gpuModel} GPU label)` : ''}`;
  }
  const taint = /had untolerated taint \{([^}]*)\}/.exec(raw);
  if (taint) return `${n} ${plural(nodes, 'is', 'are')} tainted (${taint[1].trim()}) and the pod does not tolerate it`;
  if (/didn't match pod anti-affinity rules/.test(raw)) return `${n} already ${plural(nodes, 'runs', 'run')} a pod the anti-affinity rules exclude`;
  if (/didn't match pod affinity rules/.test(raw)) return `${n} ${plural(nodes, 'does', 'do')} not satisfy the pod affinity rules`;
  if (/node\(s\) were unschedulable|unschedulable/.test(raw)) return `${n} ${plural(nodes, 'is', 'are')} cordoned (unschedulable)`;
  if (/volume node affinity conflict/.test(raw)) return `${n} cannot reach the pod's volume (volume node affinity conflict)`;
  if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim .* not found/i.test(raw)) return `a volume claim the pod needs is not bound`;
  if (/Too many pods/.test(raw)) return `${n} ${plural(nodes, 'has', 'have')} reached the pod limit`;
  if (/didn't have free ports/.test(raw)) return `${n} ${plural(nodes, 'has', 'have')} the requested host port in use`;
  return `${n}: ${raw}`;
}

export interface Diagnosis {
  /** One paragraph for the user. */
  message: string;
  reasons: SchedulingReason[];
  /** The command to look further. */
  hint: string;
}

export function kubectlHint(context: string, namespace: string, pod: string): string {
  return `kubectl --context ${context} -n ${namespace} describe pod ${pod}`;
}

/** The user-facing explanation of why a pod could not be placed, from the scheduler's last message. */
export function diagnoseUnschedulable(args: { pod: string; context: string; namespace: string; message: string; ask?: PodAsk; waitedS: number }): Diagnosis {
  const reasons = parseFailedScheduling(args.message, args.ask);
  const total = /^0\/(\d+) nodes are available/.exec(args.message)?.[1];
  const lead = total ? `none of the ${total} nodes of context "${args.context}" can run pod ${args.pod}` : `pod ${args.pod} could not be scheduled on context "${args.context}"`;
  const hint = kubectlHint(args.context, args.namespace, args.pod);
  const why = reasons.length > 0 ? `: ${reasons.map((r) => r.plain).join('; ')}` : `: ${args.message}`;
  return {
    message: `After ${args.waitedS} s ${lead}${why}. See \`${hint}\` for the scheduler's events.`,
    reasons,
    hint,
  };
}

/**
 * Taints the node lifecycle controller puts on nodes that are starting, unhealthy or drained: they come and go
 * on their own, so a pod refused for them may well be scheduled a moment later.
 */
const TRANSIENT_TAINT = /^(node\.kubernetes\.io\/|node\.cloudprovider\.kubernetes\.io\/uninitialized|ToBeDeletedByClusterAutoscaler)/;

/** A reason that will not change by waiting: the pod does not fit, or may not go, on the nodes as they are. */
function isFitReason(raw: string): boolean {
  if (/^Insufficient /.test(raw)) return true;
  if (/didn't match Pod's node affinity\/selector/.test(raw)) return true;
  const taint = /had untolerated taint \{([^}:]*)/.exec(raw);
  return Boolean(taint && !TRANSIENT_TAINT.test(taint[1].trim()));
}

/**
 * Whether a FailedScheduling message settles the question on a cluster that cannot grow: every node was
 * refused for a reason about fit (too little CPU/memory/GPU, node selector or affinity, a taint the pod does not
 * tolerate). Anything else (unbound volume claims, nodes not ready, cordoned nodes, reasons we do not know) may
 * resolve itself and is worth waiting for.
 */
export function isDefinitelyUnschedulable(message: string): boolean {
  if (!/^0\/\d+ nodes are available:/.test(message.trim())) return false;
  const reasons = parseFailedScheduling(message);
  return reasons.length > 0 && reasons.every((r) => r.nodes > 0 && isFitReason(r.raw));
}
