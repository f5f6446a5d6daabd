import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubeClientProvider } from '../client/kube-client.provider';
import type { KubeClients } from '../client/kube-client.provider';

/**
 * The local control plane for integration tests: SKYPORT_TEST_KUBECONFIG / SKYPORT_TEST_KUBE_CONTEXT as
 * scripts/test.sh exports them, else what test/cluster/cluster.sh reports (a developer running one suite).
 */
export function testKubeTarget(): { kubeconfig: string; context: string } | undefined {
  let kubeconfig = process.env.SKYPORT_TEST_KUBECONFIG;
  let context = process.env.SKYPORT_TEST_KUBE_CONTEXT;
  if (!kubeconfig) {
    const script = findClusterScript();
    if (!script) return undefined;
    try {
      kubeconfig = execFileSync('bash', [script, 'kubeconfig'], { encoding: 'utf8' }).trim().split('\n').pop();
    } catch {
      return undefined;
    }
  }
  if (!kubeconfig || !existsSync(kubeconfig)) return undefined;
  context ||= 'skyport-local';
  return { kubeconfig, context };
}

function findClusterScript(): string | undefined {
  let dir = resolve(__dirname);
  for (let i = 0; i < 8; i++) {
    const p = join(dir, 'test', 'cluster', 'cluster.sh');
    if (existsSync(p)) return p;
    dir = resolve(dir, '..');
  }
  return undefined;
}

/** A namespace of its own for one suite, deleted (without waiting) by `drop`. */
export async function createTestNamespace(clients: KubeClients, label: string): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = `${label.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
  await clients.core.createNamespace({ body: { metadata: { name, labels: { 'skyport.dev/test': 'true' } } } });
  return {
    name,
    drop: async () => {
      await clients.core.deleteNamespace({ name }).catch(() => undefined);
    },
  };
}

export function testProvider(target: { kubeconfig: string; context: string }, allowed?: string[]): KubeClientProvider {
  return KubeClientProvider.fromSource({ paths: [target.kubeconfig] }, allowed ?? [target.context]);
}
