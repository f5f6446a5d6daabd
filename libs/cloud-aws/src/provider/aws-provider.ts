import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { Ec2ClientFactory } from '../client/ec2-client.factory';
import { AWS_DEFAULTS, type AwsProviderOptions } from '../config/aws-provider.options';
import { translateEc2Error } from '../errors/ec2-error.translator';
import { resolveImageId } from '../image/image-resolver';
import {
  describeClusterInstances,
  describeManagedInstances,
  runInstances,
  terminateInstances,
  waitUntilRunning,
  type CloudInstance,
} from '../instances/ec2-instances';
import { startInstances, stopInstances, waitForClusterState } from '../instances/ec2-power';
import { ensureKeyPair } from '../key-pair/key-pair';
import type { SshKey } from '../key-pair/ssh-key';
import { deleteSecurityGroup, ensureSecurityGroup, type PortRange } from '../security-group/security-group';

export interface CloudLaunchSpec {
  clusterName: string;
  region: string;
  zone?: string;
  instanceType: string;
  numNodes: number;
  useSpot: boolean;
  /** The task's ports, opened in the security group (22 is always open). */
  ports?: readonly PortRange[];
  diskSizeGb?: number;
  /** Distinguishes launches of the same cluster (one per attempt) for RunInstances' idempotency token. */
  attemptId?: string;
}

export interface LaunchedCloudCluster {
  provider: 'aws';
  clusterName: string;
  region: string;
  instanceType: string;
  useSpot: boolean;
  keyPairName: string;
  securityGroupId: string;
  sshUser: string;
  /** Sorted by rank; rank 0 is the head. */
  instances: CloudInstance[];
}

export interface TerminateResult {
  terminated: string[];
  securityGroup: 'deleted' | 'absent' | 'in-use';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * EC2 as a burst target: launches a cluster's VMs (all or nothing), waits for them, and removes everything it
 * made, found by the `skyport-cluster` tag so a restart or a lost record never leaks an instance.
 */
export class AwsProvider {
  private readonly clients: Ec2ClientFactory;

  constructor(
    private readonly options: AwsProviderOptions,
    private readonly key: SshKey,
  ) {
    this.clients = new Ec2ClientFactory(options);
  }

  get sshUser(): string {
    return this.options.sshUser ?? AWS_DEFAULTS.sshUser;
  }

  get sshKey(): SshKey {
    return this.key;
  }

  /** One cheap authenticated call: proves the credentials and the endpoint work for the region. */
  async check(region: string): Promise<void> {
    try {
      await this.clients.forRegion(region).send(new DescribeAvailabilityZonesCommand({}));
    } catch (e) {
      throw translateEc2Error(e, { action: 'DescribeAvailabilityZones', region });
    }
  }

  async launch(spec: CloudLaunchSpec, signal?: AbortSignal): Promise<LaunchedCloudCluster> {
    if (!Number.isInteger(spec.numNodes) || spec.numNodes < 1) {
      throw new SkyportError(ErrorCode.InvalidTask, `num_nodes must be a positive integer (got ${spec.numNodes}).`);
    }
    const ec2 = this.clients.forRegion(spec.region);
    const waitOpts = {
      timeoutMs: this.options.runningTimeoutMs ?? AWS_DEFAULTS.runningTimeoutMs,
      pollIntervalMs: this.options.pollIntervalMs ?? AWS_DEFAULTS.pollIntervalMs,
      signal,
    };
    const result = (instances: CloudInstance[], securityGroupId: string): LaunchedCloudCluster => ({
      provider: 'aws',
      clusterName: spec.clusterName,
      region: spec.region,
      instanceType: spec.instanceType,
      useSpot: spec.useSpot,
      keyPairName: this.key.keyPairName,
      securityGroupId,
      sshUser: this.sshUser,
      instances,
    });

    // A redelivered provision job finds the instances of the first delivery: use them instead of launching twice.
    const existing = await describeClusterInstances(ec2, spec.region, spec.clusterName);
    if (existing.length === spec.numNodes && existing.every((i) => i.instanceType === spec.instanceType && i.state !== 'stopping' && i.state !== 'stopped')) {
      const sg = await ensureSecurityGroup(ec2, spec.region, spec.clusterName, spec.ports ?? []);
      try {
        return result(await waitUntilRunning(ec2, spec.region, existing.map((i) => i.instanceId), waitOpts), sg);
      } catch (e) {
        await this.cleanupAfterFailure(spec);
        throw e;
      }
    }
    if (existing.length > 0) await this.terminate(spec.clusterName, spec.region, { waitMs: 0 });

    await ensureKeyPair(ec2, spec.region, this.key);
    const securityGroupId = await ensureSecurityGroup(ec2, spec.region, spec.clusterName, spec.ports ?? []);
    const imageId = await resolveImageId(ec2, spec.region, spec.instanceType, this.options.imageIds);
    try {
      const launched = await runInstances(ec2, {
        clusterName: spec.clusterName,
        region: spec.region,
        zone: spec.zone,
        instanceType: spec.instanceType,
        count: spec.numNodes,
        spot: spec.useSpot,
        imageId,
        keyPairName: this.key.keyPairName,
        securityGroupId,
        diskSizeGb: spec.diskSizeGb,
        clientToken: spec.attemptId ? `skyport-${spec.clusterName}-${spec.attemptId}`.slice(0, 64) : undefined,
      });
      const running = await waitUntilRunning(ec2, spec.region, launched.map((i) => i.instanceId), waitOpts);
      return result(running, securityGroupId);
    } catch (e) {
      await this.cleanupAfterFailure(spec);
      throw e;
    }
  }

