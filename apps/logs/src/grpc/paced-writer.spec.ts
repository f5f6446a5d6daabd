import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { PacedWriter } from './paced-writer';

/** A Writable standing for a gRPC call whose client does not read: it takes a message only when told to. */
function heldSink(): { sink: Writable; taken: string[]; release: () => void; pending: () => number } {
  const taken: string[] = [];
  const waiting: Array<() => void> = [];
  const sink = new Writable({
    objectMode: true,
    // A Writable's own buffer would take 16 messages before saying "full": the writer must not rely on it.
    highWaterMark: 16,
    write(message: string, _enc, cb) {
      waiting.push(() => {
        taken.push(message);
        cb();
      });
    },
  });
  return { sink, taken, release: () => waiting.shift()?.(), pending: () => waiting.length };
}

describe('PacedWriter', () => {
  it('keeps one message in flight: the next waits until the client took the previous', async () => {
    const { sink, taken, release } = heldSink();
    const writer = new PacedWriter<string>(sink, new AbortController().signal);
    await writer.write('a', 100);
    assert.equal(writer.heldBytes(), 100);
    let second = false;
    const next = writer.write('b', 200).then(() => (second = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(second, false, 'a second message is not written while the first is in flight');
    assert.equal(writer.heldBytes(), 100);
    release();
    await next;
    assert.equal(writer.heldBytes(), 200);
    release();
    await writer.flushed();
    assert.deepEqual(taken, ['a', 'b']);
    assert.equal(writer.heldBytes(), 0);
    assert.deepEqual(writer.stats, { messages: 2, pauses: 1, peakHeldBytes: 200 });
  });

  it('holds at most one message for a client that never reads, however many are offered', async () => {
    const { sink, pending } = heldSink();
    const abort = new AbortController();
    const writer = new PacedWriter<string>(sink, abort.signal);
    let offered = 0;
    const producer = (async () => {
      for (let i = 0; i < 1_000 && !abort.signal.aborted; i++) {
        await writer.write(`m${i}`, 1_000);
        offered++;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(offered, 1, 'the producer is paused after its first message');
    assert.equal(pending(), 1);
    assert.equal(writer.heldBytes(), 1_000);
    // The call ends (the client went away): the paused producer is released, nothing more is written.
    abort.abort();
    await producer;
    assert.equal(pending(), 1);
    assert.equal(writer.stats.messages, 1);
  });
});
