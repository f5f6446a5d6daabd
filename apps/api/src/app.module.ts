import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { KubeModule } from '@skyport/kube';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from './config';
import { AuditMiddleware } from './audit/audit.middleware';
import { AuditModule } from './audit/audit.module';
import { AuthMiddleware } from './auth/auth.middleware';
import { AutostopModule } from './autostop/autostop.module';
import { BlobsModule } from './blobs/blobs.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { ErrorBodyFilter } from './errors/error-body.filter';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { AccessLogMiddleware } from './http/access-log.middleware';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { jsonBodyMiddleware } from './http/json-body.middleware';
import { IdentityRateLimitMiddleware, RateLimitMiddleware } from './http/rate-limit.middleware';
import { tracingMiddleware } from './http/tracing.middleware';
import { InfraModule } from './infra/infra.module';
import { LogsModule } from './logs/logs.module';
import { MetricsModule } from './metrics/metrics.module';
import { requestMetricsMiddleware } from './metrics/request-metrics.middleware';
import { OpenApiModule } from './openapi/openapi.module';
import { OptimizerModule } from './optimizer/optimizer.module';
import { OutboxModule } from './outbox/outbox.module';
import { PolicyModule } from './policy/policy.module';
import { RequestsModule } from './requests/requests.module';
import { StorageModule } from './storage/storage.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { IdentityService } from './auth/identity.service';
import { IdentityController } from './auth/identity.controller';
import { BootstrapAdminService } from './auth/bootstrap-admin.service';
import { ClustersController } from './clusters/clusters.controller';
import { ClustersService } from './clusters/clusters.service';
import { ClusterActionsService } from './clusters/cluster-actions.service';
import { LaunchController } from './launch/launch.controller';
import { LaunchService } from './launch/launch.service';
import { LaunchAdmission } from './launch/launch-admission';
import { QuotaService } from './quota/quota.service';
import { QueueAdmitter } from './quota/queue-admitter.service';
import { QueueController } from './quota/queue.controller';
import { ProvisionerClientModule } from './provisioner/provisioner-client.module';
import { SSH_FEATURE } from './ssh/ssh.feature';
import { VOLUMES_FEATURE } from './volumes/volumes.feature';
import { MANAGED_JOBS_FEATURE } from './managed-jobs/managed-jobs.feature';

/**
 * The api: being split into one Nest module per concept (issue 23 item 6); launch, clusters, identity, quota, ssh,
 * volumes and managed jobs are still declared here. The process-wide pieces stay here: config, logger, Redis and
 * queues (ServiceKitModule), the database, the lazy Kubernetes client, the error filter, the idempotency interceptor
 * and the middleware chain.
 */
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
        HealthModule,
        OpenApiModule,
        RequestsModule,
        InfraModule,
        AuditModule,
        EventsModule,
        WebhooksModule,
        LogsModule,
        AutostopModule,
        BlobsModule,
        PolicyModule,
        StorageModule,
        OptimizerModule,
        ProvisionerClientModule,
        OutboxModule,
        MetricsModule,
      ],
      controllers: [LaunchController, ClustersController, IdentityController, QueueController, ...SSH_FEATURE.controllers, ...VOLUMES_FEATURE.controllers, ...MANAGED_JOBS_FEATURE.controllers],
      providers: [
        { provide: APP_FILTER, useClass: ErrorBodyFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        LaunchService,
        LaunchAdmission,
        IdentityService,
        BootstrapAdminService,
        ClustersService,
        ClusterActionsService,
        QuotaService,
        QueueAdmitter,
        ...SSH_FEATURE.providers,
        ...VOLUMES_FEATURE.providers,
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
