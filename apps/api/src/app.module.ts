import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { LaunchController } from './launch/launch.controller';
import { LaunchService } from './launch/launch.service';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { DryrunService } from './optimizer/dryrun.service';
import { optimizerClientProvider } from './optimizer/optimizer-client.provider';
import { EventWaiter } from './requests/event-waiter.service';
import { RequestsController } from './requests/requests.controller';
import { RequestsService } from './requests/requests.service';
import { APP_FILTER } from '@nestjs/core';
import { ErrorBodyFilter } from './errors/error-body.filter';
import { jsonBodyMiddleware } from './http/json-body.middleware';

@Module({})
export class ApiModule implements NestModule {
  private static bodyLimit = 1024 * 1024;

  static forRoot(config: ApiConfig, logger: Logger): DynamicModule {
    ApiModule.bodyLimit = config.SKYPORT_API_BODY_LIMIT;
    return {
      module: ApiModule,
      imports: [ServiceKitModule.forRoot('api', config, logger), PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'api')],
      controllers: [HealthController, LaunchController, RequestsController],
      providers: [
        { provide: APP_FILTER, useClass: ErrorBodyFilter },
        LaunchService,
        DryrunService,
        optimizerClientProvider,
        RequestsService,
        EventWaiter,
        OutboxRelayService,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(jsonBodyMiddleware(ApiModule.bodyLimit)).forRoutes('*');
  }
}
