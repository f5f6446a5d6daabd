import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes the first item alone and the items added meanwhile as one batch, settling each caller after its write', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const group = new GroupCommit<number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
      },
      { maxBatch: 100, retryAlone: false },
    );
    const settled: number[] = [];
    const all = [1, 2, 3, 4].map((n) => group.add(n).then(() => settled.push(n)));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [[1]]);
    assert.deepEqual(settled, [], 'nothing settles before its write');
    release();
    await Promise.all(all);
    assert.deepEqual(batches, [[1], [2, 3, 4]]);
  });

  it('splits at maxBatch', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number>(async (items) => void batches.push(items), { maxBatch: 2, retryAlone: false });
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => group.add(n)));
    assert.deepEqual(batches, [[1], [2, 3], [4, 5], [6]]);
  });

  it('retryAlone: a failed batch is written item by item, so only the item at fault is refused', async () => {
    const group = new GroupCommit<number>(
      async (items) => {
        if (items.includes(3)) throw new Error('3 is refused');
      },
      { maxBatch: 10, retryAlone: true },
    );
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => group.add(n)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
  });

  it('without retryAlone every item of a failed batch is refused with its error, and later items are still written', async () => {
    let release: () => void = () => undefined;
    const written: number[] = [];
    const group = new GroupCommit<number>(
      async (items) => {
        if (items[0] === 1) await new Promise<void>((r) => (release = r));
        if (items.length > 1) throw new Error('connection lost');
        written.push(...items);
      },
      { maxBatch: 10, retryAlone: false },
    );
    const first = group.add(1);
    const batch = [2, 3].map((n) => group.add(n));
    await new Promise((r) => setImmediate(r));
    release();
    await first;
    const results = await Promise.allSettled(batch);
    assert.deepEqual(
      results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)),
      ['Error: connection lost', 'Error: connection lost'],
    );
    await group.add(4);
    assert.deepEqual(written, [1, 4]);
  });

  it('onBatchError: a failed batch is reported once with its items, its callers resolve, and later items are still written', async () => {
    const reported: Array<{ error: string; items: number[] }> = [];
    const written: number[] = [];
    let fail = true;
    const group = new GroupCommit<number>(
      async (items) => {
        if (fail) {
          fail = false;
          throw new Error('connection lost');
        }
        written.push(...items);
      },
      { maxBatch: 10, onBatchError: (error, items) => reported.push({ error: String(error), items }) },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => group.add(n)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled'],
    );
    assert.deepEqual(reported, [{ error: 'Error: connection lost', items: [1] }]);
    assert.deepEqual(written, [2, 3]);
  });

  it('flush resolves once every item added so far is written, and at once when nothing is pending', async () => {
    const written: number[] = [];
    const group = new GroupCommit<number>(
      async (items) => {
        await new Promise((r) => setTimeout(r, 5));
        written.push(...items);
      },
      { maxBatch: 3 },
    );
    for (let n = 1; n <= 10; n++) void group.add(n);
    await group.flush();
    assert.deepEqual(written, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await group.flush();
  });

  it('an item added by a caller its write woke is written by the same drain', async () => {
    const written: number[] = [];
    const group = new GroupCommit<number>(async (items) => void written.push(...items), { maxBatch: 10 });
    await group.add(1).then(() => group.add(2));
    await group.flush();
    assert.deepEqual(written, [1, 2]);
  });
});
