import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, ProvisionerRpc, SkyportError } from '@skyport/contracts';
import { canonicalAccelerator, defaultCatalog } from '@skyport/catalog';
import { callUnary } from '@skyport/service-kit';
import { PROVISIONER_CLIENT } from '../provisioner/provisioner-client.provider';
import type { CheckView, CloudGpuView, GpusView, KubernetesGpuView } from './infra.dto';
import { contextResources } from './context-resources';
import { gpuCheck, permissionsCheck, withCloudStatus } from './check-view';

const CAPACITY_TIMEOUT_MS = 5_000;
/** Check asks every context's API server live (one access review per permission): give it longer than Capacity. */
const CHECK_TIMEOUT_MS = 15_000;

/**
 * Capacity and catalogs: live Kubernetes facts come from the provisioner's `Capacity` (its informer snapshot);
 * cloud offerings from libs/catalog. When the provisioner does not answer, the answer says so instead of failing.
 */
@Injectable()
export class InfraService {
  constructor(@Inject(PROVISIONER_CLIENT) private readonly provisioner: ProvisionerRpc.ProvisionerClient) {}

  private async capacity(): Promise<{ available: true; contexts: ProvisionerRpc.ContextCapacity[] } | { available: false; error: string }> {
    try {
      const res = await callUnary(this.provisioner.capacity.bind(this.provisioner), { contexts: [] }, CAPACITY_TIMEOUT_MS);
      return { available: true, contexts: res.contexts };
    } catch (error) {
      const why = error instanceof SkyportError && error.code !== ErrorCode.DependencyUnavailable ? `: ${error.userMessage}` : '';
      return { available: false, error: `live Kubernetes capacity is unknown: the provisioner did not answer${why}` };
    }
  }

  /** The provisioner's live permission and cloud check; its absence is said per context, never a failed `check`. */
  private async liveCheck(): Promise<{ response?: ProvisionerRpc.CheckResponse; error?: string }> {
    try {
      return { response: await callUnary(this.provisioner.check.bind(this.provisioner), { contexts: [] }, CHECK_TIMEOUT_MS) };
    } catch (error) {
      const why = error instanceof SkyportError && error.code !== ErrorCode.DependencyUnavailable ? `: ${error.userMessage}` : '';
      return { error: `permissions were not checked: the provisioner did not answer${why}` };
    }
  }

  async check(): Promise<CheckView> {
    const [cap, live] = await Promise.all([this.capacity(), this.liveCheck()]);
    const catalog = defaultCatalog();
    return {
      kubernetes: cap.available
        ? {
            available: true,
            contexts: cap.contexts.map((c) => ({
              context: c.context,
              namespace: c.namespace,
              reachable: c.reachable,
              ...(c.error ? { error: c.error } : {}),
              nodes: c.nodes.length,
              readyNodes: c.nodes.filter((n) => n.ready).length,
              snapshotAgeMs: c.snapshotAgeMs,
              ...contextResources(c.nodes),
              gpus: gpuCheck(c),
              permissions: permissionsCheck(live.response?.contexts.find((p) => p.context === c.context), live.error, c.namespace),
            })),
          }
        : { available: false, error: cap.error, contexts: [] },
      clouds: withCloudStatus(
        catalog.clouds().map((cloud) => ({
          cloud,
          catalog: true,
          instanceTypes: new Set(catalog.find({ cloud }).map((o) => o.instanceType)).size,
          regions: catalog.regions(cloud).length,
        })),
        live.response?.clouds,
      ),
    };
  }

  async gpus(query: { name?: string; cloud?: string }): Promise<GpusView> {
    let wanted: string | undefined;
    if (query.name) {
      wanted = canonicalAccelerator(query.name);
      if (!wanted) throw new SkyportError(ErrorCode.InvalidRequest, `unknown accelerator '${query.name}'`, { name: query.name });
    }
    const cap = await this.capacity();
    const kube: KubernetesGpuView[] = [];
    if (cap.available) {
      for (const ctx of cap.contexts) {
        const byModel = new Map<string, KubernetesGpuView>();
        for (const node of ctx.nodes) {
          if (node.gpuAllocatable <= 0) continue;
          const model = node.gpuModel || 'unknown';
          if (wanted && model !== wanted) continue;
          const row = byModel.get(model) ?? { context: ctx.context, gpu: model, total: 0, free: 0, nodes: 0, maxFreePerNode: 0 };
          row.total += node.gpuAllocatable;
          const free = node.ready && node.schedulable ? node.gpuFree : 0;
          row.free += free;
          row.nodes += 1;
          row.maxFreePerNode = Math.max(row.maxFreePerNode, free);
          byModel.set(model, row);
        }
        kube.push(...[...byModel.values()].sort((a, b) => a.gpu.localeCompare(b.gpu)));
      }
    }
    const catalog = defaultCatalog();
    const clouds: CloudGpuView[] = [];
    for (const gpu of catalog.accelerators().sort()) {
      if (wanted && gpu !== wanted) continue;
      if (query.cloud === 'kubernetes' || query.cloud === 'k8s') break;
      const offers = catalog.find({ accelerator: gpu }).filter((o) => !query.cloud || o.cloud === query.cloud);
      if (offers.length === 0) continue;
      const cheapest = offers.reduce((best, o) => (o.price / Math.max(1, o.acceleratorCount) < best.price / Math.max(1, best.acceleratorCount) ? o : best));
      clouds.push({
        gpu,
        counts: [...new Set(offers.map((o) => o.acceleratorCount))].sort((a, b) => a - b),
        cheapest: { cloud: cheapest.cloud, instanceType: cheapest.instanceType, count: cheapest.acceleratorCount, hourlyPrice: cheapest.price, region: cheapest.region },
        clouds: [...new Set(offers.map((o) => o.cloud))].sort(),
      });
    }
    return { kubernetes: cap.available ? { available: true, gpus: kube } : { available: false, error: cap.error, gpus: [] }, clouds };
  }
}
