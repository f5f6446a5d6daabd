import { ErrorCode, SkyportError } from '@skyport/contracts';

export interface SshRequest {
  clusterName: string;
  node: number;
  command?: string;
  tty: boolean;
  cols: number;
  rows: number;
}

const PATH = /^\/v1\/clusters\/([^/]+)\/ssh\/?$/;

/** The cluster of an ssh upgrade URL, or undefined when the URL is not the ssh endpoint. */
export function sshClusterOf(url: string): string | undefined {
  const m = PATH.exec(new URL(url, 'http://x').pathname);
  return m ? decodeURIComponent(m[1]) : undefined;
}

export function readSshRequest(url: string): SshRequest {
  const u = new URL(url, 'http://x');
  const clusterName = sshClusterOf(url);
  if (!clusterName) throw new SkyportError(ErrorCode.NotFound, 'not an ssh endpoint');
  const q = u.searchParams;
  const int = (name: string, fallback: number, max: number): number => {
    const v = q.get(name);
    if (v === null || v === '') return fallback;
    if (!/^\d+$/.test(v) || Number(v) > max) throw new SkyportError(ErrorCode.InvalidRequest, `${name} must be a whole number from 0 to ${max}`);
    return Number(v);
  };
  const command = q.get('command') ?? undefined;
  if (command !== undefined && (command.length === 0 || command.length > 64 * 1024)) {
    throw new SkyportError(ErrorCode.InvalidRequest, 'command must be 1 to 65536 characters');
  }
  const tty = q.get('tty');
  if (tty !== null && tty !== '0' && tty !== '1') throw new SkyportError(ErrorCode.InvalidRequest, 'tty must be 0 or 1');
  return {
    clusterName,
    node: int('node', 0, 4096),
    command,
    tty: tty === null ? command === undefined : tty === '1',
    cols: int('cols', 80, 10_000),
    rows: int('rows', 24, 10_000),
  };
}

/** The argv run on the node (pod or VM): the command through `sh -c`, or a login shell (bash when there is one). */
export function sshArgv(req: Pick<SshRequest, 'command'>): string[] {
  if (req.command !== undefined) return ['sh', '-c', req.command];
  return ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];
}
