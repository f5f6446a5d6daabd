import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';

export interface GrpcServiceBinding {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

/** Starts a gRPC server on `address` (host:port; 127.0.0.1 unless configured) with the given services. */
export async function startGrpcServer(address: string, services: GrpcServiceBinding[]): Promise<{ server: Server; port: number }> {
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  for (const { definition, implementation } of services) server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
  return { server, port };
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
