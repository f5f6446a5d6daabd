import { LogsRpc } from '@skyport/contracts';
import { grpcClientProvider } from '../grpc/grpc-client.provider';

export const LOGS_CLIENT = Symbol('LOGS_CLIENT');

export const logsClientProvider = grpcClientProvider(LOGS_CLIENT, LogsRpc.LogsClient, 'logs');
