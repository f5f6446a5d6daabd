import { AttemptEntity } from './attempt.entity';
import { ClusterEntity } from './cluster.entity';
import { EventEntity } from './event.entity';
import { JobEntity } from './job.entity';
import { OutboxEntity } from './outbox.entity';
import { PlanEntity } from './plan.entity';
import { RequestSecretEntity } from './request-secret.entity';
import { RequestEntity } from './request.entity';
import { API_ENTITIES } from './api-entities';
import { JOB_RUNTIME_ENTITIES } from './job-runtime-entities';
import { CloudInstanceEntity } from './cloud-instance.entity';
import { CapacityWaitEntity } from './capacity-wait.entity';
import { BLOB_ENTITIES } from './blob-entities';
import { VolumeEntity } from './volume.entity';
import { StorageEntity, type StorageStatus } from './storage.entity';
import { ManagedJobEntity } from './managed-job.entity';
import { ManagedJobTaskEntity } from './managed-job-task.entity';

export * from './api-entities';
export * from './job-runtime-entities';
export * from './blob-entities';
export type { StoredJson } from './stored-json';
export { CloudInstanceEntity, CapacityWaitEntity, VolumeEntity, StorageEntity, ManagedJobEntity, ManagedJobTaskEntity, type StorageStatus };
export { AttemptEntity, ClusterEntity, EventEntity, JobEntity, OutboxEntity, PlanEntity, RequestEntity, RequestSecretEntity };

/** Every entity, for the data source. A new entity is added here and gets a migration. */
export const ALL_ENTITIES = [RequestEntity, RequestSecretEntity, OutboxEntity, ClusterEntity, JobEntity, EventEntity, PlanEntity, AttemptEntity, ...API_ENTITIES, ...JOB_RUNTIME_ENTITIES, CloudInstanceEntity, CapacityWaitEntity, ...BLOB_ENTITIES, VolumeEntity, StorageEntity, ManagedJobEntity, ManagedJobTaskEntity];