  /** A failed launch leaves nothing behind; a cleanup failure is reported with the launch's own error kept. */
  private async cleanupAfterFailure(spec: CloudLaunchSpec): Promise<void> {
    try {
      await this.terminate(spec.clusterName, spec.region, { waitMs: 0 });
    } catch {
      // The launch error is the one the user needs; teardown by tag (down, the reaper) removes the rest later.
    }
  }

  /**
   * Terminates every live instance tagged with the cluster in the region and deletes its security group once no
   * instance uses it. Idempotent: a cluster with nothing left returns an empty list. `waitMs` bounds how long to
   * wait for the instances to be gone before deleting the group (0: try once, leave an in-use group for later).
   */
  async terminate(clusterName: string, region: string, opts: { waitMs?: number } = {}): Promise<TerminateResult> {
    const ec2 = this.clients.forRegion(region);
    const live = await describeClusterInstances(ec2, region, clusterName);
    await terminateInstances(ec2, region, live.map((i) => i.instanceId));
    const deadline = Date.now() + (opts.waitMs ?? 60_000);
    const interval = this.options.pollIntervalMs ?? AWS_DEFAULTS.pollIntervalMs;
    let sg = await deleteSecurityGroup(ec2, region, clusterName);
    while (sg === 'in-use' && Date.now() + interval < deadline) {
      await sleep(interval);
      sg = await deleteSecurityGroup(ec2, region, clusterName);
    }
    return { terminated: live.map((i) => i.instanceId), securityGroup: sg };
  }

  /**
   * Stops every instance of the cluster (found by tag) and waits until all are stopped; their disks stay.
   * Idempotent: stopped instances are left as they are. Returns the stopped instances.
   */
  async stop(clusterName: string, region: string): Promise<CloudInstance[]> {
    const ec2 = this.clients.forRegion(region);
    const live = await describeClusterInstances(ec2, region, clusterName);
    if (live.length === 0) throw new SkyportError(ErrorCode.NotFound, `Cluster ${clusterName} has no instance in AWS ${region} to stop.`, { provider: 'aws', region });
    await stopInstances(ec2, region, live.filter((i) => i.state === 'pending' || i.state === 'running').map((i) => i.instanceId));
    return await waitForClusterState(ec2, region, clusterName, 'stopped', this.waitOptions());
  }

  /**
   * Starts the cluster's stopped instances and waits until every one runs; the result carries their new
   * addresses (EC2 gives a stopped-and-started VM a new public IP). Idempotent: running instances are kept.
   */
  async start(clusterName: string, region: string): Promise<CloudInstance[]> {
    const ec2 = this.clients.forRegion(region);
    const live = await describeClusterInstances(ec2, region, clusterName);
    if (live.length === 0) throw new SkyportError(ErrorCode.NotFound, `Cluster ${clusterName} has no instance in AWS ${region} to start; it was terminated: launch it again.`, { provider: 'aws', region });
    // A VM still stopping cannot be started yet: wait for it to settle first.
    if (live.some((i) => i.state === 'stopping')) await waitForClusterState(ec2, region, clusterName, 'stopped', this.waitOptions());
    await startInstances(ec2, region, live.filter((i) => i.state === 'stopped' || i.state === 'stopping').map((i) => i.instanceId));
    return await waitForClusterState(ec2, region, clusterName, 'running', this.waitOptions());
  }

  private waitOptions(): { timeoutMs: number; pollIntervalMs: number } {
    return { timeoutMs: this.options.runningTimeoutMs ?? AWS_DEFAULTS.runningTimeoutMs, pollIntervalMs: this.options.pollIntervalMs ?? AWS_DEFAULTS.pollIntervalMs };
  }

  async describe(clusterName: string, region: string): Promise<CloudInstance[]> {
    return await describeClusterInstances(this.clients.forRegion(region), region, clusterName);
  }

  /** EC2's view of these instances in the region (every state; ids EC2 no longer knows are absent). */
  async describeInstances(region: string, instanceIds: readonly string[]): Promise<CloudInstance[]> {
    if (instanceIds.length === 0) return [];
    return await describeManagedInstances(this.clients.forRegion(region), region, instanceIds);
  }

  close(): void {
    this.clients.destroy();
  }
}
