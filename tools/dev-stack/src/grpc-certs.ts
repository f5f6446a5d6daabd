import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, stackDir } from './paths';
import { aptInstall, run, which } from './run';

/** The identities of Skyport's gRPC peers (a certificate each; autodown makes no gRPC call). */
export const GRPC_IDENTITIES = ['api', 'optimizer', 'provisioner', 'logs'] as const;

/** Where the local stack keeps its gRPC CA and service certificates. */
export function grpcTlsDir(): string {
  return join(stackDir(), 'grpc-tls');
}

/**
 * Makes a CA and one certificate per identity in `dir` (deploy/scripts/grpc-certs.sh, the script compose users
 * run too); files already there are kept.
 */
export function generateGrpcCerts(dir: string, identities: readonly string[] = GRPC_IDENTITIES): void {
  if (!which('openssl')) aptInstall(['openssl'], 'openssl makes the certificates of the services\' gRPC mTLS');
  const r = run('bash', [join(repoRoot(), 'deploy', 'scripts', 'grpc-certs.sh'), dir, ...identities]);
  if (r.status !== 0) throw new Error(`making the gRPC certificates in ${dir} failed: ${r.stderr.trim()}`);
}

/**
 * The local stack's certificates, made once: into a private temporary directory renamed into place, so test
 * processes starting side by side never see (or make) half a set.
 */
export function ensureGrpcCerts(dir = grpcTlsDir()): string {
  if (GRPC_IDENTITIES.every((id) => existsSync(join(dir, `${id}.key`)))) return dir;
  if (existsSync(join(dir, 'ca.key'))) {
    generateGrpcCerts(dir); // an older set: add the missing identities with the same CA
    return dir;
  }
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(join(dirname(dir), '.grpc-tls-'));
  try {
    generateGrpcCerts(tmp);
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another process won the race (or left an empty directory): use its set.
      if (!existsSync(join(dir, 'ca.crt'))) throw error;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** The variables that give a service (or a test client) the identity `identity` from the local stack's set. */
export function grpcTlsEnv(identity: string, dir = ensureGrpcCerts()): Record<'SKYPORT_GRPC_TLS_CA' | 'SKYPORT_GRPC_TLS_CERT' | 'SKYPORT_GRPC_TLS_KEY', string> {
  return {
    SKYPORT_GRPC_TLS_CA: join(dir, 'ca.crt'),
    SKYPORT_GRPC_TLS_CERT: join(dir, `${identity}.crt`),
    SKYPORT_GRPC_TLS_KEY: join(dir, `${identity}.key`),
  };
}

/**
 * `env` plus the service's certificate from the local stack, unless the caller chose its own gRPC security
 * (files or SKYPORT_GRPC_INSECURE) in `env` or the process environment.
 */
export function withGrpcTls(name: string, env: Record<string, string | undefined>): Record<string, string | undefined> {
  const chosen = (k: string) => env[k] !== undefined || process.env[k] !== undefined;
  if (chosen('SKYPORT_GRPC_TLS_CA') || chosen('SKYPORT_GRPC_INSECURE') || !(GRPC_IDENTITIES as readonly string[]).includes(name)) return env;
  return { ...env, ...grpcTlsEnv(name) };
}
