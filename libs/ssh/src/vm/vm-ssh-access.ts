import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsNull, type DataSource } from 'typeorm';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { CloudInstanceEntity } from '@skyport/persistence';
import { SshConnection, type SshExecOptions, type SshExecResult, type SshExecStreams, type SshSession, type SshSessionOptions } from '../client/ssh-connection';
import { inWorkdir, vmAddress, type VmAddress } from './vm-address';
import type { VmSshSettings } from './vm-ssh.config';

/** The file the provisioner keeps its VM key in, inside SKYPORT_CLOUD_KEY_DIR (see @skyport/cloud-aws ssh-key). */
const PRIVATE_KEY_FILE = 'id_ed25519';

/** One SSH connection to a VM node; every command starts in the node's directory, as the provisioner's do. */
export class VmConnection {
  constructor(
    readonly vm: CloudInstanceEntity,
    readonly address: VmAddress,
    private readonly conn: SshConnection,
  ) {}

  get rank(): number {
    return this.vm.nodeRank;
  }

  get isClosed(): boolean {
    return this.conn.isClosed;
  }

  exec(argv: readonly string[], io: SshExecStreams = {}, opts: SshExecOptions = {}): Promise<SshExecResult> {
    return this.conn.exec(inWorkdir(this.address.workdir, argv), io, opts);
  }

  openSession(argv: readonly string[], io: SshSessionOptions): Promise<SshSession> {
    return this.conn.openSession(inWorkdir(this.address.workdir, argv), io);
  }

  close(): void {
    this.conn.close();
  }
}

/**
 * SSH to the cloud VMs of a burst cluster for services other than the provisioner (logs, the api's ssh): the VMs
 * come from the stored `cloud_instances` rows, the key from the provisioner's key directory, and each VM must
 * present the host key the provisioner pinned when it launched it.
 */
export class VmSshAccess {
  private privateKey?: string;

  constructor(
    private readonly db: DataSource,
    private readonly settings: VmSshSettings,
  ) {}

  /** The cluster's VMs that are not terminated, by rank. */
  async liveVms(clusterName: string): Promise<CloudInstanceEntity[]> {
    return await this.db.getRepository(CloudInstanceEntity).find({ where: { clusterName, terminatedAt: IsNull() }, order: { nodeRank: 'ASC' } });
  }

  async vmOfRank(clusterName: string, rank: number): Promise<CloudInstanceEntity> {
    const vms = await this.liveVms(clusterName);
    const vm = vms.find((v) => v.nodeRank === rank);
    if (!vm) throw new SkyportError(ErrorCode.NotFound, `cluster '${clusterName}' has no node ${rank} (it has ${vms.length})`, { clusterName, node: rank });
    return vm;
  }

  async connect(vm: CloudInstanceEntity, opts: { readyTimeoutMs?: number } = {}): Promise<VmConnection> {
    const address = vmAddress(vm, vm.provider, this.settings.override);
    if (!vm.hostKeyFingerprint) {
      throw new SkyportError(ErrorCode.Conflict, `${address.label} is not ready yet: the provisioner has not connected to it (its host key is not known).`, {
        kind: 'host-key-unknown',
      });
    }
    const conn = await SshConnection.connect({
      host: address.host,
      port: address.port,
      username: vm.sshUser,
      privateKey: this.key(),
      hostKeyFingerprint: vm.hostKeyFingerprint,
      label: address.label,
      readyTimeoutMs: opts.readyTimeoutMs ?? 20_000,
    });
    return new VmConnection(vm, address, conn);
  }

  private key(): string {
    if (this.privateKey) return this.privateKey;
    const path = join(this.settings.keyDir, PRIVATE_KEY_FILE);
    try {
      this.privateKey = readFileSync(path, 'utf8');
    } catch (e) {
      throw new SkyportError(
        ErrorCode.ProviderUnavailable,
        `Skyport's SSH key for its VMs is not readable at ${path}: SKYPORT_CLOUD_KEY_DIR must name the provisioner's key directory.`,
        { kind: 'key-missing' },
        { cause: e },
      );
    }
    return this.privateKey;
  }
}
