import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { KubeModule } from '@skyport/kube';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { LaunchController } from './launch/launch.controller';
import { LaunchService } from './launch/launch.service';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { DryrunService } from './optimizer/dryrun.service';
import { optimizerClientProvider } from './optimizer/optimizer-client.provider';
import { EventWaiter } from './events/event-waiter.service';
import { RequestsController } from './requests/requests.controller';
import { RequestsService } from './requests/requests.service';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ErrorBodyFilter } from './errors/error-body.filter';
import { jsonBodyMiddleware } from './http/json-body.middleware';
import { AuthMiddleware } from './auth/auth.middleware';
import { IdentityService } from './auth/identity.service';
import { IdentityController } from './auth/identity.controller';
import { BootstrapAdminService } from './auth/bootstrap-admin.service';
import { AuditMiddleware } from './audit/audit.middleware';
import { AuditController } from './audit/audit.controller';
import { RetentionService } from './audit/retention.service';
import { IdentityRateLimitMiddleware, RateLimitMiddleware } from './http/rate-limit.middleware';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { requestMetricsMiddleware } from './metrics/request-metrics.middleware';
import { AccessLogMiddleware } from './http/access-log.middleware';
import { tracingMiddleware } from './http/tracing.middleware';
import { MetricsSourceService } from './metrics/metrics-source.service';
import { ClustersController } from './clusters/clusters.controller';
import { ClustersService } from './clusters/clusters.service';
import { ClusterActionsService } from './clusters/cluster-actions.service';
import { InfraController } from './infra/infra.controller';
import { InfraService } from './infra/infra.service';
import { provisionerClientProvider } from './provisioner/provisioner-client.provider';
import { QuotaService } from './quota/quota.service';
import { QueueAdmitter } from './quota/queue-admitter.service';
import { QueueController } from './quota/queue.controller';
import { EventFeed } from './events/event-feed.service';
import { EventsController } from './events/events.controller';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.service';
import { OpenApiController } from './openapi/openapi.controller';
import { LOGS_FEATURE } from './logs/logs.feature';
import { SSH_FEATURE } from './ssh/ssh.feature';
import { AUTOSTOP_FEATURE } from './autostop/autostop.feature';
import { DashboardModule } from './dashboard/dashboard.module';
import { BLOBS_FEATURE } from './blobs/blobs.feature';
import { POLICY_FEATURE } from './policy/policy.feature';
import { VOLUMES_FEATURE } from './volumes/volumes.feature';
import { STORAGE_FEATURE } from './storage/storage.feature';
import { MANAGED_JOBS_FEATURE } from './managed-jobs/managed-jobs.feature';
import { LaunchAdmission } from './launch/launch-admission';

@Module({})
export class ApiModule implements NestModule {
  private static bodyLimit = 1024 * 1024;

  static forRoot(config: ApiConfig, logger: Logger): DynamicModule {
    ApiModule.bodyLimit = config.SKYPORT_API_BODY_LIMIT;
    return {
      module: ApiModule,
      imports: [
        ServiceKitModule.forRoot('api', config, logger),
        PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'api'),
        // Only `skyport ssh` into a pod needs Kubernetes (the chart's api Role: list pods, exec): built on first use.
        KubeModule.forRootLazy({ logger }),
        DashboardModule,
      ],
      controllers: [
        HealthController,
        OpenApiController,
        LaunchController,
        RequestsController,
        ClustersController,
        InfraController,
        IdentityController,
        AuditController,
        QueueController,
        EventsController,
        WebhooksController,
        ...LOGS_FEATURE.controllers,
        ...SSH_FEATURE.controllers,
        ...AUTOSTOP_FEATURE.controllers,
        ...BLOBS_FEATURE.controllers,
        ...POLICY_FEATURE.controllers,
        ...VOLUMES_FEATURE.controllers,
        ...STORAGE_FEATURE.controllers,
        ...MANAGED_JOBS_FEATURE.controllers,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ErrorBodyFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        LaunchService,
        LaunchAdmission,
        DryrunService,
        optimizerClientProvider,
        provisionerClientProvider,
        RequestsService,
        EventWaiter,
        OutboxRelayService,
        IdentityService,
        BootstrapAdminService,
        ClustersService,
        ClusterActionsService,
        InfraService,
        QuotaService,
        QueueAdmitter,
        EventFeed,
        WebhooksService,
        WebhookDispatcher,
        RetentionService,
        MetricsSourceService,
        ...LOGS_FEATURE.providers,
        ...SSH_FEATURE.providers,
        ...AUTOSTOP_FEATURE.providers,
        ...BLOBS_FEATURE.providers,
        ...POLICY_FEATURE.providers,
        ...VOLUMES_FEATURE.providers,
        ...STORAGE_FEATURE.providers,
        ...MANAGED_JOBS_FEATURE.providers,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Order matters: trace every call (so its log lines carry the trace id); log every call (the access log, written when the answer is sent); time everything; audit every authenticated mutating call, refused ones included (it writes when
    // the answer is sent, by then knowing who called); limit by client address before any database work; then who
    // is calling; then limit by that identity; then the body.
    consumer
      .apply(tracingMiddleware, AccessLogMiddleware, requestMetricsMiddleware, AuditMiddleware, RateLimitMiddleware, AuthMiddleware, IdentityRateLimitMiddleware, jsonBodyMiddleware(ApiModule.bodyLimit))
      .forRoutes('*');
  }
}
