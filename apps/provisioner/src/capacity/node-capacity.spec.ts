import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Node, V1Pod } from '@skyport/kube';
import { nodeCapacity } from './node-capacity';

function gpuNode(labels: Record<string, string>, allocatable: Record<string, string>): V1Node {
  return {
    metadata: { name: 'gpu-node', labels },
    spec: {},
    status: { allocatable: { cpu: '64', memory: '512Gi', ...allocatable }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function podAsking(resource: string, count: string): V1Pod {
  return {
    metadata: { name: 'p' },
    spec: { nodeName: 'gpu-node', containers: [{ name: 'c', resources: { requests: { [resource]: count }, limits: { [resource]: count } } }] },
    status: { phase: 'Running' },
  };
}

test('an AMD node labelled by the device plugin counts its amd.com/gpu', () => {
  const node = gpuNode({ 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X_OAM' }, { 'amd.com/gpu': '8' });
  const view = nodeCapacity(node, [podAsking('amd.com/gpu', '3')]);
  assert.equal(view.gpuModel, 'MI300X');
  assert.equal(view.gpuResourceKey, 'amd.com/gpu');
  assert.equal(view.gpuAllocatable, 8);
  assert.equal(view.gpuFree, 5);
  assert.equal(view.gpuLabelKey, 'amd.com/gpu.product-name');
});

test('an AMD model is counted under amd.com/gpu even when nvidia.com/gpu is advertised as well', () => {
  const node = gpuNode({ 'skypilot.co/accelerator': 'mi210' }, { 'nvidia.com/gpu': '1', 'amd.com/gpu': '4' });
  const view = nodeCapacity(node, []);
  assert.equal(view.gpuModel, 'MI210');
  assert.equal(view.gpuResourceKey, 'amd.com/gpu');
  assert.equal(view.gpuAllocatable, 4);
});

test('a Blackwell node labelled by GPU feature discovery counts nvidia.com/gpu', () => {
  const view = nodeCapacity(gpuNode({ 'nvidia.com/gpu.product': 'NVIDIA-B200' }, { 'nvidia.com/gpu': '8' }), [podAsking('nvidia.com/gpu', '8')]);
  assert.deepEqual([view.gpuModel, view.gpuResourceKey, view.gpuAllocatable, view.gpuFree], ['B200', 'nvidia.com/gpu', 8, 0]);
});
