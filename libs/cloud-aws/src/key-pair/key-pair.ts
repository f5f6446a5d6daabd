import { DescribeKeyPairsCommand, ImportKeyPairCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { awsErrorCode, translateEc2Error } from '../errors/ec2-error.translator';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../config/aws-provider.options';
import type { SshKey } from './ssh-key';

/** Makes sure the region has the key pair; importing an existing one again is a no-op. */
export async function ensureKeyPair(ec2: EC2Client, region: string, key: SshKey): Promise<void> {
  try {
    await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [key.keyPairName] }));
    return;
  } catch (e) {
    if (awsErrorCode(e) !== 'InvalidKeyPair.NotFound') throw translateEc2Error(e, { action: 'DescribeKeyPairs', region });
  }
  try {
    await ec2.send(
      new ImportKeyPairCommand({
        KeyName: key.keyPairName,
        PublicKeyMaterial: new TextEncoder().encode(key.publicKey),
        TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE }] }],
      }),
    );
  } catch (e) {
    // Another launch imported it between our describe and import.
    if (awsErrorCode(e) === 'InvalidKeyPair.Duplicate') return;
    throw translateEc2Error(e, { action: 'ImportKeyPair', region });
  }
}
