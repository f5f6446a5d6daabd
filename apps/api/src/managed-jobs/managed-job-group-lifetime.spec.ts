import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedJobStatus as S } from '@skyport/contracts';
import type { JobGroupHeader } from '@skyport/task-spec';
import { abortingTask, groupOutcome, groupProgress, type GroupTaskState } from './managed-job-group-lifetime';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const group = (over: Partial<JobGroupHeader> = {}): JobGroupHeader =>
  ({ name: 'g', execution: 'parallel', primaryTasks: [], terminationDelay: { default: 0, tasks: {} }, ...over }) as JobGroupHeader;
const task = (name: string, status: S, over: Partial<GroupTaskState> = {}): GroupTaskState => ({
  name,
  status,
  failureReason: null,
  startedAt: status === S.Starting ? null : new Date(NOW - 60_000),
  endedAt: [S.Succeeded, S.Failed, S.FailedNoResource, S.Cancelled].includes(status) ? new Date(NOW - 1_000) : null,
  recoveryCount: 0,
  restartCount: 0,
  ...over,
});

test('a task that failed keeps the group going while other primary tasks run (SkyPilot: no task stops the others by itself)', () => {
  const p = groupProgress(group(), [task('a', S.Failed), task('b', S.Running)], NOW);
  assert.equal(p.over, false);
  assert.equal(p.aborted, undefined);
});

test('every primary ended: over; auxiliaries wait their termination_delay only when every primary succeeded', () => {
  const g = group({ primaryTasks: ['main'], terminationDelay: { default: 30, tasks: { side: 120 } } });
  const ok = groupProgress(g, [task('main', S.Succeeded), task('side', S.Running), task('other', S.Running)], NOW);
  assert.equal(ok.over, true);
  assert.equal(ok.cancelAfter(task('side', S.Running)), NOW - 1_000 + 120_000);
  assert.equal(ok.cancelAfter(task('other', S.Running)), NOW - 1_000 + 30_000);
  const failed = groupProgress(g, [task('main', S.Failed), task('side', S.Running)], NOW);
  assert.equal(failed.cancelAfter(task('side', S.Running)), NOW - 1_000);
});

test("a task whose first launch failed ends the group at once (SkyPilot's launch phase tears every cluster down)", () => {
  const noRoom = task('b', S.FailedNoResource, { startedAt: null, failureReason: 'no context could hold it' });
  const p = groupProgress(group({ terminationDelay: { default: 600, tasks: {} } }), [task('a', S.Running), noRoom], NOW);
  assert.equal(p.over, true);
  assert.equal(p.aborted?.name, 'b');
  assert.equal(p.cancelAfter(task('a', S.Running)), NOW, 'the others are cancelled at once, primary or not');
  assert.deepEqual(groupOutcome(group(), [task('a', S.Cancelled), noRoom], p.aborted), {
    status: S.FailedNoResource,
    reason: "task 'b' FAILED_NO_RESOURCE: no context could hold it",
  });
});

test('a launch that fails on a recovery or restart, or after the task ran, is only that task failing', () => {
  assert.equal(abortingTask([task('a', S.FailedNoResource, { startedAt: null, recoveryCount: 1 })]), undefined);
  assert.equal(abortingTask([task('a', S.Failed, { startedAt: null, restartCount: 1 })]), undefined);
  assert.equal(abortingTask([task('a', S.Failed)]), undefined);
  assert.equal(abortingTask([task('a', S.Cancelled, { startedAt: null })]), undefined, 'a cancelled auxiliary never aborts');
});

test('the outcome: SUCCEEDED when every primary did (auxiliaries cancelled or not); else the FAILED primary, a cancelled primary is FAILED', () => {
  const g = group({ primaryTasks: ['main'] });
  assert.deepEqual(groupOutcome(g, [task('main', S.Succeeded), task('side', S.Cancelled)]), { status: S.Succeeded, reason: null });
  assert.deepEqual(groupOutcome(group(), [task('a', S.FailedNoResource), task('b', S.Failed, { failureReason: 'the job exited with 7' })]), {
    status: S.Failed,
    reason: "task 'b' FAILED: the job exited with 7",
  });
  assert.equal(groupOutcome(group(), [task('a', S.Cancelled), task('b', S.Succeeded)]).status, S.Failed);
});
