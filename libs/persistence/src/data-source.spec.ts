import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { initializeWithRetry } from './data-source';

/** A data source whose initialize() fails `failures` times (a database still starting), then connects. */
function startingDatabase(failures: number) {
  const calls: number[] = [];
  const ds = {
    initialize: async () => {
      calls.push(Date.now());
      if (calls.length <= failures) throw new Error(`connect ECONNREFUSED (try ${calls.length})`);
      return ds;
    },
  };
  return { ds: ds as unknown as DataSource, calls };
}

describe('initializeWithRetry', () => {
  it('tries again, evenly spaced, until the database answers', async () => {
    const { ds, calls } = startingDatabase(2);
    assert.equal(await initializeWithRetry(ds, 5, 50), ds);
    assert.equal(calls.length, 3);
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i] - calls[i - 1] >= 45, `wait ${calls[i] - calls[i - 1]} ms`);
  });

  it('gives up after `attempts` tries with the last failure', async () => {
    const { ds, calls } = startingDatabase(10);
    await assert.rejects(initializeWithRetry(ds, 3, 1), /ECONNREFUSED \(try 3\)/);
    assert.equal(calls.length, 3);
  });
});
