import { join } from 'node:path';
import { repoRoot } from '../paths';
import { run } from '../run';

let helmPath: string | undefined;

/** The Helm binary (deploy/scripts/ensure-helm.sh builds it from its Go module once, then caches it). */
export function helmBinary(): string {
  if (helmPath) return helmPath;
  const r = run('bash', [join(repoRoot(), 'deploy', 'scripts', 'ensure-helm.sh')], { stdio: ['ignore', 'pipe', 2], timeout: 30 * 60 * 1000 });
  const path = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !path) throw new Error(`deploy/scripts/ensure-helm.sh could not provide helm (exit ${r.status})`);
  helmPath = path;
  return path;
}

export interface HelmTarget {
  kubeconfig: string;
  context: string;
  namespace: string;
  release: string;
}

/** Runs helm against the target; its output goes to our stderr (stdout is kept for `export` lines). */
export function helm(target: HelmTarget, args: string[], timeoutMs = 20 * 60 * 1000): void {
  const full = [...args, '--kubeconfig', target.kubeconfig, '--kube-context', target.context, '--namespace', target.namespace];
  const r = run(helmBinary(), full, { stdio: ['ignore', 2, 2], timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`helm ${args.slice(0, 2).join(' ')} failed (exit ${r.status}); see the output above`);
}

export function helmReleaseExists(target: HelmTarget): boolean {
  const full = ['status', target.release, '--kubeconfig', target.kubeconfig, '--kube-context', target.context, '--namespace', target.namespace];
  return run(helmBinary(), full).status === 0;
}
