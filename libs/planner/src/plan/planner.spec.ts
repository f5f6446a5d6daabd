import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '@skyport/catalog';
import { isSkyportError, ErrorCode, type ProvisionerRpc } from '@skyport/contracts';
import type { PlanInput, PlanResources, PlanTask, PlannerConfig } from '../input/plan-input.types';
import { contextCapacity } from '../testing/capacity-fixtures';
import { planTask, planTaskOrThrow } from './planner';

const catalog = defaultCatalog();
const cpuCtx = (name: string, free = 8): ProvisionerRpc.ContextCapacity =>
  contextCapacity(name, [{ cpus: 8, memoryGb: 32, freeCpus: free }]);
const gpuCtx = (name: string, model: string, freeGpus = 8): ProvisionerRpc.ContextCapacity =>
  contextCapacity(name, [{ cpus: 96, memoryGb: 1024, gpus: 8, freeGpus, gpuModel: model }]);

function task(resources: Array<Partial<PlanResources>>, extra: Partial<PlanTask> = {}): PlanTask {
  return { numNodes: 1, resourcesOrder: 'any', resources: resources.map((r) => ({ useSpot: false, ...r })), ...extra };
}

function input(t: PlanTask, capacity: ProvisionerRpc.ContextCapacity[], config: Partial<PlannerConfig> = {}, more: Partial<PlanInput> = {}): PlanInput {
  return {
    task: t,
    capacity,
    catalog,
    config: { allowedContexts: capacity.map((c) => c.context), enabledClouds: ['aws', 'gcp', 'azure', 'lambda', 'ibm'], ...config },
    planId: 'plan-1',
    ...more,
  };
}

const ids = (plan: ReturnType<typeof planTask>, onlyFeasible = true): string[] =>
  plan.candidates.filter((c) => !onlyFeasible || c.feasible).map((c) => c.candidateId);

interface Case {
  name: string;
  input: PlanInput;
  /** Expected ids at the head of the feasible list, in order. */
  head?: string[];
  /** Ids that must not appear at all. */
  absent?: string[];
  check?: (plan: ReturnType<typeof planTask>) => void;
}

