import { StartInstancesCommand, StopInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { translateEc2Error } from '../errors/ec2-error.translator';
import { describeClusterInstances, type CloudInstance, type WaitOptions } from './ec2-instances';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** StopInstances: the VMs keep their EBS disks; compute is no longer billed. Nothing to do for an empty list. */
export async function stopInstances(ec2: EC2Client, region: string, instanceIds: readonly string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  try {
    await ec2.send(new StopInstancesCommand({ InstanceIds: [...instanceIds] }));
  } catch (e) {
    throw translateEc2Error(e, { action: 'StopInstances', region });
  }
}

/** StartInstances on stopped VMs; they come back with new public addresses. */
export async function startInstances(ec2: EC2Client, region: string, instanceIds: readonly string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  try {
    await ec2.send(new StartInstancesCommand({ InstanceIds: [...instanceIds] }));
  } catch (e) {
    throw translateEc2Error(e, { action: 'StartInstances', region });
  }
}

/**
 * Polls the cluster's instances (by tag) until every one is in `state` (bounded by the deadline). A VM that
 * terminates meanwhile fails the wait: the cluster lost a node and cannot come back as it was.
 */
export async function waitForClusterState(ec2: EC2Client, region: string, clusterName: string, state: 'stopped' | 'running', opts: WaitOptions): Promise<CloudInstance[]> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const current = await describeClusterInstances(ec2, region, clusterName, ['pending', 'running', 'stopping', 'stopped', 'shutting-down']);
    const lost = current.filter((i) => i.state === 'shutting-down');
    if (lost.length > 0) {
      throw new SkyportError(ErrorCode.ProviderUnavailable, `AWS is terminating ${lost.map((i) => i.instanceId).join(', ')} of cluster ${clusterName} in ${region}; it cannot be ${state === 'running' ? 'started' : 'stopped'}.`, {
        provider: 'aws',
        region,
      });
    }
    if (current.every((i) => i.state === state)) return current;
    if (Date.now() + opts.pollIntervalMs > deadline) {
      const waiting = current.filter((i) => i.state !== state).map((i) => `${i.instanceId} (${i.state})`);
      throw new SkyportError(ErrorCode.ProvisionTimeout, `AWS instances of cluster ${clusterName} in ${region} were not ${state} within ${Math.round(opts.timeoutMs / 1000)} s: ${waiting.join(', ')}.`, {
        provider: 'aws',
        region,
      });
    }
    await sleep(opts.pollIntervalMs);
  }
}
