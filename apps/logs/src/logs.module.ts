import { Module, type DynamicModule } from '@nestjs/common';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { LogsConfig } from './config';

/** Log aggregation: tails job output, stores it in order, serves `Logs.Tail` (issue 7 fills this in). */
@Module({})
export class LogsModule {
  static forRoot(config: LogsConfig, logger: Logger): DynamicModule {
    return {
      module: LogsModule,
      imports: [ServiceKitModule.forRoot('logs', config, logger), PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'logs')],
      providers: [],
    };
  }
}
