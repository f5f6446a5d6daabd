import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ClusterNode } from '../jobs/job-driver';
import { CloudLauncher, parseCloudInfra } from './cloud-launcher';
import type { VmNode } from './vm-node';

export const CLOUD_LAUNCHER = Symbol('CLOUD_LAUNCHER');

/**
 * The job driver's view of a cloud cluster: its VMs as nodes with an SSH exec. Connections are kept per
 * cluster and reopened when one drops; a VM whose host key changed is refused (see SshConnection).
 */
@Injectable()
export class CloudNodes implements OnApplicationShutdown {
  private readonly open = new Map<string, Promise<VmNode[]>>();

  constructor(@Inject(CLOUD_LAUNCHER) private readonly launcher: CloudLauncher) {}

  /** Undefined for a cluster that is not on a cloud, so the driver uses its pods. */
  readonly nodesOf = async (cluster: { name: string; infra: string | null }): Promise<ClusterNode[] | undefined> => {
    if (!parseCloudInfra(cluster.infra)) return undefined;
    let pending = this.open.get(cluster.name);
    const current = pending ? await pending.catch(() => undefined) : undefined;
    if (!current || current.some((n) => n.isClosed)) {
      current?.forEach((n) => n.close());
      pending = this.launcher.connect(cluster.name, { timeoutMs: 30_000 });
      this.open.set(cluster.name, pending);
      pending.catch(() => this.open.delete(cluster.name));
    }
    const nodes = await pending!;
    return nodes.map((n) => ({
      rank: n.rank,
      pod: n.instanceId,
      ip: n.ip,
      phase: n.isClosed ? 'Unknown' : 'Running',
      exec: (argv: string[], opts: { stdin?: string | Buffer; timeoutMs?: number; signal?: AbortSignal }) => n.execCommand(argv, opts),
    }));
  };

  /** Closes the cluster's connections (teardown). */
  async release(clusterName: string): Promise<void> {
    const pending = this.open.get(clusterName);
    this.open.delete(clusterName);
    (await pending?.catch(() => undefined))?.forEach((n) => n.close());
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.open.keys()].map((c) => this.release(c)));
  }
}
