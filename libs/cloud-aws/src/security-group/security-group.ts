import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { awsErrorCode, translateEc2Error } from '../errors/ec2-error.translator';
import { CLUSTER_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../config/aws-provider.options';

/** A port or an inclusive range, as the task's `resources.ports` gives them. */
export interface PortRange {
  from: number;
  to: number;
}

export function securityGroupName(clusterName: string): string {
  return `skyport-${clusterName}`;
}

/** SSH always; the task's ports from anywhere (SkyPilot opens them the same way); all traffic between the nodes. */
function permissions(groupId: string, ports: readonly PortRange[]): IpPermission[] {
  const open = [{ from: 22, to: 22 }, ...ports].map<IpPermission>((p) => ({
    IpProtocol: 'tcp',
    FromPort: p.from,
    ToPort: p.to,
    IpRanges: [{ CidrIp: '0.0.0.0/0', Description: p.from === 22 && p.to === 22 ? 'skyport ssh' : 'skyport task port' }],
  }));
  return [...open, { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId, Description: 'skyport nodes of one cluster' }] }];
}

async function findGroup(ec2: EC2Client, region: string, clusterName: string): Promise<string | undefined> {
  try {
    const res = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [securityGroupName(clusterName)] }] }));
    return res.SecurityGroups?.[0]?.GroupId;
  } catch (e) {
    throw translateEc2Error(e, { action: 'DescribeSecurityGroups', region });
  }
}

/** The cluster's security group, created (with its rules) when missing; returns its id. Idempotent. */
export async function ensureSecurityGroup(ec2: EC2Client, region: string, clusterName: string, ports: readonly PortRange[]): Promise<string> {
  let groupId = await findGroup(ec2, region, clusterName);
  if (!groupId) {
    try {
      const created = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: securityGroupName(clusterName),
          Description: `Skyport cluster ${clusterName}`,
          TagSpecifications: [
            {
              ResourceType: 'security-group',
              Tags: [
                { Key: CLUSTER_TAG, Value: clusterName },
                { Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE },
              ],
            },
          ],
        }),
      );
      groupId = created.GroupId;
    } catch (e) {
      if (awsErrorCode(e) !== 'InvalidGroup.Duplicate') throw translateEc2Error(e, { action: 'CreateSecurityGroup', region });
      groupId = await findGroup(ec2, region, clusterName);
    }
  }
  if (!groupId) throw translateEc2Error(new Error('the security group vanished right after it was created'), { action: 'CreateSecurityGroup', region });
  for (const perm of permissions(groupId, ports)) {
    try {
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [perm] }));
    } catch (e) {
      if (awsErrorCode(e) !== 'InvalidPermission.Duplicate') throw translateEc2Error(e, { action: 'AuthorizeSecurityGroupIngress', region });
    }
  }
  return groupId;
}

/**
 * Deletes the cluster's security group. AWS refuses while terminating instances still use it
 * (DependencyViolation), so the caller retries after the instances are gone; a missing group is success.
 */
export async function deleteSecurityGroup(ec2: EC2Client, region: string, clusterName: string): Promise<'deleted' | 'absent' | 'in-use'> {
  const groupId = await findGroup(ec2, region, clusterName);
  if (!groupId) return 'absent';
  try {
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    return 'deleted';
  } catch (e) {
    const code = awsErrorCode(e);
    if (code === 'InvalidGroup.NotFound') return 'absent';
    if (code === 'DependencyViolation') return 'in-use';
    throw translateEc2Error(e, { action: 'DeleteSecurityGroup', region });
  }
}
