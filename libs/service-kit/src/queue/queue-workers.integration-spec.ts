import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueName, type TeardownPayload } from '@skyport/contracts';
import { testRedisUrl } from '@skyport/dev-stack';
import { ServiceKitModule } from '../bootstrap/service-kit.module';
import { JobQueue } from './job-queue';
import { QueueWorkers } from './queue-workers';
import { createRedisConnection } from './redis-connection';

const handled: string[] = [];
let started: () => void = () => undefined;

@Injectable()
class SlowConsumer implements OnModuleInit {
  constructor(@Inject(QueueWorkers) private readonly workers: QueueWorkers) {}
  onModuleInit(): void {
    this.workers.register(QueueName.Teardown, async (payload: TeardownPayload) => {
      started();
      await new Promise((r) => setTimeout(r, 1_500));
      handled.push(payload.clusterName);
    });
  }
}

function appModule(redisUrl: string) {
  @Module({ imports: [ServiceKitModule.forRoot('test', { SKYPORT_DATABASE_URL: 'postgres://unused', SKYPORT_REDIS_URL: redisUrl, SKYPORT_LOG_LEVEL: 'silent', SKYPORT_BIND_HOST: '127.0.0.1' })], providers: [SlowConsumer] })
  class TestModule {}
  return TestModule;
}

describe('graceful shutdown of queue workers (real Redis)', () => {
  it('finishes the in-flight job before the service exits; nothing is lost', async () => {
    const redisUrl = testRedisUrl();
    const producerConnection = createRedisConnection(redisUrl, 'producer');
    await producerConnection.flushdb();
    const producer = new JobQueue(producerConnection);
    const app = await NestFactory.createApplicationContext(appModule(redisUrl), { logger: false });
    app.enableShutdownHooks();
    await app.init();
    const running = new Promise<void>((resolve) => (started = resolve));
    await producer.enqueue(QueueName.Teardown, { clusterName: 'in-flight', reason: 'user' });
    await running;
    await app.close(); // what SIGTERM triggers
    assert.deepEqual(handled, ['in-flight']);
    const counts = await producer.queue(QueueName.Teardown).getJobCounts('completed', 'active', 'wait', 'failed');
    assert.equal(counts.completed, 1);
    assert.equal(counts.active + counts.wait + counts.failed, 0);
    await producer.close();
    await producerConnection.quit();
  });
});
