import { credentials } from '@grpc/grpc-js';
import { ProvisionerRpc } from '@skyport/contracts';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';

export const PROVISIONER_CLIENT = Symbol('PROVISIONER_CLIENT');

export const provisionerClientProvider = {
  provide: PROVISIONER_CLIENT,
  useFactory: (config: ApiConfig): ProvisionerRpc.ProvisionerClient =>
    new ProvisionerRpc.ProvisionerClient(config.SKYPORT_PROVISIONER_GRPC, credentials.createInsecure()),
  inject: [SERVICE_CONFIG],
};
