import { ProvisionerRpc } from '@skyport/contracts';
import { grpcClientProvider } from '../grpc/grpc-client.provider';

export const PROVISIONER_CLIENT = Symbol('PROVISIONER_CLIENT');

export const provisionerClientProvider = grpcClientProvider(PROVISIONER_CLIENT, ProvisionerRpc.ProvisionerClient, 'provisioner');
