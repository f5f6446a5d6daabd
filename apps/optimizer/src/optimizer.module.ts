import { Module, type DynamicModule } from '@nestjs/common';
import { defaultCatalog, loadCatalog } from '@skyport/catalog';
import { warnAboutIgnoredConfigKeys } from '@skyport/config';
import { PersistenceModule } from '@skyport/persistence';
import { grpcSecurity, ServiceKitModule, type Logger } from '@skyport/service-kit';
import { CAPACITY_SOURCE, type CapacitySource } from './capacity/capacity.source';
import { CoalescingCapacitySource } from './capacity/coalescing-capacity.source';
import { GrpcCapacitySource } from './capacity/grpc-capacity.source';
import type { OptimizerConfig } from './config';
import { OptimizerGrpcServer } from './grpc/optimizer-grpc.server';
import { OptimizeConsumer } from './optimize/optimize.consumer';
import { planSettingsFrom } from './plan/plan-settings';
import { PlanService } from './plan/plan.service';

export interface OptimizerModuleOptions {
  /** Replaces the gRPC client of the provisioner (tests). */
  capacitySource?: CapacitySource;
}

@Module({})
export class OptimizerModule {
  static forRoot(config: OptimizerConfig, logger: Logger, options: OptimizerModuleOptions = {}): DynamicModule {
    warnAboutIgnoredConfigKeys(logger, config.skyportFile?.path, config.skyportFile?.ignored);
    // Parsed once here, before the first plan, so no request pays for it.
    const catalog = config.SKYPORT_CATALOG_DIR ? loadCatalog({ dir: config.SKYPORT_CATALOG_DIR }) : defaultCatalog();
    return {
      module: OptimizerModule,
      imports: [ServiceKitModule.forRoot('optimizer', config, logger), PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'optimizer')],
      providers: [
        {
          provide: CAPACITY_SOURCE,
          useFactory: () =>
            options.capacitySource ?? new CoalescingCapacitySource(new GrpcCapacitySource(config.SKYPORT_PROVISIONER_GRPC, config.SKYPORT_CAPACITY_TIMEOUT_MS, grpcSecurity(config, 'skyport-optimizer'))),
        },
        {
          provide: PlanService,
          useFactory: (capacity: CapacitySource) => new PlanService(capacity, planSettingsFrom(config), catalog),
          inject: [CAPACITY_SOURCE],
        },
        OptimizeConsumer,
        OptimizerGrpcServer,
      ],
    };
  }
}
