import { Module, type DynamicModule } from '@nestjs/common';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { AutodownConfig } from './config';

/** Idle detection, autostop/autodown timers, orphan reaping (issue 7 fills this in). */
@Module({})
export class AutodownModule {
  static forRoot(config: AutodownConfig, logger: Logger): DynamicModule {
    return {
      module: AutodownModule,
      imports: [ServiceKitModule.forRoot('autodown', config, logger), PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'autodown')],
      providers: [],
    };
  }
}
