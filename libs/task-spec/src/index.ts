export * from './types/task-spec.types';
export { parseTaskYaml, parseTaskObject, checkTaskYaml, assertClusterName, setDefaultAcceleratorNames, getDefaultAcceleratorNames } from './parse-task';
export type { ParseOptions, TaskCheckResult } from './parse-task';
export { applyLaunchInputs } from './overrides/apply-launch-inputs';
export type { LaunchInputs } from './overrides/apply-launch-inputs';
export { substituteVariables, referencedVariables } from './overrides/substitute';
export { requiredVariables } from './required-variables';
export { formatProblem, invalidTask } from './errors/task-errors';
export { PERMISSIVE_ACCELERATOR_NAMES } from './accelerators/accelerator-names';
export type { AcceleratorNames } from './accelerators/accelerator-names';
export { CATALOG_ACCELERATOR_NAMES } from './accelerators/catalog-accelerator-names';
export { parseCpus, parseMemory, parseDiskSize, formatQuantity, formatNumber } from './resources/quantity';
export { parseAccelerators, resolveAcceleratorName, formatAccelerator } from './resources/accelerators';
export { parseInfra, infraFromLegacy, formatInfra, KNOWN_PROVIDERS } from './resources/infra';
export { parsePorts, formatPorts } from './resources/ports';
export { parseAutostop, parseIdleMinutes, DEFAULT_AUTOSTOP_IDLE_MINUTES } from './resources/autostop';
export { parseImageId, formatImage } from './resources/image';
export {
  KUBERNETES_DEFAULTS,
  formatKubernetesInstanceType,
  parseKubernetesInstanceType,
  isKubernetesInstanceType,
  kubernetesInstanceTypeFor,
} from './resources/kubernetes-instance-type';
export type { KubernetesInstanceType } from './resources/kubernetes-instance-type';
export { ResourceSyntaxError } from './resources/resource-syntax-error';
export { UNSUPPORTED_TOP_LEVEL_KEYS, IGNORED_RESOURCE_KEYS, IGNORED_TOP_LEVEL_KEYS } from './schema/unsupported-keys';
export { TASK_SCHEMA } from './schema/task.schema';
export { DEFAULT_TASK_BOUNDS, NUM_NODES_CEILING, documentBoundProblems, taskBoundProblems, resolveBounds } from './bounds/task-bounds';
export type { TaskBounds } from './bounds/task-bounds';
export { DEFAULT_JOB_CPU_DEMAND, formatJobDemand, jobDemandOf, neverFitsReason, nodeResourcesOf, placeJob } from './resources/job-demand';
export type { DemandOptions, HeldDemand, JobDemand, NodeResources } from './resources/job-demand';
export { BUCKET_MOUNT_MODES, isBucketCopy, isBucketMount, isS3Source, parseS3Url } from './normalise/file-mounts';
export { ephemeralClaimNames } from './volumes/ephemeral-volumes';
export { VOLUME_ACCESS_MODES, formatVolumeSize, parseVolumeObject, parseVolumeSize, parseVolumeYaml, volumeNameProblem } from './volumes/volume-spec';
export type { VolumeAccessMode, VolumeSpec } from './volumes/volume-spec';
export { pipelineDocuments } from './pipeline/pipeline-documents';
export type { PipelineDocuments } from './pipeline/pipeline-documents';
export { JOB_GROUP_HEADER_KEYS, checkJobGroupTasks, durationSeconds, readJobGroupHeader } from './pipeline/job-group-header';
export type { JobGroupHeader } from './pipeline/job-group-header';
