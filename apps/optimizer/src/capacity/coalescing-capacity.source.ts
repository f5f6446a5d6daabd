import type { CapacitySnapshot, CapacitySource } from './capacity.source';

/**
 * Plans that ask for the same contexts while an answer is on its way share it instead of each sending a call:
 * a burst of launches then costs the provisioner one snapshot, not one per launch. Nothing is kept after the
 * answer arrives, so no plan sees a snapshot older than its own request.
 */
export class CoalescingCapacitySource implements CapacitySource {
  private readonly inFlight = new Map<string, Promise<CapacitySnapshot>>();

  constructor(private readonly inner: CapacitySource) {}

  capacity(contexts: readonly string[]): Promise<CapacitySnapshot> {
    const key = [...contexts].sort().join('\n');
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const call = this.inner.capacity(contexts).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  close(): void {
    this.inner.close?.();
  }
}
