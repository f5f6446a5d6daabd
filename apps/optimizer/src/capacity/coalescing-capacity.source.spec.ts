import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapacitySnapshot, CapacitySource } from './capacity.source';
import { CoalescingCapacitySource } from './coalescing-capacity.source';

/** A source whose answers the test releases by hand, counting the calls it got. */
function heldSource(): { source: CapacitySource; calls: string[][]; release: (snapshot: CapacitySnapshot) => void } {
  const calls: string[][] = [];
  const waiting: Array<(s: CapacitySnapshot) => void> = [];
  return {
    calls,
    source: {
      capacity: (contexts) => {
        calls.push([...contexts]);
        return new Promise((resolve) => waiting.push(resolve));
      },
    },
    release: (snapshot) => waiting.splice(0).forEach((r) => r(snapshot)),
  };
}

describe('CoalescingCapacitySource', () => {
  it('answers concurrent asks for the same contexts with one call, whatever their order', async () => {
    const held = heldSource();
    const source = new CoalescingCapacitySource(held.source);
    const asks = [source.capacity(['a', 'b']), source.capacity(['b', 'a']), source.capacity(['a', 'b'])];
    held.release({ contexts: [] });
    const answers = await Promise.all(asks);
    assert.equal(held.calls.length, 1);
    assert.ok(answers.every((a) => a === answers[0]));
  });

  it('keeps nothing once answered: the next ask makes a fresh call', async () => {
    const held = heldSource();
    const source = new CoalescingCapacitySource(held.source);
    const first = source.capacity(['a']);
    held.release({ contexts: [] });
    await first;
    const second = source.capacity(['a']);
    held.release({ contexts: [], error: 'later' });
    assert.equal((await second).error, 'later');
    assert.equal(held.calls.length, 2);
  });

  it('asks for different contexts separately', async () => {
    const held = heldSource();
    const source = new CoalescingCapacitySource(held.source);
    const asks = [source.capacity(['a']), source.capacity(['b'])];
    held.release({ contexts: [] });
    await Promise.all(asks);
    assert.deepEqual(held.calls, [['a'], ['b']]);
  });
});
