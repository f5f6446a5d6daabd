import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { isTransientKubeFailure, retryTransient } from './transient-retry';

const blip = (kind: string) => new SkyportError(ErrorCode.KubernetesUnavailable, 'the API server failed (503)', { kind });

test('5xx, 429, timeouts, resets and expired watches are transient; refusals and capacity are not', () => {
  for (const kind of ['server', 'timeout', 'unreachable', 'gone']) assert.equal(isTransientKubeFailure(blip(kind)), true, kind);
  assert.equal(isTransientKubeFailure(new SkyportError(ErrorCode.KubernetesForbidden, 'denied', { kind: 'forbidden' })), false);
  assert.equal(isTransientKubeFailure(new SkyportError(ErrorCode.Unschedulable, 'Insufficient cpu')), false);
  assert.equal(isTransientKubeFailure(new Error('ECONNRESET')), false, 'untranslated errors are not guessed at');
});

test('a blip is retried on the same candidate with doubling waits; success ends it', async () => {
  const waits: number[] = [];
  let calls = 0;
  const out = await retryTransient(
    async () => {
      calls++;
      if (calls < 3) throw blip('server');
      return 'up';
    },
    { tries: 4, firstDelayMs: 1, onRetry: (_e, _n, d) => void waits.push(d) },
  );
  assert.equal(out, 'up');
  assert.equal(calls, 3);
  assert.deepEqual(waits, [1, 2]);
});

test('a lasting outage fails after the tries; a real failure fails at once', async () => {
  let calls = 0;
  await assert.rejects(retryTransient(async () => { calls++; throw blip('unreachable'); }, { tries: 3, firstDelayMs: 1 }), /API server failed/);
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(retryTransient(async () => { calls++; throw new SkyportError(ErrorCode.Unschedulable, 'Insufficient cpu'); }, { tries: 3, firstDelayMs: 1 }), /Insufficient/);
  assert.equal(calls, 1);
});

test('each retry is announced once, before its wait, with the try it leads to; the last failure is the one thrown', async () => {
  // Also proves p-retry (ESM only) loads into this CommonJS build through Node's require(esm).
  const announced: Array<[number, number]> = [];
  let calls = 0;
  await assert.rejects(
    retryTransient(
      async () => {
        calls++;
        throw blip(calls === 3 ? 'timeout' : 'server');
      },
      { tries: 3, firstDelayMs: 1, onRetry: (_e, nextTry, delayMs) => void announced.push([nextTry, delayMs]) },
    ),
    (e: unknown) => e instanceof SkyportError && e.details?.kind === 'timeout',
  );
  assert.equal(calls, 3);
  assert.deepEqual(announced, [[2, 1], [3, 2]]);
});
