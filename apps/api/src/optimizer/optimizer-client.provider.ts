import { OptimizerRpc } from '@skyport/contracts';
import { grpcClientProvider } from '../grpc/grpc-client.provider';

export const OPTIMIZER_CLIENT = Symbol('OPTIMIZER_CLIENT');

export const optimizerClientProvider = grpcClientProvider(OPTIMIZER_CLIENT, OptimizerRpc.OptimizerClient, 'optimizer');
