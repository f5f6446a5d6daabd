import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPodShape, parsePodShape, podShapeFor } from './pod-shape';

const cases: Array<[string, Parameters<typeof podShapeFor>[0], string]> = [
  ['no cpus: 2 vCPUs, 1 GB each', { useSpot: false }, '2CPU--2GB'],
  ['cpus given: 1 GB per vCPU', { useSpot: false, cpus: { value: 4, orMore: true } }, '4CPU--4GB'],
  ['memory given', { useSpot: false, cpus: { value: 4, orMore: false }, memory: { value: 16, orMore: false } }, '4CPU--16GB'],
  ['one GPU: 4 vCPUs, 4 GB each', { useSpot: false, accelerator: { name: 'A100', count: 1 } }, '4CPU--16GB--A100:1'],
  ['eight GPUs', { useSpot: false, accelerator: { name: 'H100', count: 8 } }, '32CPU--128GB--H100:8'],
  ['explicit pod shape wins', { useSpot: false, instanceType: '8CPU--32GB--T4:2', cpus: { value: 1, orMore: false } }, '8CPU--32GB--T4:2'],
  ['fractional cpus', { useSpot: false, cpus: { value: 0.5, orMore: false } }, '0.5CPU--0.5GB'],
];

for (const [name, res, expected] of cases) {
  test(`pod shape: ${name}`, () => assert.equal(formatPodShape(podShapeFor(res)), expected));
}

test('cloud instance types are not pod shapes', () => {
  assert.equal(parsePodShape('p4d.24xlarge'), undefined);
  assert.deepEqual(parsePodShape('4CPU--16GB--A100-80GB:1'), { cpus: 4, memoryGb: 16, accelerator: { name: 'A100-80GB', count: 1 } });
});
