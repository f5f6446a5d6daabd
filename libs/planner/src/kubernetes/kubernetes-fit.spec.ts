import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextCapacity, type NodeSpec } from '../testing/capacity-fixtures';
import { fitOnContext } from './kubernetes-fit';
import type { PodShape } from './pod-shape';

const A100x8: NodeSpec = { cpus: 96, memoryGb: 1024, gpus: 8, gpuModel: 'A100' };
const gpuTaint = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }];

interface Case {
  name: string;
  nodes: NodeSpec[];
  shape: PodShape;
  numNodes?: number;
  autoscaler?: boolean;
  feasible: boolean;
  detail?: RegExp;
}

const cases: Case[] = [
  { name: 'CPU pod on an empty node', nodes: [{ cpus: 4, memoryGb: 16 }], shape: { cpus: 2, memoryGb: 2 }, feasible: true },
  {
    name: 'CPU short everywhere',
    nodes: [{ cpus: 4, memoryGb: 16, freeCpus: 1.5 }, { cpus: 4, memoryGb: 16, freeCpus: 1 }],
    shape: { cpus: 4, memoryGb: 4 },
    feasible: false,
    detail: /largest free CPU on a node is 1\.5 vCPUs; the task needs 4/,
  },
  {
    name: 'memory short',
    nodes: [{ cpus: 8, memoryGb: 16, freeMemoryGb: 3 }],
    shape: { cpus: 2, memoryGb: 8 },
    feasible: false,
    detail: /largest free memory on a node is 3 GB; the task needs 8/,
  },
  {
    name: 'CPU on one node, memory on another',
    nodes: [{ cpus: 8, memoryGb: 16, freeMemoryGb: 1 }, { cpus: 8, memoryGb: 16, freeCpus: 1 }],
    shape: { cpus: 4, memoryGb: 8 },
    feasible: false,
    detail: /no node has 4 vCPUs and 8 GB free at once/,
  },
  {
    name: 'GPU block too small now',
    nodes: [{ ...A100x8, freeGpus: 4 }, { ...A100x8, freeGpus: 2 }],
    shape: { cpus: 32, memoryGb: 128, accelerator: { name: 'A100', count: 8 } },
    feasible: false,
    detail: /largest free GPU block is 4× A100; the task needs 8/,
  },
  {
    name: 'GPU node too small ever',
    nodes: [{ cpus: 48, memoryGb: 256, gpus: 4, gpuModel: 'A100' }],
    shape: { cpus: 32, memoryGb: 128, accelerator: { name: 'A100', count: 8 } },
    feasible: false,
    detail: /the largest A100 node has 4 GPUs; the task needs 8/,
  },
  {
    name: 'GPU model absent',
    nodes: [{ cpus: 16, memoryGb: 64, gpus: 4, gpuModel: 'T4' }, { cpus: 4, memoryGb: 16 }],
    shape: { cpus: 4, memoryGb: 16, accelerator: { name: 'A100', count: 1 } },
    feasible: false,
    detail: /no A100 nodes \(GPUs here: T4\)/,
  },
  {
    name: 'GPU model from a GFD label, alias in the request',
    nodes: [{ cpus: 96, memoryGb: 1024, gpus: 8, labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } }],
    shape: { cpus: 4, memoryGb: 16, accelerator: { name: 'a100-80gb', count: 1 } },
    feasible: true,
  },
  {
    name: 'unknown GPU label value is named',
    nodes: [{ cpus: 16, memoryGb: 64, gpus: 4, labels: { 'skypilot.co/accelerator': 'mystery-gpu' } }],
    shape: { cpus: 4, memoryGb: 16, accelerator: { name: 'A100', count: 1 } },
    feasible: false,
    detail: /unrecognised GPU label values: 'mystery-gpu'/,
  },
  {
    name: 'tainted GPU node is fine for a GPU task',
    nodes: [{ ...A100x8, taints: gpuTaint }],
    shape: { cpus: 4, memoryGb: 16, accelerator: { name: 'A100', count: 1 } },
    feasible: true,
  },
  {
    name: 'tainted GPU node is not for a CPU task',
    nodes: [{ ...A100x8, taints: gpuTaint }],
    shape: { cpus: 2, memoryGb: 2 },
    feasible: false,
    detail: /taints the task does not tolerate/,
  },
  {
    name: 'cordoned and not-ready nodes are skipped',
    nodes: [{ cpus: 8, memoryGb: 32, schedulable: false }, { cpus: 8, memoryGb: 32, ready: false }],
    shape: { cpus: 2, memoryGb: 2 },
    feasible: false,
    detail: /no ready, schedulable node \(2 nodes not ready or cordoned\)/,
  },
  {
    name: 'multi-node packs several pods on one node',
    nodes: [{ cpus: 8, memoryGb: 32 }],
    shape: { cpus: 4, memoryGb: 16 },
    numNodes: 2,
    feasible: true,
  },
  {
    name: 'multi-node is all-or-nothing',
    nodes: [{ cpus: 8, memoryGb: 32 }, { cpus: 8, memoryGb: 32, freeCpus: 2 }],
    shape: { cpus: 4, memoryGb: 4 },
    numNodes: 3,
    feasible: false,
    detail: /room for 2 of the 3 pods now/,
  },
  {
    name: 'multi-node GPU across nodes',
    nodes: [A100x8, A100x8],
    shape: { cpus: 32, memoryGb: 128, accelerator: { name: 'A100', count: 8 } },
    numNodes: 2,
    feasible: true,
  },
  {
    name: 'autoscaler makes a full context feasible when a node shape fits',
    nodes: [{ ...A100x8, freeGpus: 0 }],
    shape: { cpus: 32, memoryGb: 128, accelerator: { name: 'A100', count: 8 } },
    autoscaler: true,
    feasible: true,
  },
  {
    name: 'autoscaler cannot add a shape that does not exist',
    nodes: [{ cpus: 4, memoryGb: 16 }],
    shape: { cpus: 2, memoryGb: 2, accelerator: { name: 'H100', count: 1 } },
    autoscaler: true,
    feasible: false,
    detail: /autoscaler cannot help/,
  },
  {
    name: 'fractional GPUs cannot be shared on Kubernetes',
    nodes: [A100x8],
    shape: { cpus: 1, memoryGb: 4, accelerator: { name: 'A100', count: 0.5 } },
    feasible: false,
    detail: /cannot share a GPU/,
  },
  {
    name: 'AMD GPUs need the AMD resource',
    nodes: [{ cpus: 64, memoryGb: 512, gpus: 8, gpuModel: 'MI300X', gpuResourceKey: 'amd.com/gpu' }],
    shape: { cpus: 4, memoryGb: 16, accelerator: { name: 'MI300X', count: 1 } },
    feasible: true,
  },
];

for (const c of cases) {
  test(`fit: ${c.name}`, () => {
    const result = fitOnContext(contextCapacity('ctx-a', c.nodes), c.shape, c.numNodes ?? 1, c.autoscaler ?? false);
    assert.equal(result.feasible, c.feasible, result.detail);
    if (c.detail) assert.match(result.detail ?? '', c.detail);
  });
}
