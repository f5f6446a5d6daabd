import type { FactoryProvider } from '@nestjs/common';
import type { ChannelCredentials, ClientOptions } from '@grpc/grpc-js';
import { grpcClientArgs, grpcSecurity, SERVICE_CONFIG } from '@skyport/service-kit';
import type { ApiConfig } from '../config';

/** A generated `XxxClient` class (`@skyport/contracts`' `XxxRpc.XxxClient`). */
type GrpcClientClass<C> = new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>) => C;

/** The services the api calls, each with the setting of its address; the client checks it is talking to that service. */
const TARGETS = {
  optimizer: 'SKYPORT_OPTIMIZER_GRPC',
  provisioner: 'SKYPORT_PROVISIONER_GRPC',
  logs: 'SKYPORT_LOGS_GRPC',
} as const satisfies Record<string, keyof ApiConfig>;

/**
 * The Nest provider of the api's client of one gRPC service of `target`: dialled at that service's configured
 * address with the api's mutual-TLS identity (or plaintext under SKYPORT_GRPC_INSECURE=1).
 */
export function grpcClientProvider<C>(token: symbol, Client: GrpcClientClass<C>, target: keyof typeof TARGETS): FactoryProvider<C> {
  return {
    provide: token,
    useFactory: (config: ApiConfig): C => new Client(config[TARGETS[target]], ...grpcClientArgs(grpcSecurity(config, 'skyport-api'), target)),
    inject: [SERVICE_CONFIG],
  };
}
