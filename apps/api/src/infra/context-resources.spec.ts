import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProvisionerRpc } from '@skyport/contracts';
import { contextResources } from './context-resources';

const GIB = 1024 ** 3;

function node(cpus: number, freeCpus: number, memoryGb: number, freeMemoryGb: number, state: { ready?: boolean; schedulable?: boolean } = {}): ProvisionerRpc.NodeCapacity {
  return {
    name: 'n',
    ready: state.ready ?? true,
    schedulable: state.schedulable ?? true,
    cpuAllocatableMilli: cpus * 1000,
    cpuFreeMilli: freeCpus * 1000,
    memoryAllocatableBytes: memoryGb * GIB,
    memoryFreeBytes: freeMemoryGb * GIB,
    gpuResourceKey: '',
    gpuAllocatable: 0,
    gpuFree: 0,
    gpuModel: '',
    gpuLabelKey: '',
    gpuLabelValue: '',
    labels: {},
    taints: [],
  };
}

test('allocatable adds up every node; free only the nodes a pod can land on now', () => {
  const nodes = [node(4, 1.5, 16, 10), node(8, 8, 32, 32, { ready: false }), node(2, 2, 8, 8, { schedulable: false }), node(0.5, 0.25, 1, 0.5)];
  assert.deepEqual(contextResources(nodes), { cpus: { allocatable: 14.5, free: 1.75 }, memoryGb: { allocatable: 57, free: 10.5 } });
});

test('odd byte counts are rounded to hundredths of a GB, CPUs to millicores', () => {
  const n = { ...node(1, 1, 1, 1), cpuAllocatableMilli: 1999.6, memoryAllocatableBytes: 3 * GIB + 123_456_789, memoryFreeBytes: 1 };
  assert.deepEqual(contextResources([n]), { cpus: { allocatable: 2, free: 1 }, memoryGb: { allocatable: 3.11, free: 0 } });
});

test('a context without nodes has nothing', () => {
  assert.deepEqual(contextResources([]), { cpus: { allocatable: 0, free: 0 }, memoryGb: { allocatable: 0, free: 0 } });
});
