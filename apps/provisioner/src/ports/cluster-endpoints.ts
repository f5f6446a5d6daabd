import { clusterPodName, kubeCallOrUndefined, type KubeClients } from '@skyport/kube';
import { ingressPath, type PortsMode } from '../pods/cluster-objects.builder';

const INGRESS_NAMESPACE = 'ingress-nginx';
const INGRESS_SERVICE = 'ingress-nginx-controller';

/** port → URL (or host:port for podip). Ports whose address is not known yet are absent. */
export type Endpoints = Record<number, string>;

function lbAddress(status: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined): string | undefined {
  const first = status?.loadBalancer?.ingress?.[0];
  return first?.ip || first?.hostname || undefined;
}

/** Reads the endpoints once from the Service / Ingress / pod status. */
export async function readEndpoints(clients: KubeClients, namespace: string, clusterName: string, ports: readonly number[], mode: PortsMode): Promise<Endpoints> {
  const context = clients.context.name;
  const out: Endpoints = {};
  if (ports.length === 0) return out;
  if (mode === 'loadbalancer') {
    const name = `${clusterName}-ports`;
    const svc = await kubeCallOrUndefined({ verb: 'get', resource: 'services', name, namespace, context }, () => clients.core.readNamespacedService({ name, namespace }));
    const addr = lbAddress(svc?.status);
    if (addr) for (const p of ports) out[p] = `http://${addr}:${p}`;
  } else if (mode === 'ingress') {
    const ing = await kubeCallOrUndefined({ verb: 'get', resource: 'ingresses', name: `${clusterName}-ingress`, namespace, context }, () =>
      clients.networking.readNamespacedIngress({ name: `${clusterName}-ingress`, namespace }),
    );
    let addr = lbAddress(ing?.status);
    if (!addr) {
      const ctl = await kubeCallOrUndefined({ verb: 'get', resource: 'services', name: INGRESS_SERVICE, namespace: INGRESS_NAMESPACE, context }, () =>
        clients.core.readNamespacedService({ name: INGRESS_SERVICE, namespace: INGRESS_NAMESPACE }),
      );
      addr = ing ? lbAddress(ctl?.status) : undefined;
    }
    if (addr) for (const p of ports) out[p] = `http://${addr}${ingressPath(namespace, clusterName, p)}`;
  } else {
    const name = clusterPodName(clusterName, 0);
    const pod = await kubeCallOrUndefined({ verb: 'get', resource: 'pods', name, namespace, context }, () => clients.core.readNamespacedPod({ name, namespace }));
    const ip = pod?.status?.podIP;
    if (ip) for (const p of ports) out[p] = `${ip}:${p}`;
  }
  return out;
}

/** Waits a bounded time for every port to get an address (a LoadBalancer may take a while), then answers. */
export async function waitForEndpoints(
  clients: KubeClients,
  namespace: string,
  clusterName: string,
  ports: readonly number[],
  mode: PortsMode,
  waitMs = 10_000,
): Promise<Endpoints> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const e = await readEndpoints(clients, namespace, clusterName, ports, mode);
    if (Object.keys(e).length === ports.length || Date.now() >= deadline) return e;
    await new Promise((r) => setTimeout(r, 250));
  }
}
