import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The setting that holds the key, named in every error about it. */
export const SECRETS_KEY_VARIABLE = 'SKYPORT_SECRETS_KEY';

const VERSION = 'v1';

/**
 * The 32-byte AES key from its base64 setting. Throws a one-line message naming the variable (services print it
 * at start). `undefined` when unset: a server without a key refuses launches that carry secrets.
 */
export function parseSecretsKey(raw: string | undefined): Buffer | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error(`${SECRETS_KEY_VARIABLE} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`); the value given decodes to ${key.length} bytes`);
  return key;
}

/**
 * AES-256-GCM of the JSON values, bound to the request id (additional data), so a sealed value copied onto another
 * request's row does not open. Text form: `v1.<iv>.<tag>.<ciphertext>` (base64).
 */
export function sealSecrets(key: Buffer, requestId: string, values: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(requestId));
  const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

/** Opens what `sealSecrets` made; throws (without the content) when the key or the request id does not match. */
export function openSecrets(key: Buffer, requestId: string, sealed: string): Record<string, string> {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('the stored secrets are not in a known sealed form');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(requestId));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Record<string, string>;
  } catch {
    throw new Error(`the stored secrets do not open with this ${SECRETS_KEY_VARIABLE} (was the key changed?)`);
  }
}

/**
 * What is wrong with the key setting at start, if anything: an invalid value always; a missing one only in
 * production (NODE_ENV=production), where launches with secrets must not fail later for want of it.
 */
export function secretsKeyProblem(raw: string | undefined, nodeEnv: string | undefined): string | undefined {
  try {
    if (parseSecretsKey(raw) === undefined && nodeEnv === 'production') {
      return `${SECRETS_KEY_VARIABLE} is not set: task secrets are encrypted with it; set it to 32 random bytes in base64 (\`openssl rand -base64 32\`; in the Helm chart, secrets.keySecret)`;
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
