import { ProvisionerRpc, isSkyportError } from '@skyport/contracts';
import { callUnary, grpcClientArgs, type GrpcSecurity } from '@skyport/service-kit';
import type { CapacitySnapshot, CapacitySource } from './capacity.source';

/**
 * Asks the provisioner (`Provisioner.Capacity`) for its snapshot. Never throws: an unreachable or failing
 * provisioner becomes a snapshot with `error`, so a plan still lists every candidate with a reason.
 */
export class GrpcCapacitySource implements CapacitySource {
  private readonly client: ProvisionerRpc.ProvisionerClient;

  constructor(
    address: string,
    private readonly timeoutMs: number,
    security: GrpcSecurity,
  ) {
    this.client = new ProvisionerRpc.ProvisionerClient(address, ...grpcClientArgs(security, 'provisioner'));
  }

  async capacity(contexts: readonly string[]): Promise<CapacitySnapshot> {
    try {
      const response = await callUnary(this.client.capacity.bind(this.client), { contexts: [...contexts] }, this.timeoutMs);
      return { contexts: response.contexts };
    } catch (error) {
      const why = isSkyportError(error) ? error.userMessage : error instanceof Error ? error.message : String(error);
      return { contexts: [], error: `provisioner unavailable, capacity unknown (${why})` };
    }
  }

  close(): void {
    this.client.close();
  }
}
