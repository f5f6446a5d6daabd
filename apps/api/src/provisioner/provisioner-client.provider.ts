import { ProvisionerRpc } from '@skyport/contracts';
import { grpcClientArgs, grpcSecurity, SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';

export const PROVISIONER_CLIENT = Symbol('PROVISIONER_CLIENT');

export const provisionerClientProvider = {
  provide: PROVISIONER_CLIENT,
  useFactory: (config: ApiConfig): ProvisionerRpc.ProvisionerClient =>
    new ProvisionerRpc.ProvisionerClient(config.SKYPORT_PROVISIONER_GRPC, ...grpcClientArgs(grpcSecurity(config, 'skyport-api'), 'provisioner')),
  inject: [SERVICE_CONFIG],
};