const cases: Case[] = [
  {
    name: 'Kubernetes at $0 comes before every cloud',
    input: input(task([{}]), [cpuCtx('ctx-a')]),
    head: ['kubernetes/ctx-a', 'gcp/us-central1/e2-standard-2', 'gcp/us-east1/e2-standard-2'],
    check: (plan) => {
      assert.equal(plan.chosenIndex, 0);
      const k = plan.candidates[0];
      assert.equal(k.instanceType, '2CPU--2GB');
      assert.equal(k.totalHourlyPrice, 0);
    },
  },
  {
    name: 'clouds are sorted by cost',
    input: input(task([{}]), []),
    check: (plan) => {
      const prices = plan.candidates.filter((c) => c.feasible).map((c) => c.totalHourlyPrice);
      assert.deepEqual(prices, [...prices].sort((a, b) => a - b));
      assert.ok(plan.candidates.some((c) => c.candidateId === 'aws/us-east-1/m6i.large'));
    },
  },
  {
    name: 'Kubernetes first at equal cost, then the user order',
    input: input(task([{ accelerator: { name: 'A100', count: 8 } }]), [gpuCtx('ctx-a', 'A100')], {
      kubernetesPricing: { 'ctx-a': { accelerators: { A100: 1.29 } } },
    }),
    head: ['kubernetes/ctx-a', 'lambda/us-east-1/gpu_8x_a100', 'lambda/us-west-1/gpu_8x_a100'],
    check: (plan) => assert.equal(plan.candidates[0].totalHourlyPrice, 8 * 1.29),
  },
  {
    name: 'a busy GPU context is infeasible with the reason; the cloud is chosen',
    input: input(task([{ accelerator: { name: 'A100', count: 8 } }]), [gpuCtx('ctx-a', 'A100', 4)]),
    head: ['lambda/us-east-1/gpu_8x_a100'],
    check: (plan) => {
      const k = plan.candidates.find((c) => c.provider === 'kubernetes');
      assert.equal(k?.feasible, false);
      assert.equal(k?.reason, 'ctx-a: largest free GPU block is 4× A100; the task needs 8');
    },
  },
  {
    name: 'any_of picks the cheapest across choices',
    input: input(task([{ accelerator: { name: 'H100', count: 8 } }, { accelerator: { name: 'V100', count: 8 } }]), []),
    head: ['lambda/us-east-1/gpu_8x_v100'],
  },
  {
    name: 'ordered keeps the user order before cost',
    input: input(
      task([{ accelerator: { name: 'H100', count: 8 } }, { accelerator: { name: 'V100', count: 8 } }], { resourcesOrder: 'ordered' }),
      [],
    ),
    check: (plan) => {
      const feasible = plan.candidates.filter((c) => c.feasible);
      const firstV100 = feasible.findIndex((c) => c.acceleratorName === 'V100');
      const lastH100 = feasible.map((c) => c.acceleratorName).lastIndexOf('H100');
      assert.ok(lastH100 < firstV100, 'every H100 candidate precedes the V100 ones');
      assert.equal(feasible[0].candidateId, 'lambda/us-east-1/gpu_8x_h100_sxm5');
    },
  },
  {
    name: 'ordered with Kubernetes shapes on one context gives each shape its own id',
    input: input(
      task([{ accelerator: { name: 'A100', count: 8 } }, { accelerator: { name: 'T4', count: 1 } }], { resourcesOrder: 'ordered' }),
      [gpuCtx('ctx-a', 'T4')],
    ),
    check: (plan) => {
      const k8s = plan.candidates.filter((c) => c.provider === 'kubernetes').map((c) => c.candidateId);
      assert.deepEqual(k8s.sort(), ['kubernetes/ctx-a::32CPU--128GB--A100:8', 'kubernetes/ctx-a::4CPU--16GB--T4:1']);
      const feasible = plan.candidates.filter((c) => c.feasible);
      assert.equal(feasible[0].acceleratorName, 'A100', 'ordered: a cloud A100 before the free T4 on Kubernetes');
    },
  },
  {
    name: 'blocked candidates are excluded',
    input: input(task([{}]), [cpuCtx('ctx-a'), cpuCtx('ctx-b')], {}, {
      blocked: [
        { candidateId: 'kubernetes/ctx-a', reason: 'Unschedulable' },
        { candidateId: 'gcp/us-central1/e2-standard-2', reason: 'quota' },
      ],
    }),
    head: ['kubernetes/ctx-b', 'gcp/us-east1/e2-standard-2'],
    absent: ['kubernetes/ctx-a', 'gcp/us-central1/e2-standard-2'],
  },
  {
    name: 'multi-node multiplies the cost and needs room for every pod',
    input: input(task([{ cpus: { value: 8, orMore: false }, memory: { value: 32, orMore: false } }], { numNodes: 2 }), [cpuCtx('ctx-a')]),
    head: ['gcp/us-central1/e2-standard-8'],
    check: (plan) => {
      assert.equal(plan.numNodes, 2);
      assert.equal(plan.candidates[0].totalHourlyPrice, 2 * 0.268024);
      assert.match(plan.candidates.find((c) => c.provider === 'kubernetes')?.reason ?? '', /room for 1 of the 2 pods/);
    },
  },
  {
    name: 'spot uses spot prices and skips clouds without a spot market and Kubernetes',
    input: input(task([{ accelerator: { name: 'T4', count: 1 }, useSpot: true }]), [gpuCtx('ctx-a', 'T4')]),
    check: (plan) => {
      const feasible = plan.candidates.filter((c) => c.feasible);
      assert.ok(feasible.length > 0);
      assert.ok(feasible.every((c) => c.useSpot && c.candidateId.endsWith(':spot')));
      assert.ok(!feasible.some((c) => c.provider === 'lambda' || c.provider === 'ibm' || c.provider === 'kubernetes'));
      const g4 = feasible.find((c) => c.candidateId === 'aws/us-east-1/g4dn.xlarge:spot');
      assert.equal(g4?.hourlyPrice, 0.2104);
      assert.match(plan.candidates.find((c) => c.provider === 'kubernetes')?.reason ?? '', /no spot capacity/);
    },
  },
  {
    name: 'region filter keeps one cloud and region',
    input: input(task([{ infra: { provider: 'aws', region: 'us-west-2' }, cpus: { value: 4, orMore: true } }]), [cpuCtx('ctx-a')]),
    check: (plan) => {
      assert.deepEqual(ids(plan), ['aws/us-west-2/c6i.xlarge']);
      assert.equal(plan.candidates.length, 1);
    },
  },
  {
    name: 'a Kubernetes context pin keeps only that context',
    input: input(task([{ infra: { provider: 'kubernetes', context: 'ctx-b' } }]), [cpuCtx('ctx-a'), cpuCtx('ctx-b')]),
    check: (plan) => assert.deepEqual(ids(plan, false), ['kubernetes/ctx-b']),
  },
  {
    name: 'a pin to a context that is not allowed says so',
    input: input(task([{ infra: { provider: 'kubernetes', context: 'ctx-z' } }]), [cpuCtx('ctx-a')]),
    check: (plan) => {
      assert.equal(plan.chosenIndex, -1);
      assert.match(plan.candidates[0].reason, /ctx-z: not in kubernetes.allowed_contexts \(ctx-a\)/);
    },
  },
  {
    name: 'an instance type pins the cloud offering',
    input: input(task([{ instanceType: 'p4d.24xlarge' }]), [cpuCtx('ctx-a')]),
    check: (plan) => assert.deepEqual(ids(plan), ['aws/us-east-1/p4d.24xlarge', 'aws/us-west-2/p4d.24xlarge']),
  },
  {
    name: 'disabled clouds are listed but never chosen',
    input: input(task([{}]), [cpuCtx('ctx-a', 0)], { enabledClouds: [] }),
    check: (plan) => {
      assert.equal(plan.chosenIndex, -1);
      assert.ok(plan.candidates.some((c) => /AWS us-east-1: not enabled/.test(c.reason)));
    },
  },
  {
    name: 'an unreachable context and a missing snapshot carry their reasons',
    input: input(task([{}]), [{ ...cpuCtx('ctx-a'), reachable: false, error: 'connection refused' }], { allowedContexts: ['ctx-a', 'ctx-b'], enabledClouds: [] }, {
      capacityError: 'provisioner unavailable: capacity unknown',
    }),
    check: (plan) => {
      const reasons = plan.candidates.filter((c) => c.provider === 'kubernetes').map((c) => c.reason).sort();
      assert.deepEqual(reasons, ['ctx-a: unreachable: connection refused', 'ctx-b: provisioner unavailable: capacity unknown']);
    },
  },
];

