import { VolumesRpc } from '@skyport/contracts';
import { grpcClientArgs, grpcSecurity, SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';

export const VOLUMES_CLIENT = Symbol('VOLUMES_CLIENT');

/** The provisioner's Volumes service (same address as its Provisioner service): the api never calls Kubernetes. */
export const volumesClientProvider = {
  provide: VOLUMES_CLIENT,
  useFactory: (config: ApiConfig): VolumesRpc.VolumesClient =>
    new VolumesRpc.VolumesClient(config.SKYPORT_PROVISIONER_GRPC, ...grpcClientArgs(grpcSecurity(config, 'skyport-api'), 'provisioner')),
  inject: [SERVICE_CONFIG],
};
