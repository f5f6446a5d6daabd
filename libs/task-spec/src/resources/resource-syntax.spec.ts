import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AcceleratorNames } from '../accelerators/accelerator-names';
import { parseAccelerators } from './accelerators';
import { parseAutostop, parseIdleMinutes } from './autostop';
import { parseImageId } from './image';
import { formatInfra, infraFromLegacy, parseInfra } from './infra';
import { formatKubernetesInstanceType, kubernetesInstanceTypeFor, parseKubernetesInstanceType } from './kubernetes-instance-type';
import { parsePorts } from './ports';
import { parseCpus, parseDiskSize, parseMemory } from './quantity';

/** A tiny stand-in for the catalog's table: enough to exercise canonicalisation and suggestions. */
const names: AcceleratorNames = {
  canonical: (n) => ({ a100: 'A100', 'a100-80gb': 'A100-80GB', h100: 'H100', t4: 'T4', 'nvidia-tesla-t4': 'T4', l4: 'L4' })[n.toLowerCase()],
  names: () => ['A100', 'A100-80GB', 'H100', 'T4', 'L4'],
};

describe('cpus', () => {
  const ok: Array<[number | string, number, boolean]> = [
    [4, 4, false],
    ['4', 4, false],
    ['4+', 4, true],
    ['0.5', 0.5, false],
    [' 8+ ', 8, true],
  ];
  for (const [input, value, orMore] of ok) it(`accepts ${JSON.stringify(input)}`, () => assert.deepEqual(parseCpus(input), { value, orMore }));
  for (const bad of ['four', '4++', '+4', '0', '-1', '4 cpus']) it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseCpus(bad), /CPU count|greater than 0/));
});

describe('memory and disk size', () => {
  const ok: Array<[number | string, number, boolean]> = [
    [16, 16, false],
    ['16+', 16, true],
    ['32GB+', 32, true],
    ['1TB', 1024, false],
    ['512MB', 0.5, false],
    ['8Gi', 8, false],
  ];
  for (const [input, value, orMore] of ok) it(`memory ${JSON.stringify(input)}`, () => assert.deepEqual(parseMemory(input), { value, orMore }));
  it('rejects junk memory', () => assert.throws(() => parseMemory('lots'), /not a memory/));
  it('disk size in GB or with a unit', () => {
    assert.equal(parseDiskSize(256), 256);
    assert.equal(parseDiskSize('1024GB'), 1024);
    assert.equal(parseDiskSize('2TB'), 2048);
  });
  it('disk size has no + form', () => assert.throws(() => parseDiskSize('100+'), /exact/));
});

describe('accelerators', () => {
  const cases: Array<[string, unknown, Array<[string, number]>, 'any' | 'ordered']> = [
    ['name only', 'A100', [['A100', 1]], 'any'],
    ['name:count', 'A100:8', [['A100', 8]], 'any'],
    ['fraction', 'T4:0.5', [['T4', 0.5]], 'any'],
    ['alias, any case', 'nvidia-tesla-t4:2', [['T4', 2]], 'any'],
    ['mapping', { A100: 8 }, [['A100', 8]], 'any'],
    ['set from YAML flow {A100:8, H100:8}', { 'A100:8': null, 'H100:8': null }, [['A100', 8], ['H100', 8]], 'any'],
    ['set of names', { L4: null, T4: null }, [['L4', 1], ['T4', 1]], 'any'],
    ['list = ordered', ['H100:8', 'A100-80GB:8'], [['H100', 8], ['A100-80GB', 8]], 'ordered'],
    ['list of mappings', [{ H100: 1 }, { A100: 1 }], [['H100', 1], ['A100', 1]], 'ordered'],
    ['unknown far from any known name is kept', 'tpu-v2-8', [['tpu-v2-8', 1]], 'any'],
    ['a short product code is never guessed at', 'B100:8', [['B100', 8]], 'any'],
    ['null', null, [], 'any'],
  ];
  for (const [title, input, expected, order] of cases) {
    it(title, () => {
      const parsed = parseAccelerators(input, names);
      assert.deepEqual(parsed.choices.map((c) => [c.name, c.count]), expected);
      assert.equal(parsed.order, order);
    });
  }
  const errors: Array<[unknown, RegExp]> = [
    ['A100-80G:8', /unknown accelerator 'A100-80G'; did you mean 'A100-80GB'\?/],
    ['A1OO-80GB:1', /did you mean 'A100-80GB'/],
    ['A100:0', /greater than 0/],
    ['A100:1.5', /whole number/],
    ['A100:x', /not an accelerator/],
    [{ 'A100:2': 4 }, /count twice/],
    [[], /empty/],
    ['{A100:1, H100:1}', /quoted/],
  ];
  for (const [input, pattern] of errors) it(`rejects ${JSON.stringify(input)}`, () => assert.throws(() => parseAccelerators(input, names), pattern));
});

