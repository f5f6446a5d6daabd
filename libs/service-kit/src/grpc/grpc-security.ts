import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { ChannelCredentials, ServerCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { z } from 'zod';
import { ConfigError } from '../config/load-config';

/**
 * gRPC between Skyport services is mutual TLS: one CA, and per service a certificate for both server and client
 * auth whose DNS name `<service>.skyport.internal` is its identity. A server verifies the client's certificate
 * (and may restrict a method to some identities); a client verifies that the server is the service it meant to
 * reach, whatever address it dialled (pod IP, Service name, 127.0.0.1).
 */
export const GRPC_IDENTITY_DOMAIN = 'skyport.internal';

/** Service config fields for gRPC security; spread into the schema of every service that serves or calls gRPC. */
export const grpcSecurityShape = {
  /** PEM files: the CA that signs every service certificate, this service's certificate, and its private key. */
  SKYPORT_GRPC_TLS_CA: z.string().optional(),
  SKYPORT_GRPC_TLS_CERT: z.string().optional(),
  SKYPORT_GRPC_TLS_KEY: z.string().optional(),
  /** `1`: plaintext gRPC, for a local development run only (refused when NODE_ENV=production). */
  SKYPORT_GRPC_INSECURE: z.enum(['0', '1', '']).optional(),
  NODE_ENV: z.string().optional(),
};

export interface GrpcSecuritySettings {
  SKYPORT_GRPC_TLS_CA?: string;
  SKYPORT_GRPC_TLS_CERT?: string;
  SKYPORT_GRPC_TLS_KEY?: string;
  SKYPORT_GRPC_INSECURE?: string;
  NODE_ENV?: string;
}

export type GrpcSecurity =
  | { insecure: true }
  | { insecure: false; ca: Buffer; cert: Buffer; key: Buffer; /** This service's identity, from its certificate. */ identity: string };

const FILE_VARS = ['SKYPORT_GRPC_TLS_CA', 'SKYPORT_GRPC_TLS_CERT', 'SKYPORT_GRPC_TLS_KEY'] as const;

/**
 * Reads and checks the gRPC security settings: the three files must all be given and readable, the certificate
 * signed by the CA and carrying a Skyport identity. Throws a ConfigError naming the variable (exit 2 at boot).
 */
export function grpcSecurity(settings: GrpcSecuritySettings, serviceName: string): GrpcSecurity {
  const fail = (line: string): never => {
    throw new ConfigError([`${serviceName}: configuration error: ${line}`]);
  };
  const production = settings.NODE_ENV === 'production';
  if (settings.SKYPORT_GRPC_INSECURE === '1') {
    if (production) fail('SKYPORT_GRPC_INSECURE=1 is refused when NODE_ENV=production: give SKYPORT_GRPC_TLS_CA, SKYPORT_GRPC_TLS_CERT and SKYPORT_GRPC_TLS_KEY');
    return { insecure: true };
  }
  const missing = FILE_VARS.filter((v) => !settings[v]);
  if (missing.length > 0) {
    fail(
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required: gRPC between services uses mutual TLS (PEM files of the CA, this service's certificate and its key)` +
        (production ? '' : '; `npm run stack -- up` makes them under .skyport/stack/grpc-tls, or set SKYPORT_GRPC_INSECURE=1 for a local development run'),
    );
  }
  const read = (variable: (typeof FILE_VARS)[number]): Buffer => {
    try {
      return readFileSync(settings[variable]!);
    } catch (error) {
      return fail(`${variable} is invalid (cannot read ${settings[variable]}: ${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  };
  const ca = read('SKYPORT_GRPC_TLS_CA');
  const cert = read('SKYPORT_GRPC_TLS_CERT');
  const key = read('SKYPORT_GRPC_TLS_KEY');
  let own: X509Certificate;
  let authority: X509Certificate;
  try {
    authority = new X509Certificate(ca);
  } catch {
    return fail(`SKYPORT_GRPC_TLS_CA is invalid (${settings.SKYPORT_GRPC_TLS_CA} is not a PEM certificate)`);
  }
  try {
    own = new X509Certificate(cert);
  } catch {
    return fail(`SKYPORT_GRPC_TLS_CERT is invalid (${settings.SKYPORT_GRPC_TLS_CERT} is not a PEM certificate)`);
  }
  if (!own.verify(authority.publicKey)) fail(`SKYPORT_GRPC_TLS_CERT is invalid (it is not signed by the CA in SKYPORT_GRPC_TLS_CA)`);
  const identity = identityOf(own.subjectAltName);
  if (!identity) fail(`SKYPORT_GRPC_TLS_CERT is invalid (no DNS name <service>.${GRPC_IDENTITY_DOMAIN} in its subjectAltName)`);
  return { insecure: false, ca, cert, key, identity: identity! };
}

/** `api` from a subjectAltName such as `DNS:api.skyport.internal` (Node's format); undefined if none. */
export function identityOf(subjectAltName: string | undefined): string | undefined {
  for (const entry of (subjectAltName ?? '').split(/,\s*/)) {
    const match = /^DNS:([a-z][a-z0-9-]*)\.skyport\.internal$/.exec(entry.trim());
    if (match) return match[1];
  }
  return undefined;
}

/** Server credentials: mTLS that requires and verifies a client certificate, or plaintext in insecure mode. */
export function grpcServerCredentials(security: GrpcSecurity): ServerCredentials {
  if (security.insecure) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(security.ca, [{ private_key: security.key, cert_chain: security.cert }], true);
}

/**
 * The credentials and channel options for a client of `targetService` (`optimizer`, `provisioner`, `logs`):
 * `new X.Client(address, ...grpcClientArgs(security, 'logs'))`. The server must present the target's identity.
 */
export function grpcClientArgs(security: GrpcSecurity, targetService: string): [ChannelCredentials, ChannelOptions] {
  if (security.insecure) return [ChannelCredentials.createInsecure(), {}];
  const name = `${targetService}.${GRPC_IDENTITY_DOMAIN}`;
  return [ChannelCredentials.createSsl(security.ca, security.key, security.cert), { 'grpc.ssl_target_name_override': name, 'grpc.default_authority': name }];
}

/** One warning line for insecure mode, logged by each service at start. */
export const GRPC_INSECURE_WARNING = 'SKYPORT_GRPC_INSECURE=1: gRPC between services is plaintext and unauthenticated; for a local development run only';
