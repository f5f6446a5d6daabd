import type { CloudInstance } from '@skyport/cloud-aws';

/** EC2 states of a VM that is gone for good: a spot interruption, or a termination outside Skyport. */
const LOST_STATES: ReadonlySet<string> = new Set(['shutting-down', 'terminated']);

/** A VM Skyport recorded for an UP cluster (a live `cloud_instances` row). */
export interface RecordedVm {
  cluster: string;
  region: string;
  instanceId: string;
  useSpot: boolean;
}

/**
 * The clusters that lost a VM, with the reason, from what EC2 said of the regions that answered (`seen`, by
 * instance id; a region missing from `answered` was not readable and says nothing). A stopping or stopped VM is
 * not a loss (Skyport's own stop, or autostop); a VM EC2 no longer lists at all is (terminated long ago).
 */
export function cloudLosses(recorded: readonly RecordedVm[], answered: ReadonlySet<string>, seen: ReadonlyMap<string, CloudInstance>): Map<string, string> {
  const lost = new Map<string, string[]>();
  for (const vm of recorded) {
    if (!answered.has(vm.region)) continue;
    const now = seen.get(vm.instanceId);
    if (now && !LOST_STATES.has(now.state)) continue;
    const kind = vm.useSpot ? 'spot VM' : 'VM';
    const what = now
      ? `${kind} ${vm.instanceId} in ${vm.region} is ${now.state}${vm.useSpot ? ' (spot interruption or terminated outside Skyport)' : ' (terminated outside Skyport)'}`
      : `${kind} ${vm.instanceId} in ${vm.region} no longer exists in EC2`;
    lost.set(vm.cluster, [...(lost.get(vm.cluster) ?? []), what]);
  }
  return new Map([...lost].map(([cluster, whats]) => [cluster, whats.join('; ')]));
}
