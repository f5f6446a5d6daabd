import { Module, type DynamicModule } from '@nestjs/common';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { OptimizerConfig } from './config';
import { OptimizeConsumer } from './optimize/optimize.consumer';

@Module({})
export class OptimizerModule {
  static forRoot(config: OptimizerConfig, logger: Logger): DynamicModule {
    return {
      module: OptimizerModule,
      imports: [ServiceKitModule.forRoot('optimizer', config, logger), PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'optimizer')],
      providers: [OptimizeConsumer],
    };
  }
}
