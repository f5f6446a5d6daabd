export * from './config/kube-config.loader';
export * from './config/kube-context';
export * from './errors/kube-error.translator';
export * from './client/kube-client.provider';
export * from './informer/resource-informer';
export * from './informer/informers';
export * from './exec/pod-exec';
export * from './port-forward/port-forward';
export type { V1Pod, V1Node, CoreV1Event, V1Service, V1Secret, V1Ingress, V1PersistentVolumeClaim, V1Container, V1PodSpec, V1Toleration, V1Affinity } from '@kubernetes/client-node';
