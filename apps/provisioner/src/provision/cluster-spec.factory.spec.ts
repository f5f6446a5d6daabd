import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SkyportError } from '@skyport/contracts';
import { resolveKubernetesSettings } from '@skyport/config';
import { parseTaskYaml } from '@skyport/task-spec';
import type { NodeCapacityView } from '../capacity/node-capacity';
import { clusterSpecFor, gpuPlacementFor, type PlanCandidate } from './cluster-spec.factory';

const gpuNode = (name: string, labelKey: string, labelValue: string, model: string): NodeCapacityView => ({
  name,
  ready: true,
  schedulable: true,
  cpuAllocatableMilli: 96000,
  cpuFreeMilli: 96000,
  memoryAllocatableBytes: 2 ** 40,
  memoryFreeBytes: 2 ** 40,
  gpuResourceKey: 'nvidia.com/gpu',
  gpuAllocatable: 8,
  gpuFree: 8,
  gpuModel: model,
  gpuLabelKey: labelKey,
  gpuLabelValue: labelValue,
  labels: {},
  taints: [],
});

const nodes = [
  gpuNode('gke', 'cloud.google.com/gke-accelerator', 'nvidia-tesla-a100', 'A100'),
  gpuNode('gfd', 'nvidia.com/gpu.product', 'NVIDIA-A100-SXM4-80GB', 'A100-80GB'),
  gpuNode('gfd2', 'nvidia.com/gpu.product', 'NVIDIA-A100-SXM4-80GB', 'A100-80GB'),
];

test('GPU placement picks the label format of the matching nodes only', () => {
  assert.deepEqual(gpuPlacementFor('A100-80GB', 2, nodes, 'ctx'), {
    resourceKey: 'nvidia.com/gpu',
    count: 2,
    nodeLabels: [{ key: 'nvidia.com/gpu.product', values: ['NVIDIA-A100-SXM4-80GB'] }],
  });
  assert.deepEqual(gpuPlacementFor('A100', 1, nodes, 'ctx').nodeLabels, [{ key: 'cloud.google.com/gke-accelerator', values: ['nvidia-tesla-a100'] }]);
  assert.throws(() => gpuPlacementFor('H100', 1, nodes, 'ctx'), (e: unknown) => e instanceof SkyportError && /No node of context "ctx" carries a H100/.test(e.userMessage));
});

test('a spec from task + candidate + settings: shape, image, ports, labels, pod_config layers in order', () => {
  const task = parseTaskYaml(
    'name: train\nresources:\n  accelerators: A100-80GB:1\n  image_id: docker:pytorch/pytorch:2.4\n  ports: 8888\n  labels: {team: ml}\nconfig:\n  kubernetes:\n    pod_config: {metadata: {labels: {layer: task}}}\nrun: python train.py\n',
  ).tasks[0]!;
  const config = {
    kubernetes: {
      pod_config: { metadata: { labels: { layer: 'global' } } },
      image_pull_secrets: ['regcred'],
      custom_metadata: { labels: { org: 'acme' } },
      context_configs: { ctx: { pod_config: { metadata: { labels: { layer: 'context' } } } } },
    },
  };
  const candidate: PlanCandidate = {
    candidateId: 'kubernetes/ctx',
    provider: 'kubernetes',
    region: 'ctx',
    zone: '',
    instanceType: '4CPU--16GB--A100-80GB:1',
    acceleratorName: 'A100-80GB',
    acceleratorCount: 1,
    useSpot: false,
    feasible: true,
    reason: '',
    namespace: '',
  };
  const { spec, ask } = clusterSpecFor({
    task,
    candidate,
    clusterName: 'c1',
    namespace: 'ns',
    user: 'u',
    requestId: 'r',
    numNodes: 1,
    settings: resolveKubernetesSettings({ config, context: 'ctx' }),
    config,
    nodes,
    hasSecrets: false,
  });
  assert.equal(spec.cpus, 4);
  assert.equal(spec.memoryGb, 16);
  assert.equal(spec.image, 'pytorch/pytorch:2.4');
  assert.deepEqual(spec.ports, [8888]);
  assert.deepEqual(spec.labels, { org: 'acme', team: 'ml' });
  assert.deepEqual(spec.imagePullSecrets, ['regcred']);
  assert.equal(spec.gpu?.nodeLabels[0]?.key, 'nvidia.com/gpu.product');
  assert.deepEqual(
    spec.podConfigLayers.map((l) => (l as { metadata: { labels: { layer: string } } }).metadata.labels.layer),
    ['global', 'context', 'task'],
  );
  assert.deepEqual(ask, { cpus: 4, memoryGb: 16, gpuResourceKey: 'nvidia.com/gpu', gpus: 1, gpuModel: 'A100-80GB' });
});

test("the admin's default image applies to a task without image_id; the registry's pull Secret joins image_pull_secrets", () => {
  const config = { kubernetes: { image_pull_secrets: ['regcred'] } };
  const candidate: PlanCandidate = {
    candidateId: 'kubernetes/ctx',
    provider: 'kubernetes',
    region: 'ctx',
    zone: '',
    instanceType: '2CPU--4GB',
    acceleratorName: '',
    acceleratorCount: 0,
    useSpot: false,
    feasible: true,
    reason: '',
    namespace: '',
  };
  const specOf = (yaml: string) =>
    clusterSpecFor({
      task: parseTaskYaml(yaml).tasks[0]!,
      candidate,
      clusterName: 'c1',
      namespace: 'ns',
      user: 'u',
      requestId: 'r',
      numNodes: 1,
      settings: resolveKubernetesSettings({ config, context: 'ctx' }),
      config,
      nodes: [],
      hasSecrets: false,
      imageDefaults: { image: '127.0.0.1:5000/skyport/task:1', pullSecret: { name: 'skyport-registry', dockerConfigJson: '{"auths":{}}' } },
    }).spec;
  const plain = specOf('resources:\n  cpus: 2\nrun: echo hi\n');
  assert.equal(plain.image, '127.0.0.1:5000/skyport/task:1');
  assert.deepEqual(plain.imagePullSecrets, ['regcred', 'skyport-registry']);
  assert.equal(specOf('resources:\n  cpus: 2\n  image_id: docker:127.0.0.1:5000/private/tool:1\nrun: echo hi\n').image, '127.0.0.1:5000/private/tool:1');
});
