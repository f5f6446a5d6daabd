import { PassThrough, type Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { translateKubeError } from '../errors/kube-error.translator';
import type { ExecTarget } from './pod-exec';

export interface ExecSessionOptions {
  /** Allocate a terminal in the container (interactive shells); stderr then arrives on stdout. */
  tty: boolean;
  stdout: Writable;
  stderr?: Writable;
  cols?: number;
  rows?: number;
}

/** A running exec with its stdin open: what an interactive `skyport ssh` is bridged to. */
export interface ExecSession {
  stdin: Writable;
  resize(cols: number, rows: number): void;
  /** The command's exit code; a lost connection rejects. */
  done: Promise<number>;
  close(): void;
}

/** A resizable stdout: client-node reads `columns`/`rows` and listens for `resize` to send terminal sizes. */
class TerminalOutput extends PassThrough {
  columns: number;
  rows: number;
  constructor(cols: number, rows: number) {
    super();
    this.columns = cols;
    this.rows = rows;
  }
}

/**
 * The exit code in an exec's final status: the `ExitCode` cause (kubelet), or the `exit status N` text some
 * runtimes send instead (KWOK's local exec).
 */
export function execExitCode(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (cause?.message !== undefined && /^\d+$/.test(cause.message)) return Number(cause.message);
  const m = /exit status (\d+)/.exec(status.message ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Opens an exec with stdin, optional terminal and resizes, for interactive use. */
export async function openExecSession(target: ExecTarget, command: string[], opts: ExecSessionOptions): Promise<ExecSession> {
  const namespace = target.namespace ?? target.clients.context.namespace;
  const op = { verb: 'create', resource: 'pods/exec', name: target.pod, namespace, context: target.clients.context.name };
  const stdin = new PassThrough();
  const out = opts.tty ? new TerminalOutput(opts.cols ?? 80, opts.rows ?? 24) : new PassThrough();
  const err = new PassThrough();
  out.on('data', (d: Buffer) => opts.stdout.write(d));
  err.on('data', (d: Buffer) => (opts.stderr ?? opts.stdout).write(d));
  let resolveDone!: (code: number) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<number>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  let settled = false;
  const settle = (fn: () => void) => {
    if (!settled) {
      settled = true;
      fn();
    }
  };
  const onStatus = (status: V1Status) => {
    const code = execExitCode(status);
    setImmediate(() =>
      settle(() =>
        code !== undefined
          ? resolveDone(code)
          : rejectDone(new SkyportError(ErrorCode.Internal, `The command in pod ${target.pod} could not run: ${status.message ?? status.reason ?? 'unknown failure'}.`)),
      ),
    );
  };
  let ws: { close(): void; on(ev: string, cb: () => void): void };
  try {
    ws = (await new Exec(target.clients.kc).exec(namespace, target.pod, target.container, command, out, err, stdin, opts.tty, onStatus)) as unknown as typeof ws;
  } catch (e) {
    throw translateKubeError(e, op);
  }
  ws.on('close', () =>
    setTimeout(
      () => settle(() => rejectDone(new SkyportError(ErrorCode.KubernetesUnavailable, `The connection to pod ${target.pod} closed before the command finished.`, { kind: 'unreachable' }))),
      50,
    ),
  );
  return {
    stdin,
    resize: (cols, rows) => {
      if (out instanceof TerminalOutput) {
        out.columns = cols;
        out.rows = rows;
        out.emit('resize');
      }
    },
    done,
    close: () => ws.close(),
  };
}
