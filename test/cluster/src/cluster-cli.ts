import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * Thin wrapper over test/cluster/cluster.sh, the stable interface to the local control plane
 * (see test/cluster/README.md). Compiled to test/cluster/dist, so the script is two levels up.
 */
export const clusterScript = resolve(__dirname, '..', 'cluster.sh');

export interface ClusterStatus {
  name: string;
  state: 'running' | 'degraded' | 'stopped';
  layout: string;
  nodes: number;
  context: string;
  server: string;
  kubeconfig: string;
  stateDir: string;
  /** Layouts `real` and `mixed` only: the local registry (HOST:PORT on 127.0.0.1). */
  registry?: string;
  /** Layouts `real` and `mixed` only: the default task image in that registry (pullable without credentials). */
  defaultImage?: string;
  /** Layouts `real` and `mixed` only: a small image in a private repository (pull needs the registry credentials). */
  privateImage?: string;
  /** Layouts `real` and `mixed` only: the real node whose device plugin advertises `nvidia.com/gpu`. */
  gpuNode?: string;
  /** Layouts `real` and `mixed` only: the pods' private bridge subnet. */
  podSubnet?: string;
}

/** The local registry of the real layouts (`cluster.sh registry --json`). */
export interface RegistryInfo {
  /** HOST:PORT, always on 127.0.0.1, plain http. */
  registry: string;
  user: string;
  password: string;
  defaultImage: string;
  privateImage: string;
}

function run(args: string[], timeoutMs = 30 * 60 * 1000): string {
  return execFileSync('bash', [clusterScript, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: timeoutMs,
  });
}

/**
 * Starts (idempotently) cluster `name`; returns the merged kubeconfig path and the context name.
 * Layouts: small, gpu, large, congested (KWOK nodes), real (K real kubelets + containerd, default 2),
 * mixed (K real nodes, default 1, + 2 KWOK CPU nodes). The real layouts need root.
 */
export function clusterUp(name: string, layout: string, nodes?: number): { kubeconfig: string; context: string } {
  const args = ['up', '--name', name, '--layout', layout];
  if (nodes !== undefined) args.push('--nodes', String(nodes));
  const out = run(args).trim().split('\n');
  return { kubeconfig: out[out.length - 1], context: `skyport-${name}` };
}

export function clusterDown(name: string): void {
  run(['down', '--name', name], 180_000);
}

/**
 * The machine's local registry (started, and its images built, if needed): address, credentials and the
 * default/private image references. Real layouts start it themselves; `down` of the last one stops it.
 */
export function registryInfo(): RegistryInfo {
  return JSON.parse(run(['registry', '--json'])) as RegistryInfo;
}

export function clusterStatus(name: string): ClusterStatus | undefined {
  const all = JSON.parse(run(['status', '--json'], 60_000)) as ClusterStatus[];
  return all.find((c) => c.name === name);
}

/** The per-pod working directory where `kubectl exec` runs and the container log files live. */
export function podDir(status: ClusterStatus, namespace: string, pod: string): string {
  return join(status.stateDir, 'pods', namespace, pod);
}

export function failPod(cluster: string, namespace: string, pod: string, exitCode = 1): void {
  run(['fail-pod', `${namespace}/${pod}`, '--name', cluster, '--exit-code', String(exitCode)], 60_000);
}

export function imagePullError(cluster: string, namespace: string, pod: string): void {
  run(['image-pull-error', `${namespace}/${pod}`, '--name', cluster], 60_000);
}

export function blockScheduling(cluster: string): void {
  run(['block-scheduling', '--name', cluster], 60_000);
}

export function unblockScheduling(cluster: string): void {
  run(['unblock-scheduling', '--name', cluster], 60_000);
}