describe('infra', () => {
  const cases: Array<[string, ReturnType<typeof parseInfra>]> = [
    ['k8s', { provider: 'kubernetes' }],
    ['kubernetes', { provider: 'kubernetes' }],
    ['Kubernetes/ctx-a', { provider: 'kubernetes', context: 'ctx-a' }],
    ['kubernetes/arn:aws:eks:us-east-1:123456789012:cluster/prod', { provider: 'kubernetes', context: 'arn:aws:eks:us-east-1:123456789012:cluster/prod' }],
    ['k8s/gke_proj_us-central1_c1', { provider: 'kubernetes', context: 'gke_proj_us-central1_c1' }],
    ['aws', { provider: 'aws' }],
    ['aws/us-east-1', { provider: 'aws', region: 'us-east-1' }],
    ['aws/us-east-1/us-east-1a', { provider: 'aws', region: 'us-east-1', zone: 'us-east-1a' }],
    ['gcp/*/us-central1-a', { provider: 'gcp', zone: 'us-central1-a' }],
    ['oci/us-sanjose-1', { provider: 'oci', region: 'us-sanjose-1' }],
    ['*', undefined],
  ];
  for (const [input, expected] of cases) it(`parses ${input}`, () => assert.deepEqual(parseInfra(input), expected));
  it('formats back', () => {
    for (const s of ['kubernetes/a/b:c', 'aws/us-east-1', 'gcp/*/us-central1-a', 'kubernetes']) assert.equal(formatInfra(parseInfra(s)), s);
  });
  const errors: Array<[string, RegExp]> = [
    ['awz', /unknown infra 'awz'; did you mean 'aws'\?/],
    ['kubernetes/', /ends with '\/'/],
    ['aws/a/b/c', /too many parts/],
    ['aws//b', /empty part/],
    ['', /empty/],
  ];
  for (const [input, pattern] of errors) it(`rejects ${JSON.stringify(input)}`, () => assert.throws(() => parseInfra(input), pattern));
  it('legacy cloud/region/zone', () => {
    assert.deepEqual(infraFromLegacy('aws', 'us-east-1', null), { provider: 'aws', region: 'us-east-1' });
    assert.deepEqual(infraFromLegacy('kubernetes', 'ctx-a', undefined), { provider: 'kubernetes', context: 'ctx-a' });
    assert.equal(infraFromLegacy(null, null, null), undefined);
    assert.throws(() => infraFromLegacy(null, 'us-east-1', null), /need a cloud/);
  });
});

describe('ports', () => {
  const cases: Array<[unknown, Array<[number, number]>]> = [
    [8000, [[8000, 8000]]],
    ['8000', [[8000, 8000]]],
    ['8000-8010', [[8000, 8010]]],
    [[8080, '9000-9001', 8081], [[8080, 8081], [9000, 9001]]],
    [null, []],
  ];
  for (const [input, expected] of cases) {
    it(`parses ${JSON.stringify(input)}`, () => assert.deepEqual(parsePorts(input as number).map((p) => [p.from, p.to]), expected));
  }
  for (const [input, pattern] of [['http', /not a port/], [70000, /out of range/], ['9000-8000', /reversed/]] as const) {
    it(`rejects ${JSON.stringify(input)}`, () => assert.throws(() => parsePorts(input), pattern));
  }
});

