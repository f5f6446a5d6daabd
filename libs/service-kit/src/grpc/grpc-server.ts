import { Server, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { asPortInUse } from '../bootstrap/port-in-use';
import { restrictCallers } from './grpc-callers';
import { grpcServerCredentials, type GrpcSecurity } from './grpc-security';
import { traceCalls } from './grpc-tracing';

export interface GrpcServiceBinding {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
  /** Identities (from client certificates) allowed to call this service; absent: any Skyport service. */
  allowedCallers?: readonly string[];
}

export interface GrpcServerOptions {
  /** mTLS material (or the explicit insecure dev mode), from `grpcSecurity(config, name)`. */
  security: GrpcSecurity;
  /** The variable that sets `address`, named when the port is taken. */
  envVar?: string;
}

/**
 * Starts a gRPC server on `address` (host:port; 127.0.0.1 unless configured) with the given services. With mTLS,
 * a client must present a certificate signed by the CA; plaintext or foreign-CA peers fail the handshake.
 */
export async function startGrpcServer(address: string, services: GrpcServiceBinding[], options: GrpcServerOptions): Promise<{ server: Server; port: number }> {
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  const enforce = !options.security.insecure;
  for (const { definition, implementation, allowedCallers } of services) {
    const traced = traceCalls(definition, implementation);
    server.addService(definition, allowedCallers ? restrictCallers(traced, allowedCallers, enforce) : traced);
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpcServerCredentials(options.security), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  }).catch((error: unknown) => {
    const [host, portText] = splitAddress(address);
    throw asPortInUse(error, host, Number(portText), options.envVar ?? 'the gRPC address variable');
  });
  return { server, port };
}

function splitAddress(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  return i < 0 ? [address, ''] : [address.slice(0, i).replace(/^\[|\]$/g, ''), address.slice(i + 1)];
}

/** Stops accepting calls and lets in-flight calls finish for up to `graceMs`, then cuts the rest. */
export async function stopGrpcServer(server: Server, graceMs = 5_000): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
