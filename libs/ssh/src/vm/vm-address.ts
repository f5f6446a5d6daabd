import type { SshAddressOverride } from './vm-ssh.config';

/** A stored VM, as much as SSH needs of it (a `cloud_instances` row). */
export interface VmRecord {
  instanceId: string;
  nodeRank: number;
  publicIp: string | null;
  privateIp: string | null;
  sshUser: string;
  hostKeyFingerprint: string | null;
}

export interface VmAddress {
  host: string;
  port: number;
  /**
   * The directory, relative to the login directory, that the node's commands start in. Empty on a real VM (its
   * home). Under the test override every VM is the same local machine, so each gets its own directory, as each
   * pod's exec does in the local cluster.
   */
  workdir: string;
  label: string;
}

/**
 * Where to SSH for a VM: its public address (private when it has none), port 22 — or, under the test-only
 * override, the local sshd. The addresses an emulator reports are never connected to.
 */
export function vmAddress(vm: VmRecord, provider: string, override?: SshAddressOverride): VmAddress {
  const label = `${provider} ${vm.instanceId} (node ${vm.nodeRank})`;
  if (override) return { host: override.host, port: override.port, workdir: `.skyport-test-vms/${vm.instanceId}`, label: `${label} via the test SSH override` };
  const host = vm.publicIp ?? vm.privateIp;
  if (!host) throw new Error(`${label} has no address yet`);
  return { host, port: 22, workdir: '', label };
}

/** argv run from `workdir` (created when missing); unchanged when there is none. */
export function inWorkdir(workdir: string, argv: readonly string[]): string[] {
  if (!workdir) return [...argv];
  return ['sh', '-c', 'mkdir -p "$1" && cd "$1" && shift && exec "$@"', 'sh', workdir, ...argv];
}
