import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { boundedOperation, type BoundedOptions, type Settle } from './bounded-operation';

function options(extra: Partial<BoundedOptions> = {}): BoundedOptions & { cancelled: number } {
  const o = {
    cancelled: 0,
    cancel: () => {
      o.cancelled++;
    },
    timeoutError: () => new Error('timed out'),
    abortError: () => new Error('aborted'),
    ...extra,
  };
  return o;
}

test('ends with the first result; later results and errors are ignored', async () => {
  const o = options({ timeoutMs: 1_000 });
  const value = await boundedOperation<number>(o, (settle) => {
    settle.resolve(1);
    settle.resolve(2);
    settle.reject(new Error('late'));
    assert.equal(settle.settled, true);
  });
  assert.equal(value, 1);
  assert.equal(o.cancelled, 0);
});

test('an operation that fails ends with its error', async () => {
  await assert.rejects(
    boundedOperation(options(), (settle) => settle.reject(new Error('pod gone'))),
    /pod gone/,
  );
});

test('a throw from start rejects', async () => {
  await assert.rejects(
    boundedOperation(options(), () => {
      throw new Error('no connection');
    }),
    /no connection/,
  );
});

test('the timeout wins over a slow operation, cancels it once, and its late result changes nothing', async () => {
  const o = options({ timeoutMs: 20 });
  let late: Settle<string> | undefined;
  await assert.rejects(
    boundedOperation<string>(o, (settle) => {
      late = settle;
    }),
    /timed out/,
  );
  assert.equal(o.cancelled, 1);
  late?.resolve('too late');
  assert.equal(late?.settled, true);
  assert.equal(o.cancelled, 1);
});

test('an abort ends it with the abort error and cancels it', async () => {
  const controller = new AbortController();
  const o = options({ signal: controller.signal, timeoutMs: 5_000 });
  const running = boundedOperation(o, () => undefined);
  controller.abort();
  await assert.rejects(running, /aborted/);
  assert.equal(o.cancelled, 1);
});

test('an already-aborted signal ends it before start runs', async () => {
  const controller = new AbortController();
  controller.abort();
  let started = false;
  await assert.rejects(
    boundedOperation(options({ signal: controller.signal }), () => {
      started = true;
    }),
    /aborted/,
  );
  assert.equal(started, false);
});

test('once ended, neither the timer nor the abort listener fires', async () => {
  const controller = new AbortController();
  const o = options({ signal: controller.signal, timeoutMs: 10 });
  assert.equal(await boundedOperation(o, (settle) => settle.resolve('done')), 'done');
  controller.abort();
  await sleep(30);
  assert.equal(o.cancelled, 0);
});
