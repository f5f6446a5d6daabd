import { credentials } from '@grpc/grpc-js';
import { OptimizerRpc } from '@skyport/contracts';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';

export const OPTIMIZER_CLIENT = Symbol('OPTIMIZER_CLIENT');

export const optimizerClientProvider = {
  provide: OPTIMIZER_CLIENT,
  useFactory: (config: ApiConfig): OptimizerRpc.OptimizerClient =>
    new OptimizerRpc.OptimizerClient(config.SKYPORT_OPTIMIZER_GRPC, credentials.createInsecure()),
  inject: [SERVICE_CONFIG],
};
