import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueName, RequestStatus, type ProvisionPayload } from '@skyport/contracts';
import { RequestEntity, recordEvent } from '@skyport/persistence';
import { QueueWorkers } from '@skyport/service-kit';

/**
 * WALKING SKELETON: acknowledges the hop and ends the request there, saying so. The Kubernetes provisioner
 * (issue 6) replaces this handler.
 */
@Injectable()
export class ProvisionConsumer implements OnModuleInit {
  constructor(
    @Inject(QueueWorkers) private readonly workers: QueueWorkers,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.Provision, (payload) => this.handle(payload));
  }

  async handle(payload: ProvisionPayload): Promise<void> {
    await this.db.transaction(async (tx) => {
      const updated = await tx.update(RequestEntity, { id: payload.requestId, status: RequestStatus.Running }, { status: RequestStatus.Succeeded });
      if (!updated.affected) return; // already handled: a redelivery changes nothing
      await recordEvent(tx, 'provisioner', {
        type: 'provision.skeleton',
        message: 'provisioner: received the plan; creating pods is not implemented yet (walking skeleton ends here)',
        requestId: payload.requestId,
        clusterName: payload.clusterName,
      });
    });
  }
}
