import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OptimizerRpc } from '@skyport/contracts';
import { formatPlanTable } from './plan-table';

function candidate(over: Partial<OptimizerRpc.Candidate>): OptimizerRpc.Candidate {
  return {
    candidateId: '',
    provider: 'kubernetes',
    region: 'ctx-a',
    zone: '',
    instanceType: '2CPU--2GB',
    vcpus: 2,
    memoryGb: 2,
    acceleratorName: '',
    acceleratorCount: 0,
    hourlyPrice: 0,
    totalHourlyPrice: 0,
    useSpot: false,
    feasible: true,
    reason: '',
    namespace: 'default',
    ...over,
  };
}

test("prints the seed's table", () => {
  const plan: OptimizerRpc.PlanResponse = {
    planId: 'p',
    numNodes: 1,
    chosenIndex: 0,
    candidates: [
      candidate({ candidateId: 'kubernetes/ctx-a' }),
      candidate({ provider: 'aws', region: 'us-east-1', instanceType: 'm6i.large', vcpus: 2, memoryGb: 8, hourlyPrice: 0.096, totalHourlyPrice: 0.096 }),
    ],
  };
  assert.equal(
    formatPlanTable(plan),
    [
      'Considered resources (1 node):',
      ' INFRA                 INSTANCE          vCPUs  Mem(GB)  GPUS  COST ($)  CHOSEN',
      ' Kubernetes (ctx-a)    2CPU--2GB         2      2        -     0.00      ✔',
      ' AWS (us-east-1)       m6i.large         2      8        -     0.10',
    ].join('\n'),
  );
});

test('lists GPUs, plural nodes, and infeasible candidates with their reasons', () => {
  const plan: OptimizerRpc.PlanResponse = {
    planId: 'p',
    numNodes: 2,
    chosenIndex: 0,
    candidates: [
      candidate({ provider: 'lambda', region: 'us-east-1', instanceType: 'gpu_8x_a100', vcpus: 124, memoryGb: 1800, acceleratorName: 'A100', acceleratorCount: 8, totalHourlyPrice: 20.64 }),
      candidate({ instanceType: '32CPU--128GB--A100:8', acceleratorName: 'A100', acceleratorCount: 8, feasible: false, reason: 'ctx-a: largest free GPU block is 4× A100; the task needs 8' }),
    ],
  };
  const text = formatPlanTable(plan);
  assert.match(text, /^Considered resources \(2 nodes\):/);
  assert.match(text, /Lambda \(us-east-1\)\s+gpu_8x_a100\s+124\s+1800\s+A100:8\s+20\.64\s+✔/);
  assert.match(text, /Not available:\n Kubernetes \(ctx-a\) {2}32CPU--128GB--A100:8 {2}largest free GPU block is 4× A100; the task needs 8/);
  assert.doesNotMatch(formatPlanTable(plan, { showInfeasible: false }), /Not available/);
});

test('no feasible candidate says so', () => {
  const plan: OptimizerRpc.PlanResponse = { planId: 'p', numNodes: 1, chosenIndex: -1, candidates: [candidate({ feasible: false, reason: 'ctx-a: no nodes' })] };
  assert.match(formatPlanTable(plan), /\(no feasible candidate\)/);
});
