import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTaskYaml } from '@skyport/task-spec';
import { ZERO_DEMAND, addDemand, quotaProblem, taskDemand } from './demand';

const demandOf = (yaml: string) => taskDemand(parseTaskYaml(yaml).tasks[0]);

describe('task demand and quota checks', () => {
  it('counts the pod shape of the first resource choice times the nodes, with SkyPilot defaults', () => {
    assert.deepEqual(demandOf('run: x'), { cpus: 2, memoryGb: 2, gpus: {}, clusters: 1 });
    assert.deepEqual(demandOf('num_nodes: 2\nresources:\n  cpus: 4\n  memory: 16\n  accelerators: A100:2\nrun: x'), { cpus: 8, memoryGb: 32, gpus: { A100: 4 }, clusters: 1 });
    assert.deepEqual(demandOf('resources:\n  accelerators: T4:1\nrun: x'), { cpus: 4, memoryGb: 16, gpus: { T4: 1 }, clusters: 1 });
  });

  it('names the first limit a launch would break, and nothing when it fits or there is no quota', () => {
    const used = addDemand(ZERO_DEMAND, { cpus: 6, memoryGb: 8, gpus: { A100: 3 }, clusters: 2 });
    const asked = { cpus: 2, memoryGb: 4, gpus: { A100: 2 }, clusters: 1 };
    assert.equal(quotaProblem(null, used, asked), null);
    assert.equal(quotaProblem({ maxCpus: 8, maxMemoryGb: null, maxGpus: null, maxClusters: null }, used, asked), null);
    assert.equal(quotaProblem({ maxCpus: 7, maxMemoryGb: null, maxGpus: null, maxClusters: null }, used, asked), 'CPUs: 6 in use + 2 asked > 7 allowed');
    assert.equal(quotaProblem({ maxCpus: null, maxMemoryGb: null, maxGpus: { A100: 4 }, maxClusters: null }, used, asked), 'A100 GPUs: 3 in use + 2 asked > 4 allowed');
    assert.equal(quotaProblem({ maxCpus: null, maxMemoryGb: null, maxGpus: { '*': 5 }, maxClusters: null }, used, asked), null);
    assert.equal(quotaProblem({ maxCpus: null, maxMemoryGb: null, maxGpus: { H100: 0 }, maxClusters: null }, used, asked), null);
    assert.equal(quotaProblem({ maxCpus: null, maxMemoryGb: null, maxGpus: null, maxClusters: 2 }, used, asked), 'clusters: 2 live + 1 > 2 allowed');
    assert.equal(quotaProblem({ maxCpus: null, maxMemoryGb: 10, maxGpus: null, maxClusters: null }, used, asked), 'memory: 8 GB in use + 4 GB asked > 10 GB allowed');
  });
});
