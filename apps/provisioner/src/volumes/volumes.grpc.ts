import type { VolumesRpc } from '@skyport/contracts';
import { toGrpcError } from '@skyport/service-kit';
import { applyVolume, deleteVolume, type VolumeClaimDeps } from './volume-claims';

/** The Volumes gRPC service: the api's volume calls, carried out with the provisioner's Kubernetes credentials. */
export function volumesGrpcServer(deps: VolumeClaimDeps): VolumesRpc.VolumesServer {
  return {
    apply: (call, callback) => {
      applyVolume(call.request, deps).then(
        (location) => callback(null, location),
        (err: unknown) => callback(toGrpcError(err), null),
      );
    },
    delete: (call, callback) => {
      deleteVolume(call.request, deps).then(
        (deleted) => callback(null, { deleted }),
        (err: unknown) => callback(toGrpcError(err), null),
      );
    },
  };
}
