import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { ErrorCode, SkyportError } from '@skyport/contracts';

/** The SSH key Skyport logs in to its VMs with: generated here once, its public half imported into EC2. */
export interface SshKey {
  /** OpenSSH private key text. */
  privateKey: string;
  /** `ssh-ed25519 AAAA... comment`. */
  publicKey: string;
  /** EC2 key pair name derived from the public key, so two installations never overwrite each other's. */
  keyPairName: string;
}

export function keyPairNameOf(publicKey: string): string {
  const body = publicKey.trim().split(/\s+/).slice(0, 2).join(' ');
  return `skyport-${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
}

export function generateSshKey(comment = 'skyport'): SshKey {
  const pair = utils.generateKeyPairSync('ed25519', { comment });
  const publicKey = pair.public.trim();
  return { privateKey: pair.private, publicKey, keyPairName: keyPairNameOf(publicKey) };
}

/**
 * The key under `dir` (`id_ed25519`, `id_ed25519.pub`), created with mode 0600 on first use. Keeping it in one
 * place means a provisioner restart can still reach the VMs it launched.
 */
export function loadOrCreateSshKey(dir: string): SshKey {
  const privPath = join(dir, 'id_ed25519');
  const pubPath = `${privPath}.pub`;
  try {
    if (existsSync(privPath) && existsSync(pubPath)) {
      const publicKey = readFileSync(pubPath, 'utf8').trim();
      return { privateKey: readFileSync(privPath, 'utf8'), publicKey, keyPairName: keyPairNameOf(publicKey) };
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = generateSshKey();
    writeFileSync(privPath, key.privateKey, { mode: 0o600 });
    chmodSync(privPath, 0o600);
    writeFileSync(pubPath, `${key.publicKey}\n`, { mode: 0o644 });
    return key;
  } catch (e) {
    throw new SkyportError(ErrorCode.Internal, `Cannot read or create Skyport's SSH key in ${dir}: ${(e as Error).message}.`, { dir }, { cause: e });
  }
}
