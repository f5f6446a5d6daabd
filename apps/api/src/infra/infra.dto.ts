export type { CheckView, CloudGpuView, ContextCheck, GpusView, InfoView, KubernetesGpuView } from '@skyport/contracts';
