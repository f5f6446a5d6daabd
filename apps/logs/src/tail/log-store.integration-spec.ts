import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { LogStore, OffsetMoved, type StreamKey } from './log-store';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';

// LogStore.append is one statement (offset check, sequence numbers, lines, notification): against real Postgres,
// a stale writer stores nothing, and nodes appending at the same time get distinct, gapless sequence numbers.
describe('LogStore.append', () => {
  let database: MigratedTestDatabase;
  let db: DataSource;
  let store: LogStore;
  const key: StreamKey = { clusterName: 'c', jobId: 1, stream: 'job' };

  before(async () => {
    database = await migratedTestDatabase('log_store');
    db = database.ds;
    store = new LogStore(db);
  });

  after(async () => {
    await database?.drop();
  });

  it('stores lines with the offset, and refuses a writer whose offset moved: nothing stored twice', async () => {
    await store.append(key, 0, { offset: 0, skipping: false }, { offset: 4, skipping: false }, ['a', 'b']);
    await assert.rejects(store.append(key, 0, { offset: 0, skipping: false }, { offset: 4, skipping: false }, ['a', 'b']), OffsetMoved);
    await store.append(key, 0, { offset: 4, skipping: false }, { offset: 10, skipping: true }, ['c']);
    // Only the offset moves (the rest of a cut line skipped): no line, no sequence number.
    await store.append(key, 0, { offset: 10, skipping: true }, { offset: 20, skipping: false }, []);
    const lines: Array<{ seq: string; text: string }> = await db.query(`SELECT seq, text FROM log_lines WHERE cluster_name = 'c' AND job_id = 1 ORDER BY seq`);
    assert.deepEqual(lines.map((l) => [Number(l.seq), l.text]), [[1, 'a'], [2, 'b'], [3, 'c']]);
    assert.deepEqual((await store.positions(key)).get(0), { offset: 20, skipping: false });
    const [stream]: Array<{ next_seq: string }> = await db.query(`SELECT next_seq FROM log_streams WHERE cluster_name = 'c' AND job_id = 1 AND stream = 'job'`);
    assert.equal(Number(stream.next_seq), 4);
  });

  it('gives nodes appending at once distinct, gapless sequence numbers', async () => {
    const k: StreamKey = { clusterName: 'c', jobId: 2, stream: 'job' };
    const perNode = 20;
    await Promise.all(
      [0, 1, 2, 3].map(async (rank) => {
        for (let i = 0; i < perNode; i++) await store.append(k, rank, { offset: i * 2, skipping: false }, { offset: i * 2 + 2, skipping: false }, [`${rank}-${i}`]);
      }),
    );
    const rows: Array<{ seq: string; text: string }> = await db.query(`SELECT seq, text FROM log_lines WHERE cluster_name = 'c' AND job_id = 2 ORDER BY seq`);
    assert.deepEqual(rows.map((r) => Number(r.seq)), Array.from({ length: 4 * perNode }, (_, i) => i + 1));
    for (const rank of [0, 1, 2, 3]) {
      assert.deepEqual(rows.filter((r) => r.text.startsWith(`${rank}-`)).map((r) => r.text), Array.from({ length: perNode }, (_, i) => `${rank}-${i}`), 'each node in its order');
    }
  });
});
