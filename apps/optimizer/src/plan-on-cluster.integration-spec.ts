import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptimizerRpc } from '@skyport/contracts';
import { createTestDatabase, freePort, grpcTlsEnv, kubeAvailable, repoRoot, startKubeCluster, startService, testRedisUrl, type RunningService } from '@skyport/dev-stack';
import { runMigrations } from '@skyport/persistence';
import { callUnary, grpcClientArgs, grpcSecurity } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';

// Its own local cluster with the `gpu` layout: one CPU node, an 8× A100 node labelled the GKE way
// (cloud.google.com/gke-accelerator=nvidia-tesla-a100) and an 8× A100-80GB node labelled the GPU-feature-discovery
// way (nvidia.com/gpu.product=NVIDIA-A100-SXM4-80GB), both tainted nvidia.com/gpu=present:NoSchedule.
const CLUSTER = 'opt-gpu';
const CONTEXT = `skyport-${CLUSTER}`;
const NAMESPACE = 'optimizer-fill';
const hasStack = Boolean(process.env.SKYPORT_TEST_DATABASE_URL && process.env.SKYPORT_TEST_REDIS_URL) && kubeAvailable();

function kubectl(args: string[], input?: string): string {
  return execFileSync('bash', [join(repoRoot(), 'test', 'cluster', 'cluster.sh'), 'kubectl', '--name', CLUSTER, '--', ...args], {
    encoding: 'utf8',
    input,
    timeout: 60_000,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A pod that takes every GPU of the GKE-labelled A100 node, as another team's job would. */
const FILLER = `apiVersion: v1
kind: Pod
metadata:
  name: gpu-filler
  namespace: ${NAMESPACE}
spec:
  nodeSelector:
    cloud.google.com/gke-accelerator: nvidia-tesla-a100
  tolerations:
  - key: nvidia.com/gpu
    operator: Exists
    effect: NoSchedule
  containers:
  - name: train
    image: busybox
    resources:
      requests: {cpu: "1", memory: 1Gi, nvidia.com/gpu: "8"}
      limits: {nvidia.com/gpu: "8"}
`;

describe('optimizer on a real local cluster (provisioner + optimizer as processes, gpu layout)', { skip: hasStack ? false : 'needs the local stack (npm test)' }, () => {
  let db: { url: string; drop: () => Promise<void> };
  const services: RunningService[] = [];
  let client: OptimizerRpc.OptimizerClient;

  const plan = (yaml: string): Promise<OptimizerRpc.PlanResponse> =>
    callUnary(
      client.plan.bind(client),
      { taskJson: JSON.stringify(parseTaskYaml(yaml).tasks[0]), clusterName: 'dry', blocked: [], contexts: [] },
      15_000,
    );
  const k8s = (p: OptimizerRpc.PlanResponse): OptimizerRpc.Candidate => {
    const c = p.candidates.find((x) => x.provider === 'kubernetes');
    assert.ok(c, 'a Kubernetes candidate');
    return c;
  };

  /** Plans until the Kubernetes candidate matches (the provisioner's informers follow the cluster within moments). */
  async function planUntil(yaml: string, ok: (c: OptimizerRpc.Candidate) => boolean, what: string): Promise<OptimizerRpc.Candidate> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = k8s(await plan(yaml));
      if (ok(c)) return c;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(c)}\n${services.map((s) => s.output()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  before(async () => {
    const { kubeconfig } = startKubeCluster({ name: CLUSTER, layout: 'gpu', nodes: 1 });
    db = await createTestDatabase('optimizer_cluster');
    await runMigrations(db.url);
    const dir = mkdtempSync(join(tmpdir(), 'skyport-optimizer-cluster-'));
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, `kubernetes:\n  allowed_contexts: [${CONTEXT}]\n`);
    const common = {
      SKYPORT_DATABASE_URL: db.url,
      SKYPORT_REDIS_URL: testRedisUrl(),
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_CONFIG: configFile,
      SKYPORT_OPTIMIZER_GRPC: `127.0.0.1:${await freePort()}`,
      SKYPORT_PROVISIONER_GRPC: `127.0.0.1:${await freePort()}`,
    };
    services.push(await startService('provisioner', { ...common, KUBECONFIG: kubeconfig }, 60_000));
    services.push(await startService('optimizer', { ...common, SKYPORT_ENABLED_CLOUDS: 'lambda' }, 60_000));
    client = new OptimizerRpc.OptimizerClient(common.SKYPORT_OPTIMIZER_GRPC, ...grpcClientArgs(grpcSecurity(grpcTlsEnv('api'), 'test'), 'optimizer'));
    kubectl(['create', 'namespace', NAMESPACE]);
  });

  after(async () => {
    client?.close();
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    try {
      kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']);
    } catch {
      // the cluster may already be gone
    }
    execFileSync('bash', [join(repoRoot(), 'test', 'cluster', 'cluster.sh'), 'down', '--name', CLUSTER], { stdio: 'ignore', timeout: 120_000 });
    await db?.drop();
  });

  it('recognises GPU labels in the GKE and GPU-feature-discovery formats', async () => {
    const a100 = await planUntil('resources:\n  accelerators: A100:8\nrun: x\n', (c) => c.feasible, 'the GKE-labelled A100 node');
    assert.equal(a100.candidateId, `kubernetes/${CONTEXT}`);
    assert.equal(a100.instanceType, '32CPU--128GB--A100:8');
    const a100x80 = k8s(await plan('resources:\n  accelerators: A100-80GB:8\nrun: x\n'));
    assert.equal(a100x80.feasible, true, a100x80.reason);
    const h100 = k8s(await plan('resources:\n  accelerators: H100:1\nrun: x\n'));
    assert.equal(h100.feasible, false);
    assert.equal(h100.reason, `${CONTEXT}: no H100 nodes (GPUs here: A100, A100-80GB)`);
  });

  it('follows real capacity: a pod holding the A100s makes the candidate infeasible with the reason; deleting it brings it back', async () => {
    const task = 'resources:\n  accelerators: A100:8\nrun: x\n';
    kubectl(['apply', '-f', '-'], FILLER);
    const busy = await planUntil(task, (c) => !c.feasible, 'the filled A100 node');
    assert.equal(busy.reason, `${CONTEXT}: no free A100 GPUs; the task needs 8`);
    const withCloud = await plan(task);
    assert.equal(withCloud.candidates[withCloud.chosenIndex]?.provider, 'lambda', 'the burst candidate is chosen meanwhile');

    kubectl(['delete', 'pod', 'gpu-filler', '-n', NAMESPACE, '--wait=true', '--grace-period=0', '--force']);
    const free = await planUntil(task, (c) => c.feasible, 'the freed A100 node');
    assert.equal(free.candidateId, `kubernetes/${CONTEXT}`);
  });
});
