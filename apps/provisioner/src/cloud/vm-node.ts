import { statSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import tarFs from 'tar-fs';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { CollectedSshExecResult, SshConnection } from '@skyport/ssh';
import type { SshAddressOverride } from './cloud.config';

/** A stored VM, as much as SSH needs of it. */
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

export interface VmExecOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * One node of a cloud cluster, with the same exec shape as a pod's (`execCommand` of @skyport/kube), so the job
 * scripts that run in pods (provisioner jobs/node-scripts) run here unchanged.
 */
export class VmNode {
  constructor(
    readonly rank: number,
    readonly instanceId: string,
    /** For SKYPILOT_NODE_IPS: the address the nodes reach each other at. Skyport does not connect to it. */
    readonly ip: string,
    private readonly conn: SshConnection,
    readonly address: VmAddress,
  ) {}

  get isClosed(): boolean {
    return this.conn.isClosed;
  }

  get hostKeyFingerprint(): string {
    return this.conn.hostKeyFingerprint;
  }

  async execCommand(argv: readonly string[], opts: VmExecOptions = {}): Promise<CollectedSshExecResult> {
    return await this.conn.execCollect(inWorkdir(this.address.workdir, argv), opts);
  }

  /**
   * Copies a local file or directory onto the VM (a tar stream over SSH), as the pods get theirs: relative paths
   * land under the node's directory, `~` is the login's home; a directory's contents go into remotePath.
   */
  async upload(localPath: string, remotePath: string): Promise<void> {
    const local = resolvePath(localPath);
    let isDir: boolean;
    try {
      isDir = statSync(local).isDirectory();
    } catch {
      throw new SkyportError(ErrorCode.InvalidTask, `The local path ${localPath} to copy onto the VMs does not exist.`, { path: localPath });
    }
    const pack = isDir ? tarFs.pack(local) : tarFs.pack(dirname(local), { entries: [basename(local)], map: (h) => ({ ...h, name: basename(remotePath) }) });
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
    const script = 'd="$1"; case "$d" in "~") d="$HOME";; "~/"*) d="$HOME/${d#\\~/}";; esac; mkdir -p -- "$d" && tar xf - -C "$d" --no-same-owner';
    const res = await this.execCommand(['sh', '-c', script, 'sh', isDir ? remotePath : dirname(remotePath)], { stdin: Buffer.concat(chunks), timeoutMs: 10 * 60_000 });
    if (res.exitCode !== 0) {
      throw new SkyportError(ErrorCode.Internal, `Copying ${localPath} onto ${this.address.label} failed (tar exited ${res.exitCode}): ${res.stderr.trim().split('\n')[0] ?? ''}`, {
        kind: 'upload-failed',
      });
    }
  }

  close(): void {
    this.conn.close();
  }
}
