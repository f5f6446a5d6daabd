import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pc from 'picocolors';
import { JobStatus, type JobView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { jobQueueTable } from './job-queue-table';

const ctx = { colors: pc.createColors(false), env: {} } as unknown as CliContext;
const now = Date.now();
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
const job = (jobId: number, status: JobStatus, resources: string, started?: number): JobView => ({
  clusterName: 'dev',
  jobId,
  status,
  submittedAt: at(60),
  ...(started !== undefined ? { startedAt: at(started) } : {}),
  resources,
});

describe('skyport queue: the job table', () => {
  it('shows what each job holds (RESOURCES), newest first; jobs that fit run side by side, the next waits', () => {
    const table = jobQueueTable(ctx, [job(1, JobStatus.Running, '1x[CPU:2]', 30), job(2, JobStatus.Running, '1x[CPU:2]', 29), job(3, JobStatus.Pending, '1x[CPU:2]')]);
    const lines = table.split('\n').filter((l) => l.trim());
    assert.match(lines[0]!, /ID\s+NAME\s+SUBMITTED\s+STARTED\s+DURATION\s+RESOURCES\s+STATUS/);
    assert.match(lines[1]!, /^\s*3\s.*1x\[CPU:2\]\s+PENDING/);
    assert.match(lines[2]!, /^\s*2\s.*1x\[CPU:2\]\s+RUNNING/);
    assert.match(lines[3]!, /^\s*1\s.*1x\[CPU:2\]\s+RUNNING/);
  });

  it('an older server that sends no resources shows a dash', () => {
    const { resources: _, ...old } = job(1, JobStatus.Succeeded, '', 10);
    assert.match(jobQueueTable(ctx, [old]), /-\s+SUCCEEDED/);
  });
});
