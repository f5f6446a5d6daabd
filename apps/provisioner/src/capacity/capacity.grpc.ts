import type { ProvisionerRpc } from '@skyport/contracts';
import { toGrpcError } from '@skyport/service-kit';
import type { CapacityService } from './capacity.service';

/** The Provisioner gRPC service: answers Capacity from the informer snapshot. */
export function provisionerGrpcServer(capacity: CapacityService): ProvisionerRpc.ProvisionerServer {
  return {
    capacity: (call, callback) => {
      try {
        callback(null, { contexts: capacity.snapshot(call.request.contexts) });
      } catch (err) {
        callback(toGrpcError(err), null);
      }
    },
  };
}