for (const c of cases) {
  test(`plan: ${c.name}`, () => {
    const plan = planTask(c.input);
    if (c.head) assert.deepEqual(ids(plan).slice(0, c.head.length), c.head);
    for (const id of c.absent ?? []) assert.ok(!plan.candidates.some((x) => x.candidateId === id), `${id} present`);
    c.check?.(plan);
    assert.equal(new Set(plan.candidates.map((x) => x.candidateId)).size, plan.candidates.length, 'ids are unique');
  });
}

test('no feasible candidate: the error lists every candidate and blocked one with its reason', () => {
  const blocked = [{ candidateId: 'kubernetes/ctx-b', reason: 'pods stayed Pending' }];
  try {
    planTaskOrThrow(input(task([{ accelerator: { name: 'A100', count: 8 } }]), [gpuCtx('ctx-a', 'A100', 4), gpuCtx('ctx-b', 'A100')], { enabledClouds: [] }, { blocked }));
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(isSkyportError(error));
    assert.equal(error.code, ErrorCode.NoFeasibleResources);
    assert.match(error.userMessage, /ctx-a: largest free GPU block is 4× A100; the task needs 8/);
    assert.match(error.userMessage, /kubernetes\/ctx-b: blocked after a failed attempt: pods stayed Pending/);
    assert.match(error.userMessage, /Lambda us-east-1: not enabled/);
  }
});

