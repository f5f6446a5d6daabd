import { KubeClientProvider } from '@skyport/kube';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { AutodownConfig } from './config';

export const KUBE_PROVIDER = Symbol('KUBE_PROVIDER');

export const kubeProvider = {
  provide: KUBE_PROVIDER,
  useFactory: (config: AutodownConfig) => KubeClientProvider.fromSource({ paths: config.KUBECONFIG ? config.KUBECONFIG.split(':') : undefined }),
  inject: [SERVICE_CONFIG],
};
