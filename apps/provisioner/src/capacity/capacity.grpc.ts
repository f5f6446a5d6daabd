import { ErrorCode, SkyportError, type ProvisionerRpc } from '@skyport/contracts';
import { toGrpcError } from '@skyport/service-kit';
import type { InfraCheckService } from '../check/infra-check.service';
import type { CapacityService } from './capacity.service';

/** The Provisioner gRPC service: Capacity from the informer snapshot; Check and Endpoints live from each API server. */
export function provisionerGrpcServer(
  capacity: CapacityService,
  infraCheck?: InfraCheckService,
  endpoints?: (clusterName: string) => Promise<Record<string, string>>,
): ProvisionerRpc.ProvisionerServer {
  return {
    endpoints: (call, callback) => {
      if (!endpoints) return callback(toGrpcError(new SkyportError(ErrorCode.DependencyUnavailable, 'this provisioner does not answer Endpoints')), null);
      endpoints(call.request.clusterName).then(
        (found) => callback(null, { endpoints: found }),
        (err: unknown) => callback(toGrpcError(err), null),
      );
    },
    check: (call, callback) => {
      if (!infraCheck) return callback(toGrpcError(new SkyportError(ErrorCode.DependencyUnavailable, 'this provisioner does not answer Check')), null);
      infraCheck.check(call.request.contexts).then(
        (res) => callback(null, res),
        (err: unknown) => callback(toGrpcError(err), null),
      );
    },
    capacity: (call, callback) => {
      try {
        callback(null, { contexts: capacity.snapshot(call.request.contexts) });
      } catch (err) {
        callback(toGrpcError(err), null);
      }
    },
  };
}
