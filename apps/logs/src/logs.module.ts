import { Module, type DynamicModule } from '@nestjs/common';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { LogsConfig } from './config';
import { LogsTailServer } from './grpc/logs-tail.server';
import { kubeProvider } from './kube.provider';
import { LogTailer } from './tail/log-tailer.service';

/** Log aggregation: tails job output on every node into Postgres, in order, and serves `Logs.Tail`. */
@Module({})
export class LogsModule {
  static forRoot(config: LogsConfig, logger: Logger): DynamicModule {
    return {
      module: LogsModule,
      imports: [ServiceKitModule.forRoot('logs', config, logger), PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'logs')],
      providers: [kubeProvider, LogTailer, LogsTailServer],
    };
  }
}
