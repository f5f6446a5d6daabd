import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { run } from './run';

/** The local Kubernetes control plane scripts (test/cluster): kube-apiserver + scheduler + KWOK or real nodes. */
export function clusterScript(): string {
  return join(repoRoot(), 'test', 'cluster', 'cluster.sh');
}

export function kubeAvailable(): boolean {
  return existsSync(clusterScript());
}

export interface KubeClusterOptions {
  name: string;
  layout: string;
  nodes?: number;
  /** More environment for `cluster.sh up` (e.g. the S3 endpoint of a real layout's mount driver). */
  env?: Record<string, string>;
}

/** Starts (idempotently) a local cluster and returns the kubeconfig holding its context. */
export function startKubeCluster(options: KubeClusterOptions): { kubeconfig: string; context: string } {
  if (!kubeAvailable()) throw new Error('the local Kubernetes control plane scripts (test/cluster/cluster.sh) are missing');
  const args = [clusterScript(), 'up', '--name', options.name, '--layout', options.layout];
  if (options.nodes) args.push('--nodes', String(options.nodes));
  // Its stdout goes to our stderr: callers such as `stack env` print only `export` lines on stdout.
  const r = run('bash', args, { stdio: ['ignore', 2, 2], timeout: 60 * 60 * 1000, env: { ...process.env, ...options.env } });
  if (r.status !== 0) throw new Error(`the local Kubernetes cluster '${options.name}' did not start (test/cluster/cluster.sh up exited ${r.status})`);
  return { kubeconfig: kubeconfigPath(), context: `skyport-${options.name}` };
}

export function kubeconfigPath(): string {
  const r = run('bash', [clusterScript(), 'kubeconfig']);
  if (r.status !== 0) throw new Error(`test/cluster/cluster.sh kubeconfig failed: ${r.stderr.trim()}`);
  return r.stdout.trim().split('\n').pop() ?? '';
}

/**
 * The local cluster's name for a layout: KWOK's `small` keeps the name `npm test` uses (`local`); another layout
 * gets its own (`local-real`), so a quick start on real nodes and the test suite's KWOK cluster run side by side
 * (`cluster.sh up` refuses to change a running cluster's layout).
 */
export function localClusterName(layout: string): string {
  return layout === 'small' ? 'local' : `local-${layout}`;
}

export function stopKubeClusters(): void {
  if (kubeAvailable()) run('bash', [clusterScript(), 'down', '--all'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
