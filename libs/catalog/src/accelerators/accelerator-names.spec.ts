import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CANONICAL_ACCELERATORS, acceleratorInfo, canonicalAccelerator, suggestAccelerator } from './accelerator-names';
import { gpuFromNodeLabels, gpuResourceKeyOf } from './gpu-labels';

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
  // SkyPilot's other names for the same parts
  ['H100-80GB', 'H100'],
  ['H100-MEGA-80GB', 'H100-MEGA'],
  // Blackwell: canonical, GKE, GPU feature discovery
  ['B100', 'B100'],
  ['NVIDIA-B100', 'B100'],
  ['nvidia-b200', 'B200'],
  ['NVIDIA-B200', 'B200'],
  ['gb200', 'GB200'],
  ['nvidia-gb200', 'GB200'],
  ['NVIDIA-GB200', 'GB200'],
  // AMD Instinct: canonical names and the device plugin's amd.com/gpu.product-name values
  ['mi300x', 'MI300X'],
  ['AMD_Instinct_MI300X', 'MI300X'],
  ['AMD_Instinct_MI300X_OAM', 'MI300X'],
  ['AMD-Instinct-MI300X-OAM', 'MI300X'],
  ['MI250', 'MI250'],
  ['AMD_Instinct_MI250', 'MI250'],
  ['AMD_Instinct_MI250X', 'MI250X'],
  ['AMD_Instinct_MI250X_MI250', 'MI250'],
  ['MI210', 'MI210'],
  ['AMD_Instinct_MI210', 'MI210'],
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

test("AMD's device-plugin labels name the GPU (current and beta. keys)", () => {
  assert.deepEqual(gpuFromNodeLabels({ 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X_OAM' }), {
    name: 'MI300X',
    key: 'amd.com/gpu.product-name',
    value: 'AMD_Instinct_MI300X_OAM',
  });
  assert.equal(gpuFromNodeLabels({ 'beta.amd.com/gpu.product-name': 'AMD_Instinct_MI210' })?.name, 'MI210');
  // SkyPilot's own label still comes first
  assert.equal(gpuFromNodeLabels({ 'skypilot.co/accelerator': 'mi250', 'amd.com/gpu.product-name': 'AMD_Instinct_MI210' })?.name, 'MI250');
});

test('new parts carry their vendor and memory', () => {
  const rows: Array<[string, 'nvidia' | 'amd', number]> = [
    ['B100', 'nvidia', 192],
    ['B200', 'nvidia', 180],
    ['GB200', 'nvidia', 186],
    ['MI300X', 'amd', 192],
    ['MI250X', 'amd', 128],
    ['MI250', 'amd', 128],
    ['MI210', 'amd', 64],
  ];
  for (const [name, vendor, memoryGb] of rows) {
    assert.equal(acceleratorInfo(name)?.vendor, vendor, name);
    assert.equal(acceleratorInfo(name)?.memoryGb, memoryGb, name);
  }
});

describe('gpuResourceKeyOf', () => {
  const cases: Array<[string, Record<string, string> | undefined, string | undefined, string]> = [
    ['an NVIDIA node', { cpu: '8', 'nvidia.com/gpu': '8' }, 'A100', 'nvidia.com/gpu'],
    ['an AMD node', { cpu: '8', 'amd.com/gpu': '8' }, 'MI300X', 'amd.com/gpu'],
    ['an AMD model is counted under amd.com/gpu even when nvidia.com/gpu is advertised too', { 'nvidia.com/gpu': '1', 'amd.com/gpu': '8' }, 'MI300X', 'amd.com/gpu'],
    ['an NVIDIA model under nvidia.com/gpu when both are advertised', { 'nvidia.com/gpu': '8', 'amd.com/gpu': '1' }, 'H100', 'nvidia.com/gpu'],
    ['no model label: the first vendor key with capacity', { 'amd.com/gpu': '4' }, undefined, 'amd.com/gpu'],
    ["the model's key at zero: the key that has GPUs", { 'amd.com/gpu': '0', 'nvidia.com/gpu': '2' }, 'MI210', 'nvidia.com/gpu'],
    ['no GPU capacity', { cpu: '8' }, 'A100', ''],
    ['no capacity at all', undefined, undefined, ''],
  ];
  for (const [title, resources, model, expected] of cases) test(title, () => assert.equal(gpuResourceKeyOf(resources, model), expected));
});
