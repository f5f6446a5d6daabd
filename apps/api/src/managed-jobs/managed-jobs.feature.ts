import { ManagedJobsController } from './managed-jobs.controller';
import { ManagedJobsService } from './managed-jobs.service';
import { ManagedJobRunner } from './managed-job-runner.service';
import { ManagedJobAttempts } from './managed-job-attempts';
import { ManagedJobGroups } from './managed-job-group.service';

/** Managed jobs (`/v1/jobs`, SkyPilot's `sky jobs`): the API and the controller that drives them. */
export const MANAGED_JOBS_FEATURE = { controllers: [ManagedJobsController], providers: [ManagedJobsService, ManagedJobRunner, ManagedJobAttempts, ManagedJobGroups] };
