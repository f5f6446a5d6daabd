import { copyToNode, VM_EXTRACT_SCRIPT, type NodeCopy } from '../provision/blob-files';
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
   * Extracts an uploaded tree (a tar built from the blob store) onto the VM, as the pods get theirs: relative and
   * `~/` targets land under the node's directory (the login's home on a real VM).
   */
  async uploadArchive(copy: NodeCopy): Promise<void> {
    await copyToNode({ label: this.address.label, exec: (argv, opts) => this.execCommand(argv, opts) }, copy, VM_EXTRACT_SCRIPT);
  }

  close(): void {
    this.conn.close();
  }
}
