import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueueName, RequestStatus, type OptimizePayload } from '@skyport/contracts';
import { PlanEntity, RequestEntity, recordEvent } from '@skyport/persistence';
import { JobQueue, QueueWorkers } from '@skyport/service-kit';

/**
 * WALKING SKELETON: records a placeholder plan and hands over to the provisioner. The real planner (catalogs +
 * live capacity) replaces `plan()` (issue 5).
 */
@Injectable()
export class OptimizeConsumer implements OnModuleInit {
  constructor(
    @Inject(QueueWorkers) private readonly workers: QueueWorkers,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.Optimize, (payload) => this.handle(payload));
  }

  async handle(payload: OptimizePayload): Promise<void> {
    // Idempotent: a redelivered job reuses the plan it already made.
    let plan = await this.db.manager.findOne(PlanEntity, { where: { requestId: payload.requestId }, order: { createdAt: 'DESC' } });
    if (!plan) {
      plan = await this.db.transaction(async (tx) => {
        const row = tx.create(PlanEntity, { id: randomUUID(), requestId: payload.requestId, clusterName: payload.clusterName, plan: { candidates: [] }, chosenIndex: -1 });
        await tx.save(row);
        await tx.update(RequestEntity, { id: payload.requestId, status: RequestStatus.Pending }, { status: RequestStatus.Running });
        await recordEvent(tx, 'optimizer', { type: 'plan.created', message: 'optimizer: plan recorded (skeleton: no candidates yet)', requestId: payload.requestId, clusterName: payload.clusterName });
        return row;
      });
    }
    await this.queue.enqueue(QueueName.Provision, { requestId: payload.requestId, clusterName: payload.clusterName, planId: plan.id });
  }
}
