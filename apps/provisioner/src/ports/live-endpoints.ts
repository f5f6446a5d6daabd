import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { ClusterStatus } from '@skyport/contracts';
import { resolveKubernetesSettings, type SkyportConfig } from '@skyport/config';
import type { KubeClientProvider } from '@skyport/kube';
import { CloudInstanceEntity, ClusterEntity } from '@skyport/persistence';
import { kubeSettingsOfTask } from '../provision/task-kube-settings';
import { readEndpoints } from './cluster-endpoints';
import { expandPorts } from './task-ports';

export interface LiveEndpointsDeps {
  db: DataSource;
  kube: KubeClientProvider;
  config: SkyportConfig;
}

/**
 * A cluster's endpoints as they are now (`status --endpoints`): on Kubernetes from its Service, Ingress or head pod
 * — so a LoadBalancer address that arrived after the launch's short wait shows — and on a cloud from the head
 * VM's address. A cluster that is not UP, or opens no ports, has none.
 */
export async function liveEndpoints(deps: LiveEndpointsDeps, clusterName: string): Promise<Record<string, string>> {
  const cluster = await deps.db.manager.findOne(ClusterEntity, { where: { name: clusterName } });
  if (!cluster || cluster.status !== ClusterStatus.Up || !cluster.infra) return {};
  const task = cluster.task;
  const ports = expandPorts(task?.resources?.[0]?.ports ?? []);
  if (ports.length === 0) return {};
  const [provider, context] = cluster.infra.split('/');
  if (provider === 'kubernetes' && context && cluster.namespace) {
    const settings = resolveKubernetesSettings({ config: deps.config, context, task: task ? kubeSettingsOfTask(task) : undefined });
    const clients = deps.kube.forContext(context, { forCleanup: true });
    const found = await readEndpoints(clients, cluster.namespace, clusterName, ports, settings.ports);
    return Object.fromEntries(Object.entries(found).map(([port, url]) => [String(port), url]));
  }
  const head = await deps.db.manager.findOne(CloudInstanceEntity, { where: { clusterName, nodeRank: 0, terminatedAt: IsNull() }, order: { launchedAt: 'DESC' } });
  const address = head?.publicIp ?? head?.privateIp;
  return address ? Object.fromEntries(ports.map((p) => [String(p), `http://${address}:${p}`])) : {};
}
