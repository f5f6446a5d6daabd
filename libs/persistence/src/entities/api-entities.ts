import { ApiCursorEntity } from './api-cursor.entity';
import { ApiTokenEntity } from './api-token.entity';
import { AuditEntity } from './audit.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { LaunchQueueEntity } from './launch-queue.entity';
import { TeamNamespaceEntity } from './team-namespace.entity';
import { TeamPolicyEntity } from './team-policy.entity';
import { TeamQuotaEntity } from './team-quota.entity';
import { TeamEntity } from './team.entity';
import { UserEntity } from './user.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEntity } from './webhook.entity';

export {
  ApiCursorEntity,
  ApiTokenEntity,
  AuditEntity,
  IdempotencyKeyEntity,
  LaunchQueueEntity,
  TeamEntity,
  TeamNamespaceEntity,
  TeamPolicyEntity,
  TeamQuotaEntity,
  UserEntity,
  WebhookDeliveryEntity,
  WebhookEntity,
};

/** The api's own tables: identity, audit, quotas and the launch queue, idempotency, webhooks. */
export const API_ENTITIES = [
  TeamEntity,
  UserEntity,
  ApiTokenEntity,
  TeamNamespaceEntity,
  TeamPolicyEntity,
  TeamQuotaEntity,
  AuditEntity,
  LaunchQueueEntity,
  IdempotencyKeyEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  ApiCursorEntity,
];
