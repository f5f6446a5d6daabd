import { LogsRpc } from '@skyport/contracts';
import { grpcClientArgs, grpcSecurity, SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';

export const LOGS_CLIENT = Symbol('LOGS_CLIENT');

export const logsClientProvider = {
  provide: LOGS_CLIENT,
  useFactory: (config: ApiConfig): LogsRpc.LogsClient => new LogsRpc.LogsClient(config.SKYPORT_LOGS_GRPC, ...grpcClientArgs(grpcSecurity(config, 'skyport-api'), 'logs')),
  inject: [SERVICE_CONFIG],
};
