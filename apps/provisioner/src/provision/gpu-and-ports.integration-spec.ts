import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProvisionerRpc } from '@skyport/contracts';
import { grpcTlsEnv, startKubeCluster } from '@skyport/dev-stack';
import { callUnary, grpcClientArgs, grpcSecurity, startGrpcServer, stopGrpcServer } from '@skyport/service-kit';
import { provisionerGrpcServer } from '../capacity/capacity.grpc';
import { type KubeClientProvider, type KubeClients } from '@skyport/kube';
import { createTestNamespace, testKubeTarget, testProvider } from '@skyport/kube/testing';
import { parseTaskYaml } from '@skyport/task-spec';
import { resolveKubernetesSettings } from '@skyport/config';
import { CapacityService } from '../capacity/capacity.service';
import { launchCluster } from '../launch/kube-launcher';
import { waitForEndpoints } from '../ports/cluster-endpoints';
import { teardownCluster } from '../teardown/cluster-teardown';
import { clusterSpecFor, type PlanCandidate } from './cluster-spec.factory';

const local = testKubeTarget();

function candidate(context: string, instanceType: string, acceleratorName = ''): PlanCandidate {
  return {
    candidateId: `kubernetes/${context}`,
    provider: 'kubernetes',
    region: context,
    zone: '',
    instanceType,
    acceleratorName,
    acceleratorCount: acceleratorName ? 1 : 0,
    useSpot: false,
    feasible: true,
    reason: '',
    namespace: '',
  };
}

async function launchTask(kube: KubeClientProvider, capacity: CapacityService, context: string, namespace: string, name: string, yaml: string, cand: PlanCandidate, config: Record<string, unknown> = {}) {
  const task = parseTaskYaml(yaml).tasks[0]!;
  const clients = kube.forContext(context);
  const settings = resolveKubernetesSettings({ config, context });
  const { spec, ask } = clusterSpecFor({
    task,
    candidate: cand,
    clusterName: name,
    namespace,
    user: 'it',
    requestId: '00000000-0000-0000-0000-000000000000',
    numNodes: task.numNodes,
    settings,
    config,
    nodes: capacity.snapshot([context])[0]?.nodes ?? [],
    hasSecrets: false,
  });
  const nodes = await launchCluster({ clients, spec, secrets: {}, timeoutSeconds: 30, ask });
  return { clients, spec, nodes };
}

