import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import type { OptimizerRpc } from '@skyport/contracts';
import { renderPlan } from './plan-table';

function candidate(partial: Partial<OptimizerRpc.Candidate>): OptimizerRpc.Candidate {
  return {
    candidateId: '',
    provider: 'kubernetes',
    region: '',
    zone: '',
    instanceType: '',
    vcpus: 0,
    memoryGb: 0,
    acceleratorName: '',
    acceleratorCount: 0,
    hourlyPrice: 0,
    totalHourlyPrice: 0,
    useSpot: false,
    feasible: true,
    reason: '',
    namespace: '',
    ...partial,
  };
}

describe('renderPlan', () => {
  it("prints the seed's Considered resources table", () => {
    const plan: OptimizerRpc.PlanResponse = {
      planId: 'p1',
      numNodes: 1,
      chosenIndex: 0,
      candidates: [
        candidate({ provider: 'kubernetes', region: 'ctx-a', instanceType: '2CPU--2GB', vcpus: 2, memoryGb: 2 }),
        candidate({ provider: 'aws', region: 'us-east-1', instanceType: 'm6i.large', vcpus: 2, memoryGb: 8, hourlyPrice: 0.096, totalHourlyPrice: 0.096 }),
        candidate({ provider: 'kubernetes', region: 'ctx-b', instanceType: '4CPU--16GB--A100:1', vcpus: 4, memoryGb: 16, acceleratorName: 'A100', acceleratorCount: 1, feasible: false, reason: 'no free A100' }),
      ],
    };
    const text = renderPlan(plan, pc.createColors(false));
    const lines = text.split('\n');
    assert.equal(lines[0], 'Considered resources (1 node):');
    assert.match(lines[1], /^ INFRA\s+INSTANCE\s+vCPUs\s+Mem\(GB\)\s+GPUS\s+COST \(\$\)\s+CHOSEN$/);
    assert.match(lines[2], /^ Kubernetes \(ctx-a\)\s+2CPU--2GB\s+2\s+2\s+-\s+0\.00\s+✔$/);
    assert.match(lines[3], /^ AWS \(us-east-1\)\s+m6i\.large\s+2\s+8\s+-\s+0\.10$/);
    assert.match(lines[4], /^ Kubernetes \(ctx-b\)\s+4CPU--16GB--A100:1\s+4\s+16\s+A100:1\s+0\.00$/);
    // Columns line up: every row starts its INSTANCE cell at the same offset.
    const col = lines[1].indexOf('INSTANCE');
    for (const line of lines.slice(2, 5)) assert.notEqual(line[col - 1], undefined);
    assert.equal(lines[2].indexOf('2CPU'), col);
    assert.equal(lines[3].indexOf('m6i'), col);
    assert.match(text, /Not available now:\n {2}Kubernetes \(ctx-b\) 4CPU--16GB--A100:1: no free A100/);
  });
  it('says how many nodes', () => {
    const text = renderPlan({ planId: '', numNodes: 2, chosenIndex: -1, candidates: [] }, pc.createColors(false));
    assert.match(text, /^Considered resources \(2 nodes\):/);
  });
});
