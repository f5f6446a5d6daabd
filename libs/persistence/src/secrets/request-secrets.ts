import type { EntityManager } from 'typeorm';
import { RequestSecretEntity } from '../entities/request-secret.entity';
import { openSecrets, parseSecretsKey, sealSecrets } from './secret-box';

let envKey: { raw: string | undefined; key: Buffer | undefined } | undefined;

/**
 * The key from SKYPORT_SECRETS_KEY of this process (the provisioner's config validates it at start, so a bad
 * value never gets this far). Read once.
 */
export function secretsKeyFromEnv(): Buffer | undefined {
  if (!envKey || envKey.raw !== process.env.SKYPORT_SECRETS_KEY) envKey = { raw: process.env.SKYPORT_SECRETS_KEY, key: parseSecretsKey(process.env.SKYPORT_SECRETS_KEY) };
  return envKey.key;
}

/** Stores a request's secret values sealed; nothing is written when there are none. */
export async function storeRequestSecrets(manager: EntityManager, key: Buffer, requestId: string, values: Record<string, string>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await manager.insert(RequestSecretEntity, { requestId, sealed: sealSecrets(key, requestId, values) });
}

/** The request's secret values, opened (only the provisioner does this, to build the pod's Secret and job env). */
export async function readRequestSecrets(manager: EntityManager, requestId: string, key: Buffer | undefined = secretsKeyFromEnv()): Promise<Record<string, string>> {
  const row = await manager.findOne(RequestSecretEntity, { where: { requestId } });
  if (!row) return {};
  if (!key) throw new Error('this request has secrets but SKYPORT_SECRETS_KEY is not set for this service');
  return openSecrets(key, requestId, row.sealed);
}

/** Forgets the secrets of every request of a cluster (it is down, or its launch failed). */
export async function deleteClusterSecrets(manager: EntityManager, clusterName: string): Promise<void> {
  await manager.query(`DELETE FROM request_secrets WHERE request_id IN (SELECT id FROM requests WHERE cluster_name = $1)`, [clusterName]);
}

export async function deleteRequestSecrets(manager: EntityManager, requestId: string): Promise<void> {
  await manager.delete(RequestSecretEntity, { requestId });
}
