import { ErrorCode, SkyportError } from '@skyport/contracts';
import { AwsProvider, type CloudInstance, type PortRange } from '@skyport/cloud-aws';
import { CloudInstanceEntity } from '@skyport/persistence';
import { SshConnection } from '@skyport/ssh';
import { IsNull, type DataSource } from 'typeorm';
import { LAUNCHABLE_CLOUDS, providerUnavailableError, type CloudCandidate } from './cloud-block';
import type { SshAddressOverride } from './cloud.config';
import { VmNode, vmAddress, type VmRecord } from './vm-node';
import type { NodeCopy } from '../provision/blob-files';
import type { VmBucketMount } from '../storage/vm-bucket-mounts';
import { mountBucketsOnVm, rekeyBucketsOnVm, unmountBucketsOnVm } from './vm-rclone';

export interface CloudLaunchInput {
  clusterName: string;
  numNodes: number;
  candidate: CloudCandidate;
  /** The task's ports, opened to the world in the cluster's security group. */
  ports?: readonly PortRange[];
  diskSizeGb?: number;
  /** One value per attempt: RunInstances' idempotency token. */
  attemptId?: string;
  /** The task's uploaded workdir and file_mounts (tars from the blob store), copied onto every VM once it answers. */
  files?: readonly NodeCopy[];
  /** MOUNT/MOUNT_CACHED buckets, mounted with rclone on every VM after the files and before setup. */
  bucketMounts?: readonly VmBucketMount[];
  signal?: AbortSignal;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface LaunchedVm {
  rank: number;
  instanceId: string;
  publicIp: string | null;
  privateIp: string | null;
  hostKeyFingerprint: string;
}

export interface CloudLauncherDeps {
  db: DataSource;
  /** Absent when AWS is not enabled (SKYPORT_CLOUD_PROVIDERS). */
  aws?: AwsProvider;
  /** How long every VM may take to accept SSH after it is running. */
  sshTimeoutMs: number;
  sshRetryIntervalMs?: number;
  /** Test only (see cloud.config.ts): SSH goes to this local sshd. */
  sshOverride?: SshAddressOverride;
}

/** `aws/<region>`: the cluster's `infra` once it runs on a cloud. */
export function cloudInfra(provider: string, region: string): string {
  return `${provider}/${region}`;
}

export function parseCloudInfra(infra: string | null | undefined): { provider: string; region: string } | undefined {
  const m = infra ? /^([a-z]+)\/(.+)$/.exec(infra) : null;
  if (!m || m[1] === 'kubernetes') return undefined;
  return { provider: m[1]!, region: m[2]! };
}

/**
 * Brings a burst cluster up on a cloud candidate, all or nothing: the VMs (one RunInstances call), their rows,
 * then SSH into every one with Skyport's key (retrying while they boot). Any failure terminates what was
 * launched before the error is thrown; the error's `details.scope` says which candidates it rules out.
 */
export class CloudLauncher {
  constructor(private readonly deps: CloudLauncherDeps) {}

  get enabledProviders(): ReadonlySet<string> {
    return new Set(this.deps.aws ? ['aws'] : []);
  }

  /** Throws the "provider not available" error when the candidate's cloud cannot be launched here. */
  assertLaunchable(candidate: CloudCandidate): void {
    if (!LAUNCHABLE_CLOUDS.has(candidate.provider) || !this.enabledProviders.has(candidate.provider)) {
      throw providerUnavailableError(candidate, this.enabledProviders);
    }
  }

  async launch(input: CloudLaunchInput): Promise<LaunchedVm[]> {
    const { candidate, clusterName } = input;
    this.assertLaunchable(candidate);
    const aws = this.deps.aws!;
    const log = input.log ?? (() => undefined);
    log(`launching ${input.numNodes} × ${candidate.instanceType}${candidate.useSpot ? ' (spot)' : ''} on AWS ${candidate.region}`);
    const launched = await aws.launch(
      {
        clusterName,
        region: candidate.region,
        zone: candidate.zone || undefined,
        instanceType: candidate.instanceType,
        numNodes: input.numNodes,
        useSpot: candidate.useSpot,
        ports: input.ports,
        diskSizeGb: input.diskSizeGb,
        attemptId: input.attemptId,
      },
      input.signal,
    );
    try {
      await this.record(clusterName, candidate, launched.instances, launched.sshUser);
      log(`instances running: ${launched.instances.map((i) => i.instanceId).join(', ')}; waiting for SSH`);
      const nodes = await this.connect(clusterName, { timeoutMs: this.deps.sshTimeoutMs, signal: input.signal });
      try {
        const out: LaunchedVm[] = [];
        for (const node of nodes) {
          const probe = await node.execCommand(['sh', '-c', 'echo ready'], { timeoutMs: 60_000 });
          if (probe.exitCode !== 0 || probe.stdout.trim() !== 'ready') {
            throw new SkyportError(ErrorCode.ProviderUnavailable, `${node.address.label} accepted SSH but cannot run commands (exit ${probe.exitCode}: ${probe.stderr.trim()}).`, {
              provider: candidate.provider,
              kind: 'unreachable',
              scope: 'candidate',
            });
          }
          for (const f of input.files ?? []) await node.uploadArchive(f);
          if (input.bucketMounts?.length) {
            await mountBucketsOnVm(node, input.bucketMounts, { installTools: !node.address.workdir });
            log(`${node.address.label}: mounted ${input.bucketMounts.map((m) => m.mountPath).join(', ')}`);
          }
          const inst = launched.instances.find((i) => i.instanceId === node.instanceId)!;
          out.push({ rank: node.rank, instanceId: node.instanceId, publicIp: inst.publicIp ?? null, privateIp: inst.privateIp ?? null, hostKeyFingerprint: node.hostKeyFingerprint });
        }
        return out;
      } finally {
        for (const n of nodes) n.close();
      }
    } catch (err) {
      log('launch failed after the VMs started; terminating them', { error: err instanceof Error ? err.message : String(err) });
      await this.teardown(clusterName, [candidate.region], { waitMs: 0 }).catch((e: unknown) =>
        log('terminating the failed launch is incomplete; teardown will finish it', { error: e instanceof Error ? e.message : String(e) }),
      );
      throw err;
    }
  }

