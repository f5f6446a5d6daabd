import type { ProvisionerRpc } from '@skyport/contracts';

/** What the planner needs from the provisioner: its informer snapshot, or why there is none. */
export interface CapacitySnapshot {
  contexts: ProvisionerRpc.ContextCapacity[];
  /** Set when the snapshot could not be had at all (the provisioner is down or too slow). */
  error?: string;
}

/** The seam between planning and the provisioner's gRPC server; tests substitute their own. */
export interface CapacitySource {
  capacity(contexts: readonly string[]): Promise<CapacitySnapshot>;
  close?(): void;
}

export const CAPACITY_SOURCE = Symbol('CAPACITY_SOURCE');
