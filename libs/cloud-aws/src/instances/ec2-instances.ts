import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { awsErrorCode, translateEc2Error } from '../errors/ec2-error.translator';
import { CLUSTER_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE, NODE_RANK_TAG } from '../config/aws-provider.options';

export interface CloudInstance {
  instanceId: string;
  /** 0 = head. */
  rank: number;
  state: string;
  instanceType: string;
  zone?: string;
  publicIp?: string;
  privateIp?: string;
  spot: boolean;
}

/** Instances in these states still cost money or may come back: teardown terminates them. */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

export interface RunSpec {
  clusterName: string;
  region: string;
  zone?: string;
  instanceType: string;
  count: number;
  spot: boolean;
  imageId: string;
  keyPairName: string;
  securityGroupId: string;
  diskSizeGb?: number;
  /** Makes a retried RunInstances return the first call's instances instead of launching twice. */
  clientToken?: string;
}

export function toCloudInstance(i: Instance): CloudInstance {
  const rankTag = i.Tags?.find((t) => t.Key === NODE_RANK_TAG)?.Value;
  return {
    instanceId: i.InstanceId ?? '',
    rank: rankTag !== undefined && /^\d+$/.test(rankTag) ? Number(rankTag) : (i.AmiLaunchIndex ?? 0),
    state: i.State?.Name ?? 'unknown',
    instanceType: i.InstanceType ?? '',
    zone: i.Placement?.AvailabilityZone,
    publicIp: i.PublicIpAddress,
    privateIp: i.PrivateIpAddress,
    spot: i.InstanceLifecycle === 'spot',
  };
}

function byRank(a: CloudInstance, b: CloudInstance): number {
  return a.rank - b.rank || a.instanceId.localeCompare(b.instanceId);
}

