import { Module } from '@nestjs/common';
import { BlobsModule } from '../blobs/blobs.module';
import { ClustersModule } from '../clusters/clusters.module';
import { LaunchModule } from '../launch/launch.module';
import { ManagedJobAttempts } from './managed-job-attempts';
import { ManagedJobGroups } from './managed-job-group.service';
import { ManagedJobRunner } from './managed-job-runner.service';
import { ManagedJobsController } from './managed-jobs.controller';
import { ManagedJobsService } from './managed-jobs.service';

/** Managed jobs (`/v1/jobs`, SkyPilot's `sky jobs`): the API and the runner that launches, watches and recovers them. */
@Module({
  imports: [LaunchModule, ClustersModule, BlobsModule],
  controllers: [ManagedJobsController],
  providers: [ManagedJobsService, ManagedJobRunner, ManagedJobAttempts, ManagedJobGroups],
})
export class ManagedJobsModule {}
