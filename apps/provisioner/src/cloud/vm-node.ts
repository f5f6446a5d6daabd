import { statSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import tarFs from 'tar-fs';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { inWorkdir, type CollectedSshExecResult, type SshConnection, type VmAddress } from '@skyport/ssh';

// Where a VM is reached and which directory its commands start in are shared with the logs service and the
// api's ssh (libs/ssh), so every service reaches the same machine the same way.
export { inWorkdir, vmAddress, type VmAddress, type VmRecord } from '@skyport/ssh';

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
