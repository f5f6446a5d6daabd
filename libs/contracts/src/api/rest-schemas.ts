import type { z } from 'zod';
import { AutostopAnswerSchema, AutostopBodySchema, CancelAcceptedSchema, CancelBodySchema, DownAcceptedSchema, DownBodySchema, PowerAcceptedSchema } from './cluster-actions.dto';
import { LaunchAcceptedSchema, LaunchRequestBodySchema, TaskOverridesSchema } from './launch.dto';
import { DeliveryViewSchema, WebhookCreateSchema, WebhookCreatedSchema, WebhookViewSchema } from './webhook.dto';
import {
  AuditViewSchema,
  NamespaceViewSchema,
  NamespacesBodySchema,
  PrincipalViewSchema,
  TeamCreateSchema,
  TeamViewSchema,
  TokenCreateSchema,
  TokenCreatedSchema,
  TokenViewSchema,
  UserCreateSchema,
  UserPatchSchema,
  UserViewSchema,
} from './identity.dto';
import { QueueEntryViewSchema, QuotaBodySchema, QuotaViewSchema } from './quota.dto';
import { CheckViewSchema, GpusViewSchema, InfoViewSchema } from './infra.dto';
import { StorageDeletedSchema, StorageViewSchema } from './storage.dto';
import { VolumeDeletedSchema, VolumeViewSchema } from './volume.dto';
import { BlobLimitsSchema, BlobMissingAnswerSchema, BlobMissingBodySchema, BlobPutAnswerSchema, ManifestCreatedSchema } from './blob.dto';
import {
  ManagedJobAcceptedSchema,
  ManagedJobBodySchema,
  ManagedJobTaskViewSchema,
  ManagedJobViewSchema,
  ManagedJobsCancelBodySchema,
  ManagedJobsCancelledSchema,
} from './managed-job.dto';
import { EventViewSchema, JobViewSchema, QueuedInfoSchema, RequestViewSchema } from './views.dto';
import {
  AttemptViewSchema,
  ClusterDetailSchema,
  ClusterPageSchema,
  ClusterSummarySchema,
  CostReportPageSchema,
  DryrunPlanSchema,
  EndpointsViewSchema,
  HealthViewSchema,
  JobPageSchema,
  PlanSummarySchema,
} from './platform.dto';
import { ErrorBodySchema } from './error-body.dto';
import {
  AuditPageSchema,
  DeliveryPageSchema,
  ManagedJobListSchema,
  QueueListSchema,
  StorageListSchema,
  TeamListSchema,
  TokenListSchema,
  UserListSchema,
  VolumeListSchema,
  WebhookListSchema,
} from './lists.dto';

/**
 * The REST schemas by their OpenAPI component name: the api's document generates `components.schemas` from this
 * list (a schema used inside another one becomes a `$ref` to its entry here), so a body or answer declared with
 * zod is documented by adding it once, here.
 */
export const REST_SCHEMAS = {
  ErrorBody: ErrorBodySchema,
  QueuedInfo: QueuedInfoSchema,
  DryrunPlan: DryrunPlanSchema,
  EventView: EventViewSchema,
  RequestView: RequestViewSchema,
  ClusterSummary: ClusterSummarySchema,
  JobView: JobViewSchema,
  AttemptView: AttemptViewSchema,
  PlanSummary: PlanSummarySchema,
  ClusterDetail: ClusterDetailSchema,
  ClusterPage: ClusterPageSchema,
  JobPage: JobPageSchema,
  Endpoints: EndpointsViewSchema,
  CostReport: CostReportPageSchema,
  HealthView: HealthViewSchema,
  TaskOverrides: TaskOverridesSchema,
  LaunchRequestBody: LaunchRequestBodySchema,
  LaunchAccepted: LaunchAcceptedSchema,
  CancelBody: CancelBodySchema,
  CancelAccepted: CancelAcceptedSchema,
  DownBody: DownBodySchema,
  DownAccepted: DownAcceptedSchema,
  PowerAccepted: PowerAcceptedSchema,
  AutostopBody: AutostopBodySchema,
  AutostopAnswer: AutostopAnswerSchema,
  QuotaBody: QuotaBodySchema,
  QuotaView: QuotaViewSchema,
  QueueEntryView: QueueEntryViewSchema,
  Principal: PrincipalViewSchema,
  UserCreate: UserCreateSchema,
  UserPatch: UserPatchSchema,
  UserView: UserViewSchema,
  TeamCreate: TeamCreateSchema,
  NamespaceView: NamespaceViewSchema,
  NamespacesBody: NamespacesBodySchema,
  TeamView: TeamViewSchema,
  TokenCreate: TokenCreateSchema,
  TokenView: TokenViewSchema,
  TokenCreated: TokenCreatedSchema,
  AuditView: AuditViewSchema,
  WebhookCreate: WebhookCreateSchema,
  WebhookView: WebhookViewSchema,
  WebhookCreated: WebhookCreatedSchema,
  DeliveryView: DeliveryViewSchema,
  ManagedJobBody: ManagedJobBodySchema,
  ManagedJobAccepted: ManagedJobAcceptedSchema,
  ManagedJobView: ManagedJobViewSchema,
  ManagedJobTaskView: ManagedJobTaskViewSchema,
  ManagedJobsCancelBody: ManagedJobsCancelBodySchema,
  ManagedJobsCancelled: ManagedJobsCancelledSchema,
  BlobLimits: BlobLimitsSchema,
  BlobMissingBody: BlobMissingBodySchema,
  BlobMissingAnswer: BlobMissingAnswerSchema,
  BlobPutAnswer: BlobPutAnswerSchema,
  ManifestCreated: ManifestCreatedSchema,
  VolumeView: VolumeViewSchema,
  VolumeDeleted: VolumeDeletedSchema,
  StorageView: StorageViewSchema,
  StorageDeleted: StorageDeletedSchema,
  CheckView: CheckViewSchema,
  GpusView: GpusViewSchema,
  InfoView: InfoViewSchema,
  UserList: UserListSchema,
  TeamList: TeamListSchema,
  TokenList: TokenListSchema,
  AuditPage: AuditPageSchema,
  QueueList: QueueListSchema,
  WebhookList: WebhookListSchema,
  DeliveryPage: DeliveryPageSchema,
  StorageList: StorageListSchema,
  ManagedJobList: ManagedJobListSchema,
  VolumeList: VolumeListSchema,
} satisfies Record<string, z.ZodType>;
