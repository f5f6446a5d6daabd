import { Module } from '@nestjs/common';
import { IdentityModule } from '../auth/identity.module';
import { BlobsModule } from '../blobs/blobs.module';
import { ClustersModule } from '../clusters/clusters.module';
import { OptimizerModule } from '../optimizer/optimizer.module';
import { PolicyModule } from '../policy/policy.module';
import { QuotaModule } from '../quota/quota.module';
import { StorageModule } from '../storage/storage.module';
import { VolumesModule } from '../volumes/volumes.module';
import { LaunchAdmission } from './launch-admission';
import { LaunchController } from './launch.controller';
import { LaunchService } from './launch.service';

/**
 * Launch and exec (`POST /v1/clusters/:name/launch|exec`): admission (namespace, policy, volumes, buckets), the dry
 * run, then the request, cluster and queue rows. Exported for managed jobs, which launch each attempt the same way.
 */
@Module({
  imports: [IdentityModule, PolicyModule, VolumesModule, StorageModule, QuotaModule, BlobsModule, OptimizerModule, ClustersModule],
  controllers: [LaunchController],
  providers: [LaunchService, LaunchAdmission],
  exports: [LaunchService, LaunchAdmission],
})
export class LaunchModule {}
