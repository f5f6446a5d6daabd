import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobPhase } from '@skyport/contracts';
import { OffsetMoved, type NodePosition, type StreamKey } from './log-store';
import type { FileChunk, FollowEnd, FollowRequest, NodeLogSource } from './node-log-source';
import { NodeStreamFollower, type FollowerDeps, type PhaseState } from './node-stream.follower';

const KEY: StreamKey = { clusterName: 'c', jobId: 1, stream: 'job' };

/** A node's log file in memory; `follow` sends it in small chunks as it grows, as a real stream would. */
class MemorySource implements NodeLogSource {
  readonly rank = 0;
  readonly name = 'memory';
  file = Buffer.alloc(0);
  exists = true;
  over = false;
  follows: number[] = [];
  /** Break the next stream after this many bytes sent (a lost connection). */
  breakAfter?: number;
  /** Bytes of the end the stream "loses" (the transport closed before the last chunks arrived). */
  loseTail = 0;
  chunk = 1000;

  append(text: string): void {
    this.file = Buffer.concat([this.file, Buffer.from(text)]);
  }

  async follow(req: FollowRequest): Promise<FollowEnd> {
    this.follows.push(req.offset);
    if (!this.exists) return { kind: 'absent' };
    let pos = req.offset;
    let sent = 0;
    for (;;) {
      if (req.signal.aborted) throw new Error('cancelled');
      const end = Math.min(this.file.length - (this.over ? this.loseTail : 0), pos + this.chunk);
      if (end > pos) {
        req.onData(this.file.subarray(pos, end));
        sent += end - pos;
        pos = end;
        if (this.breakAfter !== undefined && sent >= this.breakAfter) {
          this.breakAfter = undefined;
          throw new Error('connection reset');
        }
      } else if (this.over) {
        return { kind: 'ended', size: this.file.length };
      }
      await sleep(1);
    }
  }

  async read(_jobId: number, _phase: JobPhase, offset: number, max: number): Promise<FileChunk> {
    return { exists: this.exists, data: this.file.subarray(offset, offset + max) };
  }
}

/** The LogStore's contract: compare-and-set on the offset, lines in order; optionally slow. */
class MemoryStore {
  lines: string[] = [];
  offset = 0;
  delayMs = 0;
  async append(_key: StreamKey, _rank: number, from: NodePosition, to: NodePosition, lines: string[]): Promise<void> {
    if (this.delayMs) await sleep(this.delayMs);
    if (from.offset !== this.offset) throw new OffsetMoved('moved');
    this.offset = to.offset;
    this.lines.push(...lines);
  }
  async positions(): Promise<Map<number, NodePosition>> {
    return new Map([[0, { offset: this.offset, skipping: false }]]);
  }
}

function follower(source: MemorySource, store: MemoryStore, opts: { bufferBytes?: number; state?: () => PhaseState; giveUp?: FollowerDeps['giveUp'] } = {}): NodeStreamFollower {
  return new NodeStreamFollower(source, KEY, 1, 'run', { offset: 0, skipping: false }, {
    store,
    settings: { bufferBytes: opts.bufferBytes ?? 256 * 1024, lineCap: 100, idleMs: 5 },
    phaseState: async () => (opts.state ? opts.state() : { started: true, over: source.over }),
    stopped: () => false,
    giveUp: opts.giveUp ?? (async () => false),
  });
}

const numbered = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');
const expected = (n: number): string[] => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('NodeStreamFollower', () => {
  it('stores output as it arrives on one stream, and the last line without a newline at the end', async () => {
    const source = new MemorySource();
    const store = new MemoryStore();
    source.append(numbered(1, 10));
    const f = follower(source, store);
    const done = f.run();
    while (store.lines.length < 10) await sleep(2);
    assert.deepEqual(store.lines, expected(10), 'output arrives while the phase runs');
    source.append(numbered(11, 20) + 'last');
    source.over = true;
    assert.equal(await done, 'complete');
    assert.deepEqual(store.lines, [...expected(20), 'last']);
    assert.equal(store.offset, source.file.length);
    assert.deepEqual(source.follows, [0], 'one stream for the whole phase');
  });

  it('reopens a broken stream where storing stands: nothing lost, nothing twice', async () => {
    const source = new MemorySource();
    const store = new MemoryStore();
    source.append(numbered(1, 500));
    source.breakAfter = 3000;
    const failures: number[] = [];
    const done = follower(source, store, { giveUp: async (_e, n) => (failures.push(n), false) }).run();
    while (source.follows.length < 2) await sleep(2);
    source.over = true;
    assert.equal(await done, 'complete');
    assert.deepEqual(store.lines, expected(500));
    assert.deepEqual(failures, [1]);
    assert.equal(source.follows[1], 3000, 'the second stream starts after the bytes the first one delivered');
  });

  it('holds at most the buffer bound when the store falls behind, pausing and resuming the stream', async () => {
    const source = new MemorySource();
    const store = new MemoryStore();
    store.delayMs = 20;
    source.chunk = 4096;
    source.append(numbered(1, 20_000));
    source.over = true;
    const f = follower(source, store, { bufferBytes: 16 * 1024 });
    assert.equal(await f.run(), 'complete');
    assert.deepEqual(store.lines, expected(20_000));
    assert.ok(f.stats.peakHeldBytes <= 16 * 1024, `held ${f.stats.peakHeldBytes} bytes`);
    assert.ok(f.stats.pauses > 0 && source.follows.length === f.stats.pauses + 1, `${f.stats.pauses} pauses, ${source.follows.length} streams`);
  });

  it('reads what the stream did not deliver once the phase is over', async () => {
    const source = new MemorySource();
    const store = new MemoryStore();
    source.append(numbered(1, 100));
    source.loseTail = 300;
    source.over = true;
    const f = follower(source, store);
    assert.equal(await f.run(), 'complete');
    assert.deepEqual(store.lines, expected(100));
    assert.equal(f.stats.reads, 1);
  });

  it('waits for a phase that has not started and completes an absent log once the phase is over', async () => {
    const source = new MemorySource();
    const store = new MemoryStore();
    source.exists = false;
    let state: PhaseState = { started: false, over: false };
    const done = follower(source, store, { state: () => state }).run();
    await sleep(30);
    assert.equal(source.follows.length, 0, 'no stream before the job state says the phase started');
    state = { started: true, over: false };
    while (source.follows.length < 2) await sleep(2);
    state = { started: true, over: true };
    assert.equal(await done, 'complete');
    assert.deepEqual(store.lines, []);
  });

  it('finishes with a catch-up read when told the phase is over while the node still streams', async () => {
    const source = new MemorySource();
    const store = new MemoryStore();
    source.append(numbered(1, 3));
    const f = follower(source, store);
    const done = f.run();
    while (store.lines.length < 3) await sleep(2);
    source.append('late');
    f.finishNow();
    assert.equal(await done, 'complete');
    assert.deepEqual(store.lines, [...expected(3), 'late']);
  });

  it('continues from the stored offset when another writer moved it', async () => {
    const source = new MemorySource();
    const store = new MemoryStore();
    source.append(numbered(1, 10));
    store.offset = Buffer.byteLength(numbered(1, 4));
    source.over = true;
    const f = follower(source, store);
    assert.equal(await f.run(), 'complete');
    assert.deepEqual(store.lines, expected(10).slice(4));
  });
});
