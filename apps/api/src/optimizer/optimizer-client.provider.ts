import { OptimizerRpc } from '@skyport/contracts';
import { grpcClientArgs, grpcSecurity, SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';

export const OPTIMIZER_CLIENT = Symbol('OPTIMIZER_CLIENT');

export const optimizerClientProvider = {
  provide: OPTIMIZER_CLIENT,
  useFactory: (config: ApiConfig): OptimizerRpc.OptimizerClient =>
    new OptimizerRpc.OptimizerClient(config.SKYPORT_OPTIMIZER_GRPC, ...grpcClientArgs(grpcSecurity(config, 'skyport-api'), 'optimizer')),
  inject: [SERVICE_CONFIG],
};
