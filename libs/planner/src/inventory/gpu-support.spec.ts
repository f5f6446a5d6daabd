import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextCapacity } from '../testing/capacity-fixtures';
import { gpuSupport } from './gpu-support';

test('counts GPUs per model from every label format and names the nodes it cannot use', () => {
  const ctx = contextCapacity('ctx-a', [
    { name: 'gke', cpus: 96, memoryGb: 680, gpus: 8, freeGpus: 2, labels: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-a100' } },
    { name: 'karpenter', cpus: 96, memoryGb: 1152, gpus: 8, freeGpus: 8, labels: { 'karpenter.k8s.aws/instance-gpu-name': 'a100' } },
    { name: 'gfd', cpus: 96, memoryGb: 1152, gpus: 8, labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } },
    { name: 'cordoned', cpus: 16, memoryGb: 64, gpus: 1, gpuModel: 'T4', schedulable: false },
    { name: 'odd', cpus: 16, memoryGb: 64, gpus: 4, labels: { 'skypilot.co/accelerator': 'quantum-9000' } },
    { name: 'bare', cpus: 16, memoryGb: 64, gpus: 2 },
    { name: 'cpu', cpus: 8, memoryGb: 32 },
  ]);
  const s = gpuSupport(ctx);
  assert.equal(s.gpuNodes, 6);
  assert.deepEqual(s.models, [
    { gpu: 'A100', nodes: 2, total: 16, free: 10, largestFreeBlock: 8 },
    { gpu: 'A100-80GB', nodes: 1, total: 8, free: 8, largestFreeBlock: 8 },
    { gpu: 'T4', nodes: 1, total: 1, free: 0, largestFreeBlock: 0 },
  ]);
  assert.deepEqual(s.problems, [
    { node: 'odd', key: 'skypilot.co/accelerator', value: 'quantum-9000' },
    { node: 'bare', key: '', value: '' },
  ]);
  assert.match(s.hint, /2 GPU nodes cannot be used: unrecognised GPU label value 'quantum-9000'; label GPU nodes with one of skypilot.co\/accelerator/);
});

test('a context without GPUs says how GPUs would show up', () => {
  const s = gpuSupport(contextCapacity('ctx-b', [{ cpus: 8, memoryGb: 32 }]));
  assert.equal(s.gpuNodes, 0);
  assert.match(s.hint, /no node has nvidia.com\/gpu or amd.com\/gpu capacity/);
});
