import { VolumesRpc } from '@skyport/contracts';
import { grpcClientProvider } from '../grpc/grpc-client.provider';

export const VOLUMES_CLIENT = Symbol('VOLUMES_CLIENT');

/** The provisioner's Volumes service (same address as its Provisioner service): the api never calls Kubernetes. */
export const volumesClientProvider = grpcClientProvider(VOLUMES_CLIENT, VolumesRpc.VolumesClient, 'provisioner');
