import { readFileSync } from 'node:fs';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { V1Secret } from '@skyport/kube';
import { LABEL_MANAGED_BY, MANAGED_BY } from './cluster-labels';

/**
 * What the admin sets for every Kubernetes launch's container image: the image a task without `image_id` runs
 * in, and the registry credentials pods pull with. Both come from the provisioner's environment, never from a
 * task: the credentials are the platform's, a task only ever names the Secret.
 */
export interface NodeImageDefaults {
  /** `SKYPORT_DEFAULT_IMAGE`; the builder's DEFAULT_IMAGE when unset. */
  image?: string;
  /**
   * `SKYPORT_REGISTRY_AUTH_FILE` (a Docker `config.json`: `{"auths": {...}}`) as the image pull Secret
   * `SKYPORT_REGISTRY_SECRET_NAME` (default `skyport-registry`), created in each launch's namespace and named in
   * every pod's imagePullSecrets next to `kubernetes.image_pull_secrets`.
   */
  pullSecret?: { name: string; dockerConfigJson: string };
}

export const DEFAULT_REGISTRY_SECRET_NAME = 'skyport-registry';

const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Reads the admin's settings at boot; a bad credentials file stops the provisioner with a clear message. */
export function nodeImageDefaultsFrom(env: { SKYPORT_DEFAULT_IMAGE?: string; SKYPORT_REGISTRY_AUTH_FILE?: string; SKYPORT_REGISTRY_SECRET_NAME?: string }): NodeImageDefaults {
  const out: NodeImageDefaults = {};
  const image = env.SKYPORT_DEFAULT_IMAGE?.trim();
  if (image) {
    if (/\s/.test(image)) throw new SkyportError(ErrorCode.Internal, `SKYPORT_DEFAULT_IMAGE "${image}" is not an image reference.`);
    out.image = image;
  }
  const file = env.SKYPORT_REGISTRY_AUTH_FILE?.trim();
  if (file) {
    const name = env.SKYPORT_REGISTRY_SECRET_NAME?.trim() || DEFAULT_REGISTRY_SECRET_NAME;
    if (!SECRET_NAME.test(name)) throw new SkyportError(ErrorCode.Internal, `SKYPORT_REGISTRY_SECRET_NAME "${name}" is not a valid Secret name.`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new SkyportError(ErrorCode.Internal, `SKYPORT_REGISTRY_AUTH_FILE ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SkyportError(ErrorCode.Internal, `SKYPORT_REGISTRY_AUTH_FILE ${file} is not JSON (expected a Docker config.json: {"auths": {"<registry>": {"auth": "<base64 user:password>"}}}).`);
    }
    const auths = (parsed as { auths?: unknown }).auths;
    if (!auths || typeof auths !== 'object' || Object.keys(auths).length === 0) {
      throw new SkyportError(ErrorCode.Internal, `SKYPORT_REGISTRY_AUTH_FILE ${file} has no "auths" entry (expected a Docker config.json).`);
    }
    out.pullSecret = { name, dockerConfigJson: JSON.stringify({ auths }) };
  }
  return out;
}

/** A Docker config.json for one registry with basic-auth credentials. */
export function dockerConfigJson(registry: string, user: string, password: string): string {
  return JSON.stringify({ auths: { [registry]: { username: user, password, auth: Buffer.from(`${user}:${password}`).toString('base64') } } });
}

/** The pull Secret as it is created in a launch's namespace. */
export function buildPullSecret(namespace: string, secret: NonNullable<NodeImageDefaults['pullSecret']>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: secret.name, namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
    data: { '.dockerconfigjson': Buffer.from(secret.dockerConfigJson).toString('base64') },
  };
}

/** The pod's imagePullSecrets: the admin's `kubernetes.image_pull_secrets`, then the registry's Secret. */
export function pullSecretNames(configured: readonly string[], defaults: NodeImageDefaults | undefined): string[] {
  return [...new Set([...configured, ...(defaults?.pullSecret ? [defaults.pullSecret.name] : [])])];
}
