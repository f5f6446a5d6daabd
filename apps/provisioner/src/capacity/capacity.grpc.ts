import { ErrorCode, SkyportError, type ProvisionerRpc } from '@skyport/contracts';
import { toGrpcError } from '@skyport/service-kit';
import type { InfraCheckService } from '../check/infra-check.service';
import type { CapacityService } from './capacity.service';

/** The Provisioner gRPC service: answers Capacity from the informer snapshot, Check live from each API server. */
export function provisionerGrpcServer(capacity: CapacityService, infraCheck?: InfraCheckService): ProvisionerRpc.ProvisionerServer {
  return {
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
