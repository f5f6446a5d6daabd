import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedJobStatus, type ManagedJobTaskView, type ManagedJobView } from '@skyport/contracts';
import { renderManagedJobs } from './jobs-table';

const plain = { colors: { bold: (s: string) => s, dim: (s: string) => s, green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, cyan: (s: string) => s } } as never;
const now = Date.parse('2026-01-01T01:00:00Z');

function task(index: number, over: Partial<ManagedJobTaskView> = {}): ManagedJobTaskView {
  return {
    index,
    name: `t${index}`,
    status: ManagedJobStatus.Pending,
    taskId: `sky-managed-2026-01-01-00-00-00-000000_p_t${index}_3-${index}`,
    cluster: null,
    clusterJobId: null,
    recoveryCount: 0,
    restartCount: 0,
    failureReason: null,
    startedAt: null,
    endedAt: null,
    ...over,
  };
}

function job(over: Partial<ManagedJobView> = {}): ManagedJobView {
  return {
    id: 3,
    name: 'train',
    status: ManagedJobStatus.Running,
    owner: 'u',
    team: null,
    recoveryCount: 1,
    restartCount: 0,
    cluster: 'sky-jobs-3-2',
    clusterJobId: 1,
    taskId: 'sky-managed-2026-01-01-00-00-00-000000_train_3-0',
    recovery: { strategy: 'FAILOVER', maxRestartsOnErrors: 0, recoverOnExitCodes: [] },
    failureReason: null,
    submittedAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:30:00Z',
    endedAt: null,
    currentTask: 0,
    execution: 'serial',
    tasks: [task(0, { name: 'train', status: ManagedJobStatus.Running, cluster: 'sky-jobs-3-2', recoveryCount: 1, startedAt: '2026-01-01T00:30:00Z' })],
    cost: 1.234,
    ...over,
  };
}

describe('skyport jobs queue table', () => {
  it('a job of one task is one row: TASK -, recoveries, restarts, its current cluster and its cost so far', () => {
    const table = renderManagedJobs([job()], plain, now);
    assert.match(table, /ID\s+TASK\s+NAME\s+SUBMITTED\s+DURATION\s+STATUS\s+#RECOVERIES\s+#RESTARTS\s+CLUSTER\s+COST/);
    assert.match(table, /^\s*3\s+-\s+train\s+1h ago\s+30m 0s\s+RUNNING\s+1\s+0\s+sky-jobs-3-2\s+\$1\.23/m);
    assert.equal(table.split('\n').filter((l) => l.trim()).length, 2, 'a header and one row');
  });

  it('a pipeline: the job row says which task runs, then one ↳ row per task with its own status and cluster', () => {
    const pipeline = job({
      id: 7,
      name: 'pipe',
      status: ManagedJobStatus.Starting,
      cluster: 'sky-jobs-7-2',
      recoveryCount: 0,
      currentTask: 1,
      cost: 0,
      tasks: [
        task(0, { name: 'prep', status: ManagedJobStatus.Succeeded, cluster: 'sky-jobs-7-1', startedAt: '2026-01-01T00:30:00Z', endedAt: '2026-01-01T00:40:00Z' }),
        task(1, { name: 'train', status: ManagedJobStatus.Starting, cluster: 'sky-jobs-7-2' }),
        task(2, { name: 'eval' }),
      ],
    });
    const lines = renderManagedJobs([pipeline], plain, now).split('\n').filter((l) => l.trim());
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.match(lines[1], /^\s*7\s+pipe\s+1h ago\s+30m 0s\s+STARTING \(task: 1\)\s+0\s+0\s+sky-jobs-7-2\s+\$0\.00/);
    assert.match(lines[2], /^\s*↳\s+0\s+prep\s+10m 0s\s+SUCCEEDED\s+0\s+0\s+sky-jobs-7-1/);
    assert.match(lines[3], /^\s*↳\s+1\s+train\s+-\s+STARTING\s+0\s+0\s+sky-jobs-7-2/);
    assert.match(lines[4], /^\s*↳\s+2\s+eval\s+-\s+PENDING\s+0\s+0\s+-/);
  });

  it('a job group: the job row names no current task, every task has its row (all running at once)', () => {
    const group = job({
      id: 9,
      name: 'grp',
      execution: 'parallel',
      cluster: null,
      recoveryCount: 0,
      cost: 0,
      tasks: [
        task(0, { name: 'server', status: ManagedJobStatus.Running, cluster: 'sky-jobs-9-1' }),
        task(1, { name: 'client', status: ManagedJobStatus.Running, cluster: 'sky-jobs-9-2' }),
      ],
    });
    const lines = renderManagedJobs([group], plain, now).split('\n').filter((l) => l.trim());
    assert.equal(lines.length, 4, lines.join('\n'));
    assert.match(lines[1], /^\s*9\s+grp\s+1h ago\s+30m 0s\s+RUNNING\s+0\s+0\s+-/);
    assert.match(lines[2], /↳\s+0\s+server\s+-\s+RUNNING\s+0\s+0\s+sky-jobs-9-1/);
    assert.match(lines[3], /↳\s+1\s+client\s+-\s+RUNNING\s+0\s+0\s+sky-jobs-9-2/);
  });

  it('an ended pipeline shows its status alone; a failed task and the CANCELLED ones after it', () => {
    const failed = job({
      status: ManagedJobStatus.Failed,
      failureReason: 'the job exited with 1',
      endedAt: '2026-01-01T00:50:00Z',
      currentTask: 0,
      tasks: [task(0, { status: ManagedJobStatus.Failed, failureReason: 'the job exited with 1' }), task(1, { status: ManagedJobStatus.Cancelled })],
    });
    const lines = renderManagedJobs([failed], plain, now).split('\n').filter((l) => l.trim());
    assert.match(lines[1], /\sFAILED\s/);
    assert.doesNotMatch(lines[1], /\(task:/);
    assert.match(lines[2], /↳\s+0\s+t0\s+-\s+FAILED\s.*the job exited with 1/);
    assert.match(lines[3], /↳\s+1\s+t1\s+-\s+CANCELLED/);
  });

  it('an empty queue says how to submit', () => {
    assert.match(renderManagedJobs([], plain), /skyport jobs launch/);
  });
});
