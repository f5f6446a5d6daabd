import { clusterScript } from '../kube';
import { run } from '../run';

export interface LocalClusterInfo {
  name: string;
  state: string;
  layout: string;
  context: string;
  kubeconfig: string;
  /** Real layouts: the pods' /24 on the host's bridge (e.g. 10.88.1.0/24). */
  podSubnet?: string;
}

/** A local cluster's description from `cluster.sh status --json`, or undefined when it does not exist. */
export function localClusterInfo(name: string): LocalClusterInfo | undefined {
  const r = run('bash', [clusterScript(), 'status', '--name', name, '--json']);
  if (r.status !== 0) return undefined;
  try {
    return (JSON.parse(r.stdout) as LocalClusterInfo[])[0];
  } catch {
    return undefined;
  }
}

/** The host's own address on the pods' bridge: the first of the subnet (`<net>.1`), which pods route to directly. */
export function bridgeAddress(podSubnet: string): string {
  const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(podSubnet);
  if (!m) throw new Error(`unexpected pod subnet ${podSubnet} (expected a /24 such as 10.88.1.0/24)`);
  return `${m[1]}.1`;
}
