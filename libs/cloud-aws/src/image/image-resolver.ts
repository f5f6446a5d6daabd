import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { translateEc2Error } from '../errors/ec2-error.translator';

const CANONICAL_OWNER = '099720109477';

/** Graviton families run arm64 images. */
export function architectureOf(instanceType: string): 'arm64' | 'x86_64' {
  const family = instanceType.split('.')[0] ?? '';
  return /^(a1|[a-z]+\d+g[a-z]*)$/.test(family) ? 'arm64' : 'x86_64';
}

/**
 * The AMI for an instance type in a region: the configured one, or the newest Canonical Ubuntu server image of the
 * right architecture (what SkyPilot defaults to as well).
 */
export async function resolveImageId(ec2: EC2Client, region: string, instanceType: string, configured?: Readonly<Record<string, string>>): Promise<string> {
  const pinned = configured?.[region] ?? configured?.['*'];
  if (pinned) return pinned;
  const arch = architectureOf(instanceType);
  let images;
  try {
    const res = await ec2.send(
      new DescribeImagesCommand({
        Owners: [CANONICAL_OWNER],
        Filters: [
          { Name: 'name', Values: ['ubuntu/images/hvm-ssd*/ubuntu-*-server-*'] },
          { Name: 'architecture', Values: [arch] },
          { Name: 'state', Values: ['available'] },
        ],
      }),
    );
    images = res.Images ?? [];
  } catch (e) {
    throw translateEc2Error(e, { action: 'DescribeImages', region, instanceType });
  }
  const newest = images
    .filter((i) => i.ImageId)
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? '') || (b.Name ?? '').localeCompare(a.Name ?? ''))[0];
  if (!newest?.ImageId) {
    throw new SkyportError(
      ErrorCode.NoFeasibleResources,
      `AWS: no Ubuntu ${arch} image found in ${region}; set aws.image_id for this region in the Skyport config.`,
      { provider: 'aws', kind: 'unsupported', scope: 'region', region, instanceType, action: 'DescribeImages' },
    );
  }
  return newest.ImageId;
}
