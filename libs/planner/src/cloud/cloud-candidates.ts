import {
  CLOUDS,
  CLOUD_DISPLAY_NAMES,
  canonicalAccelerator,
  isCloudName,
  type Catalog,
  type CloudName,
  type InstanceOffering,
} from '@skyport/catalog';
import type { OptimizerRpc } from '@skyport/contracts';
import type { PlanQuantity, PlanResources, PlannerConfig } from '../input/plan-input.types';
import { parsePodShape } from '../kubernetes/pod-shape';

// With no cpus, memory, GPU or instance type, a cloud VM of SkyPilot's default shape: 2+ vCPUs, 4 GB per vCPU.
const DEFAULT_MIN_CPUS = 2;
const DEFAULT_MEMORY_PER_CPU = 4;

function matches(q: PlanQuantity | undefined, have: number): boolean {
  if (!q) return true;
  return q.orMore ? have >= q.value : Math.abs(have - q.value) < 1e-9;
}

function offeringPrice(o: InstanceOffering, spot: boolean): number | undefined {
  return spot ? o.spotPrice : o.price;
}

export function cloudCandidateId(cloud: string, region: string, instanceType: string, spot: boolean): string {
  return `${cloud}/${region}/${instanceType}${spot ? ':spot' : ''}`;
}

function describeRequest(res: PlanResources): string {
  const parts: string[] = [];
  if (res.instanceType) parts.push(res.instanceType);
  if (res.accelerator) parts.push(`${canonicalAccelerator(res.accelerator.name) ?? res.accelerator.name}:${res.accelerator.count}`);
  if (res.cpus) parts.push(`${res.cpus.value}${res.cpus.orMore ? '+' : ''} vCPUs`);
  if (res.memory) parts.push(`${res.memory.value}${res.memory.orMore ? '+' : ''} GB`);
  if (res.useSpot) parts.push('spot');
  return parts.join(', ') || 'the default shape';
}

function filterOfferings(catalog: Catalog, cloud: CloudName, res: PlanResources): InstanceOffering[] {
  const region = res.infra?.region;
  const zone = res.infra?.zone;
  const acc = res.accelerator;
  const accName = acc ? canonicalAccelerator(acc.name) : undefined;
  if (acc && !accName) return [];
  const useDefault = !res.cpus && !res.memory && !acc && !res.instanceType;
  const rows = catalog.find({
    cloud,
    region,
    instanceType: res.instanceType,
    // An instance type alone names its GPUs; otherwise no `accelerators` means CPU-only VMs.
    accelerator: accName ?? (res.instanceType ? undefined : null),
    spot: res.useSpot || undefined,
  });
  return rows.filter(
    (o) =>
      (!acc || o.acceleratorCount === acc.count) &&
      (!zone || zone.startsWith(o.region)) &&
      matches(res.cpus, o.vcpus) &&
      matches(res.memory, o.memoryGib) &&
      (!useDefault || (o.vcpus >= DEFAULT_MIN_CPUS && o.memoryGib >= DEFAULT_MEMORY_PER_CPU * o.vcpus)),
  );
}

/**
 * The cloud candidates of one resource choice: per cloud and region, the cheapest instance type that satisfies it.
 * Clouds without credentials are kept (so the table shows what bursting would cost) but never feasible.
 */
export function cloudCandidates(res: PlanResources, numNodes: number, catalog: Catalog, config: PlannerConfig): OptimizerRpc.Candidate[] {
  const provider = res.infra?.provider;
  if (provider === 'kubernetes') return [];
  if (res.instanceType && parsePodShape(res.instanceType)) return [];
  const enabled = new Set(config.enabledClouds ?? []);
  if (provider && !isCloudName(provider)) {
    return [infeasibleCloud(provider, res, numNodes, `${provider}: Skyport has no catalog for this provider; it runs on Kubernetes and bursts to ${CLOUDS.join(', ')}`)];
  }
  const considered = config.consideredClouds;
  if (provider && considered && !considered.includes(provider as CloudName)) {
    return [infeasibleCloud(provider, res, numNodes, `${CLOUD_DISPLAY_NAMES[provider as CloudName]}: not in allowed_clouds (${considered.join(', ') || 'none'})`)];
  }
  const clouds = provider ? [provider as CloudName] : catalog.clouds().filter((c) => !considered || considered.includes(c));
  const out: OptimizerRpc.Candidate[] = [];
  for (const cloud of clouds) {
    const best = new Map<string, InstanceOffering>();
    for (const o of filterOfferings(catalog, cloud, res)) {
      const current = best.get(o.region);
      if (!current || cheaper(o, current, res.useSpot)) best.set(o.region, o);
    }
    const label = CLOUD_DISPLAY_NAMES[cloud];
    for (const o of best.values()) {
      const hourly = offeringPrice(o, res.useSpot) ?? o.price;
      const containerless = res.image?.kind === 'docker';
      const feasible = enabled.has(cloud) && !containerless;
      out.push({
        candidateId: cloudCandidateId(cloud, o.region, o.instanceType, res.useSpot),
        provider: cloud,
        region: o.region,
        zone: res.infra?.zone ?? o.zone ?? '',
        instanceType: o.instanceType,
        vcpus: o.vcpus,
        memoryGb: o.memoryGib,
        acceleratorName: o.acceleratorName ?? '',
        acceleratorCount: o.acceleratorCount,
        hourlyPrice: hourly,
        totalHourlyPrice: hourly * numNodes,
        useSpot: res.useSpot,
        feasible,
        reason: feasible
          ? ''
          : containerless
            ? `${label} ${o.region}: image_id 'docker:${res.image!.image}' cannot run on a cloud VM yet (the task would run outside its container); it runs on Kubernetes`
            : `${label} ${o.region}: not enabled (no credentials configured; see \`skyport check\`)`,
        namespace: '',
      });
    }
    if (best.size === 0 && provider) {
      const where = res.infra?.region ? `${label} ${res.infra.region}` : label;
      out.push(infeasibleCloud(cloud, res, numNodes, `${where}: no instance type offers ${describeRequest(res)}`));
    }
  }
  return out;
}

function cheaper(a: InstanceOffering, b: InstanceOffering, spot: boolean): boolean {
  const pa = offeringPrice(a, spot) ?? Infinity;
  const pb = offeringPrice(b, spot) ?? Infinity;
  if (pa !== pb) return pa < pb;
  if (a.vcpus !== b.vcpus) return a.vcpus < b.vcpus;
  return a.instanceType < b.instanceType;
}

function infeasibleCloud(provider: string, res: PlanResources, numNodes: number, reason: string): OptimizerRpc.Candidate {
  const region = res.infra?.region ?? '';
  return {
    candidateId: [provider, region].filter(Boolean).join('/'),
    provider,
    region,
    zone: res.infra?.zone ?? '',
    instanceType: res.instanceType ?? '-',
    vcpus: res.cpus?.value ?? 0,
    memoryGb: res.memory?.value ?? 0,
    acceleratorName: res.accelerator ? (canonicalAccelerator(res.accelerator.name) ?? res.accelerator.name) : '',
    acceleratorCount: res.accelerator?.count ?? 0,
    hourlyPrice: 0,
    totalHourlyPrice: 0 * numNodes,
    useSpot: res.useSpot,
    feasible: false,
    reason,
    namespace: '',
  };
}
