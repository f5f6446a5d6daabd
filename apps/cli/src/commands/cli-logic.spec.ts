import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { JobStatus, type EventView } from '@skyport/contracts';
import { parseKeyValues, readTaskArgument } from '../args/flags';
import { CliExit } from '../context/exit-codes';
import { jobStatusOf } from './follow-request';
import { autostopFrom } from './launch.command';

function event(type: string, data?: Record<string, unknown>): EventView {
  return { id: '1', at: '2026-01-01T00:00:00Z', type, message: type, ...(data ? { data } : {}) };
}

describe('jobStatusOf: when launch stops following events and starts the logs', () => {
  const cases: Array<[EventView, JobStatus | undefined]> = [
    [event('job.running'), JobStatus.Running],
    [event('job.setting_up'), JobStatus.SettingUp],
    [event('job.succeeded'), JobStatus.Succeeded],
    [event('job.failed_driver'), JobStatus.FailedDriver],
    [event('job.cancel_requested'), undefined],
    [event('job.files_synced'), undefined],
    [event('managed_job.running'), undefined],
    [event('cluster.provisioning'), undefined],
    [event('cluster.up', { status: 'RUNNING' }), undefined],
    // Only the type says it: data never does (no service writes a job status there), nor an unknown type.
    [event('cluster.up', { jobStatus: 'RUNNING' }), undefined],
    [event('job.state', { status: 'FAILED_SETUP' }), undefined],
  ];
  for (const [e, expected] of cases) it(`${e.type} ${JSON.stringify(e.data ?? {})}`, () => assert.equal(jobStatusOf(e), expected));
});

describe('autostop flags', () => {
  const cases: Array<[{ idleMinutesToAutostop?: number; down?: boolean }, ReturnType<typeof autostopFrom>]> = [
    [{}, undefined],
    [{ idleMinutesToAutostop: 30 }, { idleMinutes: 30, down: false }],
    [{ down: true }, { idleMinutes: 0, down: true }],
    [{ idleMinutesToAutostop: 10, down: true }, { idleMinutes: 10, down: true }],
  ];
  for (const [flags, expected] of cases) it(JSON.stringify(flags), () => assert.deepEqual(autostopFrom(flags), expected));
});

describe('--env / --secret values', () => {
  it('K=V, K=V=with=equals, empty value, and K from the environment', () => {
    assert.deepEqual(parseKeyValues('--env', ['A=1', 'B=x=y', 'C=', 'D'], { D: 'from-env' }), { A: '1', B: 'x=y', C: '', D: 'from-env' });
  });
  it('names the flag and the variable when a value is missing or the name is bad', () => {
    assert.throws(() => parseKeyValues('--secret', ['TOKEN'], {}), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /--secret TOKEN: no value given/.test(e.message));
    assert.throws(() => parseKeyValues('--env', ['1X=2'], {}), /'1X' is not a valid variable name/);
  });
});

describe('the task argument', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyport-arg-'));
  it('a file is read', () => {
    const file = path.join(dir, 't.yaml');
    writeFileSync(file, 'run: x\n');
    assert.deepEqual(readTaskArgument(file), { yaml: 'run: x\n', source: file });
  });
  it('a command becomes the run script', () => assert.deepEqual(readTaskArgument('echo "hi there"'), { yaml: 'run: "echo \\"hi there\\""\n', source: '<command>' }));
  it('nothing is an empty task', () => assert.equal(readTaskArgument(undefined).source, '<no task>'));
  it('a missing .yaml is an error, not a command', () => assert.throws(() => readTaskArgument(path.join(dir, 'missing.yaml')), /does not exist/));
});
