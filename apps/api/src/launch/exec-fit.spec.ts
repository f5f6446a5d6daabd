import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { applyLaunchInputs, parseTaskYaml } from '@skyport/task-spec';
import { checkJobFitsCluster } from './exec-fit';

const task = (overrides = {}) => applyLaunchInputs(parseTaskYaml('run: echo hi\n').tasks[0]!, { overrides });
const cluster = { name: 'dev', infra: 'kubernetes/kind', instance_type: '4CPU--8GB' };

describe('exec on a running cluster: resources that no node can hold', () => {
  it('a job that fits a node (alone) is accepted; it may still wait for others', () => {
    assert.doesNotThrow(() => checkJobFitsCluster(cluster, task({ cpus: '4' })));
    assert.doesNotThrow(() => checkJobFitsCluster(cluster, task()));
  });

  it('is refused with what it asks and what a node has', () => {
    assert.throws(
      () => checkJobFitsCluster(cluster, task({ cpus: '8' })),
      (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.NoFeasibleResources && /cluster 'dev': it needs 8 CPUs per node and a node of the cluster has 4; ask for less/.test(e.userMessage),
    );
    assert.throws(() => checkJobFitsCluster(cluster, task({ gpus: 'A100:1' })), /A100:1 per node and the cluster's nodes have no accelerators/);
  });

  it('a cluster whose node size is unknown accepts any job', () => {
    assert.doesNotThrow(() => checkJobFitsCluster({ ...cluster, instance_type: null }, task({ cpus: '64' })));
  });
});
