import { ErrorCode, SkyportError, isSkyportError } from '@skyport/contracts';

export type SshErrorKind = 'unreachable' | 'unauthorized' | 'timeout' | 'host-key-mismatch' | 'closed' | 'unknown';

export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  /** What the user knows the machine as (`aws i-0abc (rank 0)`); the address is internal detail. */
  label?: string;
}

function where(t: SshEndpoint): string {
  return t.label ? `${t.label} (${t.host}:${t.port})` : `${t.host}:${t.port}`;
}

/** ssh2 marks its errors with `level`: client-socket, client-timeout, client-authentication, protocol. */
export function translateSshError(err: unknown, target: SshEndpoint): SkyportError {
  if (isSkyportError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as { level?: unknown; code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const make = (code: ErrorCode, kind: SshErrorKind, text: string) =>
    new SkyportError(code, text, { kind, host: target.host, port: target.port, label: target.label }, { cause: err });
  if (e.level === 'client-authentication') {
    return make(ErrorCode.ProviderUnavailable, 'unauthorized', `SSH to ${where(target)} as ${target.username}: the machine did not accept Skyport's key.`);
  }
  if (e.level === 'client-timeout' || /Timed out while waiting for handshake/i.test(message)) {
    return make(ErrorCode.ProviderUnavailable, 'timeout', `SSH to ${where(target)}: no SSH handshake within the timeout (the machine may still be booting).`);
  }
  if (e.level === 'client-socket' || typeof e.code === 'string') {
    return make(ErrorCode.ProviderUnavailable, 'unreachable', `SSH to ${where(target)}: cannot connect (${typeof e.code === 'string' ? e.code : message}).`);
  }
  return make(ErrorCode.ProviderUnavailable, 'unknown', `SSH to ${where(target)} failed: ${message}.`);
}

export function sshErrorKind(err: unknown): SshErrorKind | undefined {
  return isSkyportError(err) && typeof err.details?.kind === 'string' ? (err.details.kind as SshErrorKind) : undefined;
}
