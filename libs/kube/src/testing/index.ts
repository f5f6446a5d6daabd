/** Test fixtures of @skyport/kube: import them from `@skyport/kube/testing` (test code only; production code cannot). */
export * from './test-kube';
export * from './apiserver-metrics';
export * from './service-account-access';
export * from './kubelet-expansion';
