import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { KubeModule } from '@skyport/kube';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from './config';
import { AuditMiddleware } from './audit/audit.middleware';
import { AuditModule } from './audit/audit.module';
import { AuthMiddleware } from './auth/auth.middleware';
import { IdentityModule } from './auth/identity.module';
import { AutostopModule } from './autostop/autostop.module';
import { BlobsModule } from './blobs/blobs.module';
import { ClustersModule } from './clusters/clusters.module';
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
import { LaunchModule } from './launch/launch.module';
import { LogsModule } from './logs/logs.module';
import { ManagedJobsModule } from './managed-jobs/managed-jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { requestMetricsMiddleware } from './metrics/request-metrics.middleware';
import { OpenApiModule } from './openapi/openapi.module';
import { OutboxModule } from './outbox/outbox.module';
import { PolicyModule } from './policy/policy.module';
import { QuotaModule } from './quota/quota.module';
import { RequestsModule } from './requests/requests.module';
import { SshModule } from './ssh/ssh.module';
import { StorageModule } from './storage/storage.module';
import { VolumesModule } from './volumes/volumes.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * The api: one Nest module per concept, each declaring its controllers and providers and exporting what others
 * inject. The process-wide pieces stay here: config, logger, Redis and queues (ServiceKitModule), the database,
 * the lazy Kubernetes client, the error filter, the idempotency interceptor and the middleware chain.
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
        LaunchModule,
        RequestsModule,
        ClustersModule,
        InfraModule,
        // Also the AuthMiddleware's IdentityService.
        IdentityModule,
        AuditModule,
        QuotaModule,
        EventsModule,
        WebhooksModule,
        LogsModule,
        SshModule,
        AutostopModule,
        BlobsModule,
        PolicyModule,
        VolumesModule,
        StorageModule,
        ManagedJobsModule,
        OutboxModule,
        MetricsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ErrorBodyFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
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
