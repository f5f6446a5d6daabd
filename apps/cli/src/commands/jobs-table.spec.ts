import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedJobStatus, type ManagedJobView } from '@skyport/contracts';
import { renderManagedJobs } from './jobs-table';

const plain = { colors: { bold: (s: string) => s, dim: (s: string) => s, green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, cyan: (s: string) => s } } as never;

describe('skyport jobs queue table', () => {
  it('shows each job with its recoveries, restarts and current cluster; an empty queue says how to submit', () => {
    const now = Date.parse('2026-01-01T01:00:00Z');
    const job: ManagedJobView = {
      id: 3,
      name: 'train',
      status: ManagedJobStatus.Running,
      owner: 'u',
      team: null,
      recoveryCount: 1,
      restartCount: 0,
      cluster: 'sky-jobs-3-2',
      clusterJobId: 1,
      taskId: 'sky-managed-x_train_3',
      recovery: { strategy: 'FAILOVER', maxRestartsOnErrors: 0, recoverOnExitCodes: [] },
      failureReason: null,
      submittedAt: '2026-01-01T00:00:00Z',
      startedAt: '2026-01-01T00:30:00Z',
      endedAt: null,
    };
    const table = renderManagedJobs([job], plain, now);
    assert.match(table, /ID\s+NAME\s+SUBMITTED\s+DURATION\s+STATUS\s+#RECOVERIES\s+#RESTARTS\s+CLUSTER/);
    assert.match(table, /^\s*3\s+train\s+1h ago\s+30m 0s\s+RUNNING\s+1\s+0\s+sky-jobs-3-2/m);
    assert.match(renderManagedJobs([], plain), /skyport jobs launch/);
  });
});
