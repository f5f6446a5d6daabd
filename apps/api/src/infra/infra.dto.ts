export type { CheckView, CloudGpuView, ContextCheck, GpusView, InfoView, KubernetesGpuView, ResourceAmount } from '@skyport/contracts';
