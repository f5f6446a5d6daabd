export type { AttemptView, CancelAccepted, CancelBody, ClusterDetail, ClusterSummary, CostReportItem, DownAccepted, EndpointsView, PlanSummary, PowerAccepted } from '@skyport/contracts';
