import { Module, type DynamicModule } from '@nestjs/common';
import { warnAboutIgnoredConfigKeys } from '@skyport/config';
import { KubeModule } from '@skyport/kube';
import { PersistenceModule } from '@skyport/persistence';
import { ServiceKitModule, type Logger } from '@skyport/service-kit';
import type { ProvisionerConfig } from './config';
import { KubeProvisionModule } from './provision/kube-provision.module';
import { provisionerKubeOptions } from './provision/kube-options';
import { JobsModule } from './jobs/jobs.module';
import { CloudModule } from './cloud/cloud.module';
import { FileResyncModule } from './provision/file-resync.service';
import { BucketReaperModule } from './storage/bucket-reaper.service';

@Module({})
export class ProvisionerModule {
  static forRoot(config: ProvisionerConfig, logger: Logger): DynamicModule {
    warnAboutIgnoredConfigKeys(logger, config.skyportFile?.path, config.skyportFile?.ignored);
    return {
      module: ProvisionerModule,
      imports: [
        ServiceKitModule.forRoot('provisioner', config, logger),
        PersistenceModule.forRoot(config.SKYPORT_DATABASE_URL, 'provisioner'),
        KubeModule.forRoot(provisionerKubeOptions(config, logger)),
        CloudModule,
        KubeProvisionModule,
        JobsModule,
        FileResyncModule,
        BucketReaperModule,
      ],
    };
  }
}