test('the plan is deterministic apart from its id', () => {
  const a = planTask(input(task([{}, { accelerator: { name: 'T4', count: 1 } }]), [cpuCtx('ctx-a')]));
  const b = planTask(input(task([{}, { accelerator: { name: 'T4', count: 1 } }]), [cpuCtx('ctx-a')]));
  assert.deepEqual(a, b);
});

test('Kubernetes pricing: per vCPU, GB and GPU, per context with a * default', () => {
  const t = task([{ accelerator: { name: 'T4', count: 2 } }]);
  const plan = planTask(
    input(t, [gpuCtx('ctx-a', 'T4'), gpuCtx('ctx-b', 'T4')], {
      kubernetesPricing: { 'ctx-a': { cpu_per_hour: 0.01, memory_gb_per_hour: 0.001, accelerators: { T4: 0.2 } }, '*': { accelerators: { '*': 0.5 } } },
    }),
  );
  const byCtx = new Map(plan.candidates.filter((c) => c.provider === 'kubernetes').map((c) => [c.region, c.hourlyPrice]));
  assert.ok(Math.abs((byCtx.get('ctx-a') ?? 0) - (8 * 0.01 + 32 * 0.001 + 2 * 0.2)) < 1e-9);
  assert.equal(byCtx.get('ctx-b'), 1);
});

test('no known context and no snapshot: one Kubernetes line says why', () => {
  const plan = planTask(input(task([{}]), [], { allowedContexts: [], enabledClouds: [] }, { capacityError: 'provisioner unavailable (connection refused)' }));
  const k8s = plan.candidates.filter((c) => c.provider === 'kubernetes');
  assert.equal(k8s.length, 1);
  assert.equal(k8s[0].reason, 'Kubernetes: provisioner unavailable (connection refused)');
});

test('allowed_clouds limits the clouds considered; a pin outside it says so', () => {
  const plan = planTask(input(task([{}]), [], { consideredClouds: ['aws'] }));
  const clouds = plan.candidates.filter((c) => c.provider !== 'kubernetes');
  assert.ok(clouds.length > 0 && clouds.every((c) => c.provider === 'aws'));
  assert.deepEqual(
    plan.candidates.filter((c) => c.provider === 'kubernetes').map((c) => c.reason),
    ['Kubernetes: no Kubernetes context is allowed or known to the provisioner (kubernetes.allowed_contexts)'],
  );
  const pinned = planTask(input(task([{ infra: { provider: 'gcp' } }]), [], { consideredClouds: ['aws'] }));
  assert.deepEqual(pinned.candidates.map((c) => c.reason), ['GCP: not in allowed_clouds (aws)']);
});

test('equal-cost Kubernetes contexts fail over in allowed_contexts order, not by name', () => {
  const capacity = [cpuCtx('zeta'), cpuCtx('alpha'), cpuCtx('mid')];
  const plan = planTask(input(task([{}]), capacity, { allowedContexts: ['zeta', 'alpha', 'mid'], enabledClouds: [] }));
  assert.deepEqual(ids(plan), ['kubernetes/zeta', 'kubernetes/alpha', 'kubernetes/mid']);
  const reordered = planTask(input(task([{}]), capacity, { allowedContexts: ['mid', 'zeta', 'alpha'], enabledClouds: [] }));
  assert.deepEqual(ids(reordered), ['kubernetes/mid', 'kubernetes/zeta', 'kubernetes/alpha']);
});

test("image_id: docker:<image> rules out cloud VMs with the reason (they would run the task outside its container)", () => {
  const plan = planTask(input(task([{ image: { kind: 'docker', image: 'registry.local/train:1' } }]), [cpuCtx('ctx-a')]));
  assert.deepEqual(ids(plan), ['kubernetes/ctx-a']);
  const aws = plan.candidates.find((c) => c.provider === 'aws')!;
  assert.equal(aws.feasible, false);
  assert.match(aws.reason, /image_id 'docker:registry\.local\/train:1' cannot run on a cloud VM yet/);
  // Without Kubernetes capacity the launch fails naming that reason rather than running outside the container.
  const noK8s = planTask(input(task([{ image: { kind: 'docker', image: 'img' } }]), [], { allowedContexts: [] }));
  assert.equal(noK8s.chosenIndex, -1);
});
