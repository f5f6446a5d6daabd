import { Module } from '@nestjs/common';
import { PROVISIONER_CLIENT, provisionerClientProvider } from './provisioner-client.provider';

/** The provisioner's gRPC client (one per process), for the modules that ask it about live capacity and clusters. */
@Module({ providers: [provisionerClientProvider], exports: [PROVISIONER_CLIENT] })
export class ProvisionerClientModule {}