describe('GPU placement on the gpu layout (GKE- and GFD-labelled A100 nodes)', { skip: local ? false : 'no local cluster (run through npm test)' }, () => {
  let kube: KubeClientProvider;
  let capacity: CapacityService;
  let context: string;
  let ns: { name: string; drop: () => Promise<void> };

  before(async () => {
    const gpu = startKubeCluster({ name: 'gpu', layout: 'gpu' });
    context = gpu.context;
    kube = testProvider({ kubeconfig: gpu.kubeconfig, context });
    capacity = new CapacityService(kube);
    capacity.start();
    await capacity.waitForSync();
    ns = await createTestNamespace(kube.forContext(context), 'prov-gpu');
  });
  after(async () => {
    await capacity?.dispose();
    await ns?.drop();
  });

  test('the capacity snapshot names both GPU models with their label keys', () => {
    const nodes = capacity.snapshot([context])[0]!.nodes.filter((n) => n.gpuResourceKey);
    const models = nodes.map((n) => `${n.gpuModel}@${n.gpuLabelKey}:${n.gpuFree}/${n.gpuAllocatable}`).sort();
    assert.deepEqual(models, ['A100-80GB@nvidia.com/gpu.product:8/8', 'A100@cloud.google.com/gke-accelerator:8/8']);
  });

  test('Provisioner.Capacity over gRPC answers from the informers, with unknown contexts named', async () => {
    const { server, port } = await startGrpcServer('127.0.0.1:0', [{ definition: ProvisionerRpc.ProvisionerService, implementation: provisionerGrpcServer(capacity) }], {
      security: grpcSecurity(grpcTlsEnv('provisioner'), 'test'),
    });
    const client = new ProvisionerRpc.ProvisionerClient(`127.0.0.1:${port}`, ...grpcClientArgs(grpcSecurity(grpcTlsEnv('optimizer'), 'test'), 'provisioner'));
    try {
      const t0 = process.hrtime.bigint();
      const res = await callUnary(client.capacity.bind(client), { contexts: [] });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(res.contexts.length, 1);
      const ctx = res.contexts[0]!;
      assert.equal(ctx.context, context);
      assert.equal(ctx.reachable, true);
      assert.ok(ctx.nodes.length >= 3, `nodes: ${ctx.nodes.map((n) => n.name).join(', ')}`);
      const gfd = ctx.nodes.find((n) => n.gpuLabelKey === 'nvidia.com/gpu.product')!;
      assert.equal(gfd.gpuModel, 'A100-80GB');
      assert.equal(gfd.gpuResourceKey, 'nvidia.com/gpu');
      assert.deepEqual(gfd.taints.map((t) => `${t.key}=${t.value}:${t.effect}`), ['nvidia.com/gpu=present:NoSchedule']);
      const cpu = ctx.nodes.find((n) => !n.gpuResourceKey)!;
      assert.equal(cpu.cpuAllocatableMilli, 8000);
      const other = await callUnary(client.capacity.bind(client), { contexts: ['not-allowed'] });
      assert.equal(other.contexts[0]?.reachable, false);
      assert.match(other.contexts[0]?.error ?? '', /not an allowed context/);
      console.log(`# Capacity RPC answered in ${ms.toFixed(1)} ms (${ctx.nodes.length} nodes, from the informer cache)`);
    } finally {
      client.close();
      await stopGrpcServer(server);
    }
  });

  test('A100-80GB lands on the GFD-labelled node, A100 on the GKE-labelled one; GPU limits and toleration set', async () => {
    const a = await launchTask(kube, capacity, context, ns.name, 'g80', 'resources:\n  accelerators: A100-80GB:1\nrun: nvidia-smi\n', candidate(context, '4CPU--16GB--A100-80GB:1', 'A100-80GB'));
    const b = await launchTask(kube, capacity, context, ns.name, 'g40', 'resources:\n  accelerators: A100:1\nrun: nvidia-smi\n', candidate(context, '4CPU--16GB--A100:1', 'A100'));
    assert.match(a.nodes[0]!.node, /gpu-gfd/);
    assert.match(b.nodes[0]!.node, /gpu-gke/);
    const pod = await a.clients.core.readNamespacedPod({ name: 'g80-head', namespace: ns.name });
    assert.equal(pod.spec?.containers[0]?.resources?.limits?.['nvidia.com/gpu'], '1');
    assert.ok(pod.spec?.tolerations?.some((t) => t.key === 'nvidia.com/gpu' && t.operator === 'Exists'));
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    assert.deepEqual(JSON.parse(JSON.stringify(terms)), [{ matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-A100-SXM4-80GB'] }] }]);
    // The snapshot follows the pods: one GPU fewer on each node.
    const deadline = Date.now() + 5_000;
    let free: number[] = [];
    while (Date.now() < deadline) {
      free = capacity.snapshot([context])[0]!.nodes.filter((n) => n.gpuResourceKey).map((n) => n.gpuFree);
      if (free.every((f) => f === 7)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(free, [7, 7]);
    await teardownCluster(a.clients, ns.name, 'g80');
    await teardownCluster(b.clients, ns.name, 'g40');
  });
});

describe('port modes with their endpoints (local cluster)', { skip: local ? false : 'no local cluster (run through npm test)' }, () => {
  let kube: KubeClientProvider;
  let capacity: CapacityService;
  let clients: KubeClients;
  let ns: { name: string; drop: () => Promise<void> };

  before(async () => {
    kube = testProvider(local!);
    capacity = new CapacityService(kube);
    clients = kube.forContext(local!.context);
    ns = await createTestNamespace(clients, 'prov-ports');
  });
  after(async () => {
    await capacity?.dispose();
    await ns?.drop();
  });

  const yaml = 'resources:\n  cpus: 1\n  ports: [8888, 9000]\nrun: python -m http.server 8888\n';

  for (const mode of ['loadbalancer', 'ingress', 'podip'] as const) {
    test(`${mode}: objects and endpoint URLs`, async () => {
      const name = `p-${mode.slice(0, 4)}`;
      const { spec } = await launchTask(kube, capacity, local!.context, ns.name, name, yaml, candidate(local!.context, '1CPU--1GB'), { kubernetes: { ports: mode } });
      assert.deepEqual(spec.ports, [8888, 9000]);
      const endpoints = await waitForEndpoints(clients, ns.name, name, spec.ports, mode, 15_000);
      const urls = Object.values(endpoints);
      assert.equal(urls.length, 2, JSON.stringify(endpoints));
      if (mode === 'loadbalancer') {
        const svc = await clients.core.readNamespacedService({ name: `${name}-ports`, namespace: ns.name });
        assert.equal(svc.spec?.type, 'LoadBalancer');
        assert.match(endpoints[8888]!, /^http:\/\/127\.\d+\.\d+\.\d+:8888$/);
      } else if (mode === 'ingress') {
        const ing = await clients.networking.readNamespacedIngress({ name: `${name}-ingress`, namespace: ns.name });
        assert.equal(ing.spec?.ingressClassName, 'nginx');
        assert.match(endpoints[9000]!, new RegExp(`^http://127\\.\\d+\\.\\d+\\.\\d+/skyport/${ns.name}/${name}/9000$`));
      } else {
        assert.match(endpoints[8888]!, /^127\.\d+\.\d+\.\d+:8888$/);
      }
      await teardownCluster(clients, ns.name, name);
    });
  }
});
