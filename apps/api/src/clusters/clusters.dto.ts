export type { AttemptView, CancelAccepted, CancelBody, ClusterDetail, ClusterSummary, CostReportItem, DownAccepted, EndpointsView, PlanSummary } from '@skyport/contracts';