  private async record(clusterName: string, candidate: CloudCandidate, instances: readonly CloudInstance[], sshUser: string): Promise<void> {
    await this.deps.db.getRepository(CloudInstanceEntity).upsert(
      instances.map((i) => ({
        provider: candidate.provider,
        region: candidate.region,
        instanceId: i.instanceId,
        clusterName,
        nodeRank: i.rank,
        zone: i.zone ?? null,
        instanceType: i.instanceType,
        useSpot: i.spot,
        state: i.state,
        publicIp: i.publicIp ?? null,
        privateIp: i.privateIp ?? null,
        sshUser,
        terminatedAt: null,
      })),
      ['provider', 'region', 'instanceId'],
    );
  }

  /** The live VMs of a cluster, by rank. */
  async instances(clusterName: string): Promise<CloudInstanceEntity[]> {
    return await this.deps.db.getRepository(CloudInstanceEntity).find({ where: { clusterName, terminatedAt: IsNull() }, order: { nodeRank: 'ASC' } });
  }

  /**
   * SSH connections to every live VM of the cluster (the caller closes them). The first connection pins each
   * VM's host key; later ones must present the same key.
   */
  async connect(clusterName: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<VmNode[]> {
    const aws = this.deps.aws;
    if (!aws) throw providerUnavailableError({ candidateId: 'aws', provider: 'aws', region: '', instanceType: '', useSpot: false }, this.enabledProviders);
    const rows = await this.instances(clusterName);
    const nodes: VmNode[] = [];
    try {
      for (const row of rows) {
        const node = await this.connectNode(aws, row, { readyTimeoutMs: 20_000, timeoutMs: opts.timeoutMs, intervalMs: this.deps.sshRetryIntervalMs ?? 2_000, signal: opts.signal }).catch((e: unknown) => {
          throw e instanceof SkyportError ? new SkyportError(e.code, e.userMessage, { ...e.details, provider: row.provider, scope: 'candidate' }, { cause: e }) : e;
        });
        if (!row.hostKeyFingerprint) {
          await this.deps.db.getRepository(CloudInstanceEntity).update({ provider: row.provider, region: row.region, instanceId: row.instanceId }, { hostKeyFingerprint: node.hostKeyFingerprint });
        }
        nodes.push(node);
      }
    } catch (e) {
      for (const n of nodes) n.close();
      throw e;
    }
    return nodes;
  }

  /** One VM of the cluster over SSH, its host key checked against the one pinned at launch (if any yet). */
  private async connectNode(aws: AwsProvider, row: CloudInstanceEntity, opts: { readyTimeoutMs: number; timeoutMs: number; intervalMs: number; signal?: AbortSignal }): Promise<VmNode> {
    const address = vmAddress(row as VmRecord, row.provider, this.deps.sshOverride);
    const conn = await SshConnection.connectWithRetry(
      { host: address.host, port: address.port, username: row.sshUser, privateKey: aws.sshKey.privateKey, hostKeyFingerprint: row.hostKeyFingerprint ?? undefined, label: address.label, readyTimeoutMs: opts.readyTimeoutMs },
      { timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs, signal: opts.signal },
    );
    return new VmNode(row.nodeRank, row.instanceId, row.privateIp ?? row.publicIp ?? '', conn, address);
  }

  /** Stops the cluster's VMs in its region (disks kept) and records them stopped. Idempotent. */
  async stop(clusterName: string, region: string): Promise<{ stopped: string[] }> {
    const aws = this.requireAws();
    await this.unmountBuckets(clusterName);
    const stopped = await aws.stop(clusterName, region);
    const repo = this.deps.db.getRepository(CloudInstanceEntity);
    for (const i of stopped) await repo.update({ provider: 'aws', region, instanceId: i.instanceId }, { state: i.state });
    return { stopped: stopped.map((i) => i.instanceId) };
  }

  /**
   * Starts the cluster's stopped VMs, records their new addresses (EC2 gives a restarted VM a new public IP),
   * then checks every one answers over SSH with the host key pinned at launch. Idempotent.
   */
  async start(clusterName: string, region: string, opts: { signal?: AbortSignal; bucketMounts?: readonly VmBucketMount[] } = {}): Promise<LaunchedVm[]> {
    const aws = this.requireAws();
    const running = await aws.start(clusterName, region);
    const repo = this.deps.db.getRepository(CloudInstanceEntity);
    for (const i of running) {
      await repo.update({ provider: 'aws', region, instanceId: i.instanceId }, { state: i.state, publicIp: i.publicIp ?? null, privateIp: i.privateIp ?? null });
    }
    const nodes = await this.connect(clusterName, { timeoutMs: this.deps.sshTimeoutMs, signal: opts.signal });
    try {
      const out: LaunchedVm[] = [];
      for (const node of nodes) {
        const probe = await node.execCommand(['sh', '-c', 'echo ready'], { timeoutMs: 60_000 });
        if (probe.exitCode !== 0 || probe.stdout.trim() !== 'ready') {
          throw new SkyportError(ErrorCode.ProviderUnavailable, `${node.address.label} was started and accepted SSH but cannot run commands (exit ${probe.exitCode}: ${probe.stderr.trim()}).`, { provider: 'aws' });
        }
        // A stopped VM lost its mounts: mounted again, with keys minted for this start.
        if (opts.bucketMounts?.length) await mountBucketsOnVm(node, opts.bucketMounts, { installTools: !node.address.workdir });
        const inst = running.find((i) => i.instanceId === node.instanceId);
        out.push({ rank: node.rank, instanceId: node.instanceId, publicIp: inst?.publicIp ?? null, privateIp: inst?.privateIp ?? null, hostKeyFingerprint: node.hostKeyFingerprint });
      }
      return out;
    } finally {
      for (const n of nodes) n.close();
    }
  }

  /** New keys for the cluster's mounts on every VM (rclone picks them up when the keys it holds expire). */
  async rekeyBuckets(clusterName: string, mounts: readonly VmBucketMount[]): Promise<number> {
    const nodes = await this.connect(clusterName, { timeoutMs: 30_000 });
    try {
      let n = 0;
      for (const node of nodes) n += await rekeyBucketsOnVm(node, mounts);
      return n;
    } finally {
      for (const node of nodes) node.close();
    }
  }

  /**
   * Best effort, before a VM is stopped or terminated: a clean unmount uploads what MOUNT_CACHED still holds and
   * deletes the mounts' keys. Only VMs Skyport has reached over SSH (a pinned host key) are asked, for a short while:
   * an unreachable VM (preempted, never booted) must not hold its own teardown.
   */
  private async unmountBuckets(clusterName: string): Promise<void> {
    if (!this.deps.aws) return;
    const reached = (await this.instances(clusterName)).filter((r) => r.hostKeyFingerprint);
    await Promise.all(
      reached.map(async (row) => {
        try {
          const node = await this.connectNode(this.deps.aws!, row, { readyTimeoutMs: 10_000, timeoutMs: 10_000, intervalMs: 1_000 });
          try {
            await unmountBucketsOnVm(node);
          } finally {
            node.close();
          }
        } catch {
          // The VM goes anyway; its keys expire on their own (docs/storage.md).
        }
      }),
    );
  }

  private requireAws(): AwsProvider {
    if (!this.deps.aws) {
      throw new SkyportError(ErrorCode.ProviderUnavailable, 'AWS is not enabled on this provisioner (SKYPORT_CLOUD_PROVIDERS); enable it to stop or start AWS clusters.', { provider: 'aws', kind: 'provider-unavailable' });
    }
    return this.deps.aws;
  }

  /**
   * Terminates every VM of the cluster — found by the cloud's tag in each region the cluster used (its rows, plus
   * `regions` for a launch that died before its rows were written) — and marks the rows terminated. Idempotent.
   */
  async teardown(clusterName: string, regions: readonly string[] = [], opts: { waitMs?: number } = {}): Promise<{ terminated: string[] }> {
    const repo = this.deps.db.getRepository(CloudInstanceEntity);
    const rows = await repo.find({ where: { clusterName, provider: 'aws' } });
    const all = new Set([...regions, ...rows.map((r) => r.region)]);
    if (all.size === 0) return { terminated: [] };
    const aws = this.deps.aws;
    if (!aws) {
      throw new SkyportError(ErrorCode.ProviderUnavailable, `Cluster ${clusterName} has AWS instances, but AWS is not enabled on this provisioner; enable it to terminate them.`, {
        provider: 'aws',
        kind: 'provider-unavailable',
      });
    }
    await this.unmountBuckets(clusterName);
    const terminated: string[] = [];
    for (const region of all) {
      // Waiting lets the security group go too (AWS keeps it while instances shut down); a rollback does not wait.
      const res = await aws.terminate(clusterName, region, { waitMs: opts.waitMs ?? 60_000 });
      terminated.push(...res.terminated);
    }
    await repo.update({ clusterName, terminatedAt: IsNull() }, { terminatedAt: new Date(), state: 'terminated' });
    return { terminated };
  }
}
