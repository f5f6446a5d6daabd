import { ErrorCode, SkyportError, type OptimizerRpc } from '@skyport/contracts';
import type { EffectiveKubernetesSettings, SkyportConfig } from '@skyport/config';
import { isKubernetesInstanceType, kubernetesInstanceTypeFor, parseKubernetesInstanceType, type ResourceRequest, type TaskSpec } from '@skyport/task-spec';
import type { NodeCapacityView } from '../capacity/node-capacity';
import { gpuModelMatches } from '../capacity/gpu-labels';
import type { ClusterSpec, GpuPlacement } from '../pods/cluster-objects.builder';
import type { PodAsk } from '../launch/scheduling-diagnosis';
import { pullSecretNames, type NodeImageDefaults } from '../pods/node-image.defaults';
import { ephemeralClaimsFor } from '../pods/ephemeral-claims';
import { expandPorts } from '../ports/task-ports';

export type PlanCandidate = Pick<
  OptimizerRpc.Candidate,
  'candidateId' | 'provider' | 'region' | 'zone' | 'instanceType' | 'acceleratorName' | 'acceleratorCount' | 'useSpot' | 'feasible' | 'reason' | 'namespace'
>;

/** The task's resource entry a candidate was planned from: matching accelerator and context, else the first. */
export function resourceFor(task: TaskSpec, candidate: PlanCandidate): ResourceRequest {
  const fallback: ResourceRequest = { useSpot: false, ports: [], labels: {} };
  const all = task.resources.length > 0 ? task.resources : [fallback];
  const sameAcc = (r: ResourceRequest) =>
    candidate.acceleratorName ? !!r.accelerator && gpuModelMatches(r.accelerator.name, candidate.acceleratorName) : !r.accelerator;
  const sameInfra = (r: ResourceRequest) => !r.infra || (r.infra.provider === 'kubernetes' && (!r.infra.context || r.infra.context === candidate.region));
  return all.find((r) => sameAcc(r) && sameInfra(r)) ?? all.find(sameAcc) ?? all[0] ?? fallback;
}

/**
 * Where GPUs of the wanted model live in a context: the vendor resource key and, per label format found on
 * those nodes, the label values — so the node affinity matches however the nodes are labelled.
 */
export function gpuPlacementFor(model: string, count: number, nodes: readonly NodeCapacityView[], context: string): GpuPlacement {
  const matching = nodes.filter((n) => n.gpuResourceKey && n.gpuLabelKey && gpuModelMatches(n.gpuModel, model));
  const first = matching[0];
  if (!first) {
    throw new SkyportError(
      ErrorCode.Unschedulable,
      `No node of context "${context}" carries a ${model} GPU label (${nodes.filter((n) => n.gpuModel).map((n) => `${n.name}: ${n.gpuModel}`).join(', ') || 'no GPU nodes'}).`,
      { context, model, reason: 'NoGpuNodes' },
    );
  }
  const byKey = new Map<string, Set<string>>();
  for (const n of matching) {
    const set = byKey.get(n.gpuLabelKey) ?? new Set<string>();
    set.add(n.gpuLabelValue);
    byKey.set(n.gpuLabelKey, set);
  }
  return {
    resourceKey: first.gpuResourceKey,
    count,
    nodeLabels: [...byKey.entries()].map(([key, values]) => ({ key, values: [...values].sort() })),
  };
}

export interface SpecInputs {
  task: TaskSpec;
  candidate: PlanCandidate;
  clusterName: string;
  namespace: string;
  user: string;
  requestId: string;
  numNodes: number;
  settings: EffectiveKubernetesSettings;
  config: SkyportConfig;
  nodes: readonly NodeCapacityView[];
  autostop?: { idleMinutes: number; down: boolean };
  hasSecrets: boolean;
  /** The admin's default image and registry pull Secret (SKYPORT_DEFAULT_IMAGE, SKYPORT_REGISTRY_AUTH_FILE). */
  imageDefaults?: NodeImageDefaults;
}

/** The pod shape and every object setting for one Kubernetes candidate, plus what the diagnosis needs. */
export function clusterSpecFor(input: SpecInputs): { spec: ClusterSpec; ask: PodAsk } {
  const { task, candidate } = input;
  const res = resourceFor(task, candidate);
  const shape = isKubernetesInstanceType(candidate.instanceType) ? parseKubernetesInstanceType(candidate.instanceType) : kubernetesInstanceTypeFor(res);
  const gpuCount = shape.accelerator?.count ?? 0;
  const gpu = gpuCount > 0 ? gpuPlacementFor(candidate.acceleratorName || shape.accelerator?.name || '', gpuCount, input.nodes, candidate.region) : undefined;
  const ports = expandPorts(res.ports);
  const ctxConfigs = input.config.kubernetes?.context_configs ?? {};
  const spec: ClusterSpec = {
    clusterName: input.clusterName,
    namespace: input.namespace,
    numNodes: input.numNodes,
    user: input.user,
    requestId: input.requestId,
    displayName: task.name,
    image: res.image?.kind === 'docker' ? res.image.image : input.imageDefaults?.image,
    cpus: shape.cpus,
    memoryGb: shape.memoryGb,
    gpu,
    labels: { ...input.settings.customMetadata.labels, ...res.labels },
    autostop: input.autostop,
    // SkyPilot's order: global, then the context's, then the task's; later layers win.
    podConfigLayers: [input.config.kubernetes?.pod_config, ctxConfigs[candidate.region]?.pod_config, task.config.kubernetes?.podConfig],
    imagePullSecrets: pullSecretNames(input.settings.imagePullSecrets, input.imageDefaults),
    ports,
    portsMode: input.settings.ports,
    volumes: task.volumes,
    ephemeralVolumes: ephemeralClaimsFor(task, input.clusterName),
  };
  return { spec, ask: { cpus: shape.cpus, memoryGb: shape.memoryGb, gpuResourceKey: gpu?.resourceKey, gpus: gpuCount || undefined, gpuModel: candidate.acceleratorName || undefined } };
}
