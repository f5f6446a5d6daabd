import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueueName } from '@skyport/contracts';
import { testRedisUrl } from '@skyport/dev-stack';
import { createLogger } from '../logging/logger';
import { createWorker } from './create-worker';
import { JobQueue } from './job-queue';
import { createRedisConnection, type Redis } from './redis-connection';

describe('typed job queue (real Redis)', () => {
  let redis: Redis;
  let queue: JobQueue;

  before(async () => {
    redis = createRedisConnection(testRedisUrl(), 'test');
    await redis.flushdb();
    queue = new JobQueue(redis);
  });
  after(async () => {
    await queue.close();
    await redis.quit();
  });

  it('publishing the same logical job twice enqueues it once', async () => {
    const payload = { requestId: '00000000-0000-4000-8000-000000000001', clusterName: 'c1' };
    const first = await queue.enqueue(QueueName.Optimize, payload);
    const second = await queue.enqueue(QueueName.Optimize, payload);
    assert.equal(first, second);
    assert.equal(await queue.queue(QueueName.Optimize).count(), 1);
  });

  it('enqueueMany adds each job once, with the same ids and de-duplication as enqueue', async () => {
    const payloads = [1, 2, 3].map((i) => ({ requestId: `00000000-0000-4000-8000-00000000010${i}`, clusterName: `many-${i}` }));
    const single = await queue.enqueue(QueueName.Optimize, payloads[0]);
    const ids = await queue.enqueueMany(QueueName.Optimize, payloads.map((payload) => ({ payload })));
    assert.equal(ids[0], single);
    assert.deepEqual(await queue.enqueueMany(QueueName.Optimize, payloads.map((payload) => ({ payload }))), ids);
    const jobs = await Promise.all(ids.map((id) => queue.queue(QueueName.Optimize).getJob(id)));
    assert.deepEqual(
      jobs.map((j) => j?.data.clusterName),
      ['many-1', 'many-2', 'many-3'],
    );
    // The earlier test's job is there too; each of these three once.
    assert.equal(await queue.queue(QueueName.Optimize).count(), 4);
    assert.deepEqual(await queue.enqueueMany(QueueName.Optimize, []), []);
  });

  it('a failing handler is retried, not acknowledged silently', async () => {
    let calls = 0;
    const workerConnection = createRedisConnection(testRedisUrl(), 'worker');
    const worker = createWorker(
      QueueName.Teardown,
      async () => {
        calls++;
        if (calls < 2) throw new Error('transient');
      },
      { connection: workerConnection, logger: createLogger('test', 'silent') },
    );
    try {
      await queue.enqueue(QueueName.Teardown, { clusterName: 'retry-me', reason: 'user' });
      const deadline = Date.now() + 15_000;
      while (calls < 2) {
        assert.ok(Date.now() < deadline, 'the job was not retried');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(calls, 2);
    } finally {
      await worker.close();
      await workerConnection.quit();
    }
  });
});
