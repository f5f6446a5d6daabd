import { Module } from '@nestjs/common';
import { ProvisionerClientModule } from '../provisioner/provisioner-client.module';
import { QuotaModule } from '../quota/quota.module';
import { ClusterActionsService } from './cluster-actions.service';
import { ClustersController } from './clusters.controller';
import { ClustersService } from './clusters.service';

/**
 * Clusters: status, jobs, endpoints and cost (`/v1/clusters`, `/v1/cost-report`), and the actions on them (down, stop,
 * start, job cancel). findAccessibleCluster (cluster-access.ts) is the visibility check the logs, ssh and autostop
 * endpoints share.
 */
@Module({
  imports: [ProvisionerClientModule, QuotaModule],
  controllers: [ClustersController],
  providers: [ClustersService, ClusterActionsService],
  exports: [ClustersService, ClusterActionsService],
})
export class ClustersModule {}
