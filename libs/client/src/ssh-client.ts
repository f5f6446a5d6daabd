import type { Writable } from 'node:stream';
import WebSocket from 'ws';
import { ErrorCode, SSH_CHANNEL, SkyportError, type ErrorBody, type SshServerControl } from '@skyport/contracts';
import { errorFromBody } from './skyport-client';

export interface SshOptions {
  endpoint: string;
  token?: string;
  cluster: string;
  /** Node rank (0: the head). */
  node?: number;
  /** Run this through `sh -c` and end; absent: an interactive login shell. */
  command?: string;
  /** Allocate a terminal (default: yes for a shell, no for a command). */
  tty?: boolean;
  cols?: number;
  rows?: number;
}

/** An open `skyport ssh` session (the api's `/v1/clusters/:name/ssh` WebSocket). */
export interface SshSession {
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): void;
  /** The remote command's exit code; rejects with a SkyportError when the session fails. */
  exit: Promise<number>;
  close(): void;
}

/** Opens a session; `stdout`/`stderr` receive the remote output as it comes. */
export function openSsh(opts: SshOptions, io: { stdout: Writable; stderr?: Writable }): Promise<SshSession> {
  const url = new URL(`/v1/clusters/${encodeURIComponent(opts.cluster)}/ssh`, opts.endpoint.replace(/^http/, 'ws'));
  if (opts.node !== undefined) url.searchParams.set('node', String(opts.node));
  if (opts.command !== undefined) url.searchParams.set('command', opts.command);
  if (opts.tty !== undefined) url.searchParams.set('tty', opts.tty ? '1' : '0');
  if (opts.cols !== undefined) url.searchParams.set('cols', String(opts.cols));
  if (opts.rows !== undefined) url.searchParams.set('rows', String(opts.rows));
  const ws = new WebSocket(url, { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} });
  return new Promise<SshSession>((resolve, reject) => {
    let result: { code?: number; error?: SkyportError } = {};
    const exit = new Promise<number>((res, rej) => {
      ws.on('close', () => {
        if (result.error) rej(result.error);
        else if (result.code !== undefined) res(result.code);
        else rej(new SkyportError(ErrorCode.DependencyUnavailable, 'the ssh session closed before the command finished'));
      });
    });
    exit.catch(() => undefined);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        let parsed: ErrorBody | undefined;
        try {
          parsed = JSON.parse(body) as ErrorBody;
        } catch {
          parsed = undefined;
        }
        reject(errorFromBody(parsed, res.statusCode ?? 500));
      });
    });
    ws.on('error', (e) => reject(new SkyportError(ErrorCode.DependencyUnavailable, `cannot reach the Skyport api at ${opts.endpoint}: ${e.message}`)));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        const target = data[0] === SSH_CHANNEL.stderr ? (io.stderr ?? io.stdout) : io.stdout;
        target.write(data.subarray(1));
        return;
      }
      const msg = JSON.parse(data.toString('utf8')) as SshServerControl;
      if (msg.type === 'exit') result = { code: msg.code };
      else if (msg.type === 'error') result = { error: new SkyportError((msg.code as ErrorCode) ?? ErrorCode.Internal, msg.message) };
    });
    ws.on('open', () =>
      resolve({
        write: (data) => ws.send(Buffer.concat([Buffer.from([SSH_CHANNEL.stdin]), Buffer.from(data)]), { binary: true }),
        resize: (cols, rows) => ws.send(JSON.stringify({ type: 'resize', cols, rows })),
        exit,
        close: () => ws.close(1000),
      }),
    );
  });
}

/** `skyport ssh CLUSTER -- CMD`: runs one command and resolves with its exit code. */
export async function runSshCommand(opts: SshOptions & { command: string }, io: { stdout: Writable; stderr?: Writable }): Promise<number> {
  const session = await openSsh(opts, io);
  return session.exit;
}
