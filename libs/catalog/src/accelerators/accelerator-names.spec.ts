import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANONICAL_ACCELERATORS, canonicalAccelerator, suggestAccelerator } from './accelerator-names';
import { gpuFromNodeLabels } from './gpu-labels';

const cases: Array<[string, string | undefined]> = [
  // canonical names, any case
  ['A100', 'A100'],
  ['a100-80gb', 'A100-80GB'],
  ['h100', 'H100'],
  ['t4', 'T4'],
  // GKE cloud.google.com/gke-accelerator
  ['nvidia-tesla-t4', 'T4'],
  ['nvidia-tesla-v100', 'V100'],
  ['nvidia-tesla-a100', 'A100'],
  ['nvidia-a100-80gb', 'A100-80GB'],
  ['nvidia-h100-80gb', 'H100'],
  ['nvidia-h100-mega-80gb', 'H100-MEGA'],
  ['nvidia-l4', 'L4'],
  ['nvidia-h200-141gb', 'H200'],
  // NVIDIA GPU feature discovery nvidia.com/gpu.product
  ['NVIDIA-A100-SXM4-80GB', 'A100-80GB'],
  ['NVIDIA-A100-SXM4-40GB', 'A100'],
  ['NVIDIA-A100-PCIE-40GB', 'A100'],
  ['NVIDIA-A100-80GB-PCIe', 'A100-80GB'],
  ['Tesla-T4', 'T4'],
  ['Tesla-V100-SXM2-16GB', 'V100'],
  ['Tesla-V100-SXM2-32GB', 'V100-32GB'],
  ['NVIDIA-H100-80GB-HBM3', 'H100'],
  ['NVIDIA-A10G', 'A10G'],
  ['NVIDIA-L40S', 'L40S'],
  ['NVIDIA-GH200-480GB', 'GH200'],
  ['Tesla-T4-SHARED', 'T4'],
  // Karpenter karpenter.k8s.aws/instance-gpu-name
  ['a100', 'A100'],
  ['a10g', 'A10G'],
  ['l4', 'L4'],
  // CoreWeave gpu.nvidia.com/class
  ['A100_NVLINK_80GB', 'A100-80GB'],
  ['H100_NVLINK_80GB', 'H100'],
  ['RTX_A6000', 'A6000'],
  // not accelerators we know, or not whole devices
  ['A100-80G', undefined],
  ['NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', undefined],
  ['quantum-gpu', undefined],
  ['', undefined],
];

for (const [raw, expected] of cases) {
  test(`canonicalAccelerator('${raw}') is ${expected ?? 'unknown'}`, () => {
    assert.equal(canonicalAccelerator(raw), expected);
  });
}

test('A10 and A100 do not collide', () => {
  assert.equal(canonicalAccelerator('nvidia-a10'), 'A10');
  assert.equal(canonicalAccelerator('nvidia-a100'), 'A100');
});

test('every canonical name resolves to itself', () => {
  for (const name of CANONICAL_ACCELERATORS) assert.equal(canonicalAccelerator(name), name);
  for (const name of CANONICAL_ACCELERATORS) assert.equal(canonicalAccelerator(name.toLowerCase()), name);
});

test('suggestions name the nearest canonical accelerator', () => {
  assert.equal(suggestAccelerator('A100-80G'), 'A100-80GB');
  assert.equal(suggestAccelerator('H10O'), 'H100');
  assert.equal(suggestAccelerator('v1000'), 'V100');
  assert.equal(suggestAccelerator('completely-unrelated-name'), undefined);
});

test('node labels in each vendor format name the GPU', () => {
  assert.deepEqual(gpuFromNodeLabels({ 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' }), {
    name: 'T4',
    key: 'cloud.google.com/gke-accelerator',
    value: 'nvidia-tesla-t4',
  });
  assert.equal(gpuFromNodeLabels({ 'karpenter.k8s.aws/instance-gpu-name': 'a100' })?.name, 'A100');
  assert.equal(gpuFromNodeLabels({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' })?.name, 'H100');
  assert.equal(gpuFromNodeLabels({ 'gpu.nvidia.com/class': 'A100_NVLINK_80GB' })?.name, 'A100-80GB');
  assert.equal(gpuFromNodeLabels({ 'skypilot.co/accelerator': 'l4' })?.name, 'L4');
  // an unknown value is kept, so `check` can name it; a recognised label elsewhere still wins
  assert.deepEqual(gpuFromNodeLabels({ 'skypilot.co/accelerator': 'mystery' }), { key: 'skypilot.co/accelerator', value: 'mystery' });
  assert.equal(gpuFromNodeLabels({ 'skypilot.co/accelerator': 'mystery', 'nvidia.com/gpu.product': 'Tesla-T4' })?.name, 'T4');
  assert.equal(gpuFromNodeLabels({ 'kubernetes.io/os': 'linux' }), undefined);
});
