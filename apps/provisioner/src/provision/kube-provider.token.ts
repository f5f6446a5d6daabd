/** The provisioner's one KubeClientProvider (built from its kubeconfig and allowed contexts). */
export const KUBE_PROVIDER = Symbol('KUBE_PROVIDER');
