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

/**
 * True when the public key is a whole `ssh-ed25519` key: its blob is the type string and a 32-byte key. ssh2's
 * generator drops a leading zero byte of the key (about one key in 256, measured 3 in 300), and EC2's ImportKeyPair
 * and OpenSSH refuse the 31-byte result ("Key is not in valid OpenSSH public key format").
 */
export function isWholeEd25519Key(publicKey: string): boolean {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64');
  const type = 'ssh-ed25519';
  return blob.length === 4 + type.length + 4 + 32 && blob.readUInt32BE(0) === type.length && blob.toString('latin1', 4, 4 + type.length) === type && blob.readUInt32BE(4 + type.length) === 32;
}

export function generateSshKey(comment = 'skyport'): SshKey {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    const publicKey = pair.public.trim();
    if (isWholeEd25519Key(publicKey)) return { privateKey: pair.private, publicKey, keyPairName: keyPairNameOf(publicKey) };
  }
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
      // A truncated key (generateSshKey) was never accepted by EC2, so no VM can hold it: it is replaced.
      if (isWholeEd25519Key(publicKey)) return { privateKey: readFileSync(privPath, 'utf8'), publicKey, keyPairName: keyPairNameOf(publicKey) };
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