/** The cluster's instances in the region, by tag; `states` limits them (default: every live one). */
export async function describeClusterInstances(ec2: EC2Client, region: string, clusterName: string, states: readonly string[] = LIVE_STATES): Promise<CloudInstance[]> {
  const out: CloudInstance[] = [];
  let token: string | undefined;
  try {
    do {
      const res = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${CLUSTER_TAG}`, Values: [clusterName] },
            { Name: 'instance-state-name', Values: [...states] },
          ],
          NextToken: token,
        }),
      );
      for (const r of res.Reservations ?? []) for (const i of r.Instances ?? []) out.push(toCloudInstance(i));
      token = res.NextToken;
    } while (token);
  } catch (e) {
    throw translateEc2Error(e, { action: 'DescribeInstances', region });
  }
  return out.sort(byRank);
}

/**
 * What EC2 says now of these instances of Skyport's (every state, terminated included) in one region: one paginated
 * DescribeInstances per 200 ids, filtered by Skyport's managed-by tag and the ids — never one call per cluster, and
 * an id EC2 no longer knows is simply absent from the answer (an `InstanceIds` list would fail the whole call).
 */
export async function describeManagedInstances(ec2: EC2Client, region: string, instanceIds: readonly string[]): Promise<CloudInstance[]> {
  const out: CloudInstance[] = [];
  try {
    for (let i = 0; i < instanceIds.length; i += 200) {
      let token: string | undefined;
      do {
        const res = await ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: `tag:${MANAGED_BY_TAG}`, Values: [MANAGED_BY_VALUE] },
              { Name: 'instance-id', Values: instanceIds.slice(i, i + 200) },
            ],
            NextToken: token,
          }),
        );
        for (const r of res.Reservations ?? []) for (const inst of r.Instances ?? []) out.push(toCloudInstance(inst));
        token = res.NextToken;
      } while (token);
    }
  } catch (e) {
    throw translateEc2Error(e, { action: 'DescribeInstances', region });
  }
  return out;
}

/**
 * One RunInstances call for every node: MinCount = MaxCount = count, so AWS launches all of them or none
 * (multi-node is all-or-nothing). Each instance then gets its rank tag, in launch order.
 */
export async function runInstances(ec2: EC2Client, spec: RunSpec): Promise<CloudInstance[]> {
  const tags = [
    { Key: CLUSTER_TAG, Value: spec.clusterName },
    { Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE },
    { Key: 'Name', Value: `skyport-${spec.clusterName}` },
  ];
  const input: RunInstancesCommandInput = {
    ImageId: spec.imageId,
    InstanceType: spec.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: spec.count,
    MaxCount: spec.count,
    KeyName: spec.keyPairName,
    SecurityGroupIds: [spec.securityGroupId],
    ClientToken: spec.clientToken,
    Placement: spec.zone ? { AvailabilityZone: spec.zone } : undefined,
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
    BlockDeviceMappings: spec.diskSizeGb ? [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: spec.diskSizeGb, VolumeType: 'gp3', DeleteOnTermination: true } }] : undefined,
    InstanceMarketOptions: spec.spot ? { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } : undefined,
  };
  const op = { action: 'RunInstances', region: spec.region, instanceType: spec.instanceType, spot: spec.spot, count: spec.count };
  let launched: CloudInstance[];
  try {
    const res = await ec2.send(new RunInstancesCommand(input));
    launched = (res.Instances ?? []).map(toCloudInstance);
  } catch (e) {
    throw translateEc2Error(e, op);
  }
  if (launched.length !== spec.count) {
    // AWS honours MinCount, so this only happens with a broken endpoint; never keep half a cluster.
    await terminateInstances(ec2, spec.region, launched.map((i) => i.instanceId));
    throw new SkyportError(ErrorCode.NoFeasibleResources, `AWS launched ${launched.length} of ${spec.count} ${spec.instanceType} instances in ${spec.region}; they were terminated.`, {
      provider: 'aws',
      kind: 'capacity',
      scope: 'candidate',
      region: spec.region,
      instanceType: spec.instanceType,
      action: 'RunInstances',
    });
  }
  launched.sort((a, b) => a.rank - b.rank);
  for (const [rank, inst] of launched.entries()) {
    inst.rank = rank;
    try {
      await ec2.send(new CreateTagsCommand({ Resources: [inst.instanceId], Tags: [{ Key: NODE_RANK_TAG, Value: String(rank) }] }));
    } catch (e) {
      throw translateEc2Error(e, { ...op, action: 'CreateTags' });
    }
  }
  return launched;
}

export interface WaitOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

/**
 * Polls DescribeInstances (bounded: one call per interval, until the deadline) until every instance is running
 * with its addresses. An instance that ends instead (spot reclaimed, capacity gone) fails the whole launch.
 */
export async function waitUntilRunning(ec2: EC2Client, region: string, instanceIds: readonly string[], opts: WaitOptions): Promise<CloudInstance[]> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    let current: CloudInstance[];
    try {
      const res = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...instanceIds] }));
      current = (res.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(toCloudInstance);
    } catch (e) {
      // Right after RunInstances the ids can be unknown to DescribeInstances for a moment (eventual consistency).
      if (awsErrorCode(e) !== 'InvalidInstanceID.NotFound') throw translateEc2Error(e, { action: 'DescribeInstances', region });
      current = [];
    }
    const ended = current.filter((i) => i.state === 'shutting-down' || i.state === 'terminated' || i.state === 'stopped' || i.state === 'stopping');
    if (ended.length > 0) {
      throw new SkyportError(
        ErrorCode.NoFeasibleResources,
        `AWS stopped ${ended.map((i) => i.instanceId).join(', ')} in ${region} before it was running (state ${ended[0]!.state}); the launch is abandoned.`,
        { provider: 'aws', kind: 'capacity', scope: 'candidate', region, action: 'DescribeInstances' },
      );
    }
    if (current.length === instanceIds.length && current.every((i) => i.state === 'running')) return current.sort(byRank);
    if (opts.signal?.aborted) throw new SkyportError(ErrorCode.Internal, `Waiting for instances in ${region} was cancelled.`, { provider: 'aws', region });
    if (Date.now() + opts.pollIntervalMs > deadline) {
      throw new SkyportError(
        ErrorCode.ProvisionTimeout,
        `AWS instances in ${region} were not running within ${Math.round(opts.timeoutMs / 1000)} s; the launch is abandoned.`,
        { provider: 'aws', kind: 'capacity', scope: 'candidate', region, action: 'DescribeInstances' },
      );
    }
    await sleep(opts.pollIntervalMs, opts.signal);
  }
}

/** Terminates the given instances; unknown ids count as already gone. */
export async function terminateInstances(ec2: EC2Client, region: string, instanceIds: readonly string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  try {
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [...instanceIds] }));
  } catch (e) {
    if (awsErrorCode(e) === 'InvalidInstanceID.NotFound') {
      // One unknown id fails the whole call: retry one by one so the others still go.
      if (instanceIds.length > 1) for (const id of instanceIds) await terminateInstances(ec2, region, [id]);
      return;
    }
    throw translateEc2Error(e, { action: 'TerminateInstances', region });
  }
}
