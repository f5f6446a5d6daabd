export * from './paths';
export * from './stack';
export * from './testing';
export { kubeAvailable, startKubeCluster, kubeconfigPath, localClusterName } from './kube';
export * from './registry';
export * from './service-process';
export * from './services';
export { stackSecretsKey } from './secrets-key';
export * from './grpc-certs';
