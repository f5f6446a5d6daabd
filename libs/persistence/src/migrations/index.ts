import { InitialSchema1764316800000 } from './1764316800000-initial-schema';
import { ApiIdentityQuotasWebhooks1795853836000 } from './1795853836000-api-identity-quotas-webhooks';
import { JobRuntime1795853871000 } from './1795853871000-job-runtime';
import { CloudInstances1795854165117 } from './1795854165117-cloud-instances';
import { CapacityWaits1795860000000 } from './1795860000000-capacity-waits';
import { ClusterStatusIndexes1795863468999 } from './1795863468999-cluster-status-indexes';
import { Blobs1796548305311 } from './1796548305311-blobs';
import { SealedRequestSecrets1796548319626 } from './1796548319626-sealed-request-secrets';
import { TeamPolicies1796548552275 } from './1796548552275-team-policies';
import { OutboxTraceContext1796900000000 } from './1796900000000-outbox-trace-context';
import { JobScheduling1797000000000 } from './1797000000000-job-scheduling';
import { Volumes1797200000000 } from './1797200000000-volumes';
import { Storage1797300000000 } from './1797300000000-storage';
import { ClusterStop1797500000000 } from './1797500000000-cluster-stop';
import { ManagedJobs1797600000000 } from './1797600000000-managed-jobs';
import { ManagedJobTasks1797700000000 } from './1797700000000-managed-job-tasks';
import { ClusterPhaseIntent1797800000000 } from './1797800000000-cluster-phase-intent';

/** Every migration, in order. A new migration is added at the end. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ALL_MIGRATIONS: Function[] = [InitialSchema1764316800000, ApiIdentityQuotasWebhooks1795853836000, JobRuntime1795853871000, CloudInstances1795854165117, CapacityWaits1795860000000, ClusterStatusIndexes1795863468999, Blobs1796548305311, SealedRequestSecrets1796548319626, TeamPolicies1796548552275, OutboxTraceContext1796900000000, JobScheduling1797000000000, Volumes1797200000000, Storage1797300000000, ClusterStop1797500000000, ManagedJobs1797600000000, ManagedJobTasks1797700000000, ClusterPhaseIntent1797800000000];