describe('autostop', () => {
  const cases: Array<[unknown, ReturnType<typeof parseAutostop>]> = [
    [true, { enabled: true, idleMinutes: 5, down: false }],
    [false, { enabled: false, idleMinutes: 5, down: false }],
    [10, { enabled: true, idleMinutes: 10, down: false }],
    ['30m', { enabled: true, idleMinutes: 30, down: false }],
    ['2h', { enabled: true, idleMinutes: 120, down: false }],
    [{ idle_minutes: 15, down: true }, { enabled: true, idleMinutes: 15, down: true }],
    [null, undefined],
  ];
  for (const [input, expected] of cases) it(`parses ${JSON.stringify(input)}`, () => assert.deepEqual(parseAutostop(input), expected));
  it('rejects a bad duration', () => assert.throws(() => parseIdleMinutes('soon'), /not an idle time/));
  it('1d is a day', () => assert.equal(parseIdleMinutes('1d'), 1440));
});

describe('image_id', () => {
  it('docker:', () => assert.deepEqual(parseImageId('docker:nvcr.io/nvidia/pytorch:24.07-py3'), { kind: 'docker', image: 'nvcr.io/nvidia/pytorch:24.07-py3' }));
  it('cloud image', () => assert.deepEqual(parseImageId('ami-062ddd90fb6f8267a'), { kind: 'image', image: 'ami-062ddd90fb6f8267a' }));
  it('per-region mapping', () => assert.deepEqual(parseImageId({ 'us-east-1': 'ami-1' }), { kind: 'image', image: 'ami-1' }));
  it('empty docker:', () => assert.throws(() => parseImageId('docker:'), /needs an image/));
});

describe('Kubernetes instance types', () => {
  const round: Array<[string, ReturnType<typeof parseKubernetesInstanceType>]> = [
    ['2CPU--2GB', { cpus: 2, memoryGb: 2 }],
    ['4CPU--16GB--A100:1', { cpus: 4, memoryGb: 16, accelerator: { name: 'A100', count: 1 } }],
    ['0.5CPU--1.5GB', { cpus: 0.5, memoryGb: 1.5 }],
    ['8CPU--32GB--H100:8', { cpus: 8, memoryGb: 32, accelerator: { name: 'H100', count: 8 } }],
    ['4CPU--16GB--RTX_4090:1', { cpus: 4, memoryGb: 16, accelerator: { name: 'RTX 4090', count: 1 } }],
  ];
  for (const [name, shape] of round) {
    it(`parses and formats ${name}`, () => {
      assert.deepEqual(parseKubernetesInstanceType(name), shape);
      assert.equal(formatKubernetesInstanceType(shape), name);
    });
  }
  it("reads SkyPilot's older form", () => assert.deepEqual(parseKubernetesInstanceType('4CPU--16GB--1V100'), { cpus: 4, memoryGb: 16, accelerator: { name: 'V100', count: 1 } }));
  it('rejects other names', () => assert.throws(() => parseKubernetesInstanceType('m6i.large'), /not a Kubernetes instance type/));

  const defaults: Array<[string, Parameters<typeof kubernetesInstanceTypeFor>[0], string]> = [
    ['nothing given: 2 CPU, 1 GB per CPU', {}, '2CPU--2GB'],
    ['cpus given: 1 GB per CPU', { cpus: { value: 8, orMore: true } }, '8CPU--8GB'],
    ['memory given', { cpus: { value: 4, orMore: false }, memory: { value: 32, orMore: true } }, '4CPU--32GB'],
    ['1 GPU: 4 CPU, 4 GB per CPU', { accelerator: { name: 'A100', count: 1 } }, '4CPU--16GB--A100:1'],
    ['8 GPUs: 32 CPU, 128 GB', { accelerator: { name: 'H100', count: 8 } }, '32CPU--128GB--H100:8'],
    ['GPU with cpus given: 4 GB per CPU', { cpus: { value: 2, orMore: false }, accelerator: { name: 'T4', count: 1 } }, '2CPU--8GB--T4:1'],
    ['explicit instance_type wins', { instanceType: '3CPU--5GB', cpus: { value: 8, orMore: false } }, '3CPU--5GB'],
  ];
  for (const [title, req, expected] of defaults) it(title, () => assert.equal(formatKubernetesInstanceType(kubernetesInstanceTypeFor(req)), expected));
});
