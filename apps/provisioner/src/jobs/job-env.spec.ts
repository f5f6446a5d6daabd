import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterInfo, jobEnvironment } from './job-env';

describe('SKYPILOT_CLUSTER_INFO', () => {
  it('names the real provider, SkyPilot-style: a Kubernetes context is the region', () => {
    assert.deepEqual(clusterInfo('dev', 2, 'kubernetes/prod-east'), { cluster_name: 'dev', cloud: 'Kubernetes', region: 'prod-east', zone: null, num_nodes: 2, provider_name: 'kubernetes' });
  });

  it('a burst cluster on AWS says AWS with its region and zone', () => {
    assert.deepEqual(clusterInfo('burst', 1, 'aws/us-east-1/us-east-1a'), { cluster_name: 'burst', cloud: 'AWS', region: 'us-east-1', zone: 'us-east-1a', num_nodes: 1, provider_name: 'aws' });
    assert.equal(clusterInfo('burst', 1, 'aws/us-west-2').zone, null);
  });

  it('is in every job environment', () => {
    const env = jobEnvironment({ task: {}, secrets: {}, clusterName: 'c', jobId: 1, nodes: [{ ip: '10.0.0.1' }], rank: 0, infra: 'aws/eu-west-1' });
    assert.equal((JSON.parse(env.SKYPILOT_CLUSTER_INFO!) as { cloud: string }).cloud, 'AWS');
  });
});

describe('SKYPILOT_TASK_ID', () => {
  it('is one per job, unless the request carries a stable one (a managed job keeps it across recoveries)', () => {
    const base = { task: {}, secrets: {}, jobId: 1, nodes: [{ ip: '10.0.0.1' }], rank: 0 };
    assert.equal(jobEnvironment({ ...base, clusterName: 'c' }).SKYPILOT_TASK_ID, 'skyport-c-1');
    const id = 'sky-managed-20260101-000000_train_7';
    assert.equal(jobEnvironment({ ...base, clusterName: 'sky-jobs-7-1', taskId: id }).SKYPILOT_TASK_ID, id);
    assert.equal(jobEnvironment({ ...base, clusterName: 'sky-jobs-7-2', taskId: id }).SKYPILOT_TASK_ID, id);
  });
});
