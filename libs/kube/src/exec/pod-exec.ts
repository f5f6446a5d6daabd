import { PassThrough, Readable, Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import { boundedOperation, ErrorCode, SkyportError } from '@skyport/contracts';
import type { KubeClients } from '../client/kube-client.provider';
import { translateKubeError } from '../errors/kube-error.translator';
import { NODE_HOME_PRELUDE } from './node-home';
import { skyportMetrics, SpanKind, withSpan } from '@skyport/telemetry';

export interface ExecTarget {
  clients: KubeClients;
  namespace?: string;
  pod: string;
  container: string;
}

export interface ExecStreams {
  stdout?: Writable;
  stderr?: Writable;
  stdin?: Readable;
}

export interface ExecOptions {
  /** The exec is abandoned (websocket closed) after this long; the process in the pod may keep running. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What the exec is for, as the `skyport_execs_total` metric counts it (job start, phase wait, log tail, ssh…). */
  purpose?: string;
}

export interface ExecResult {
  exitCode: number;
}

export interface CollectedExecResult extends ExecResult {
  stdout: string;
  stderr: string;
}

function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (cause?.message !== undefined && /^\d+$/.test(cause.message)) return Number(cause.message);
  // Some runtimes (KWOK's local exec among them) report a non-zero exit only in the message.
  const m = /exit status (\d+)\W*$/.exec(status.message ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Runs a command in a container, streaming stdout/stderr into the given writables, and resolves with its exit
 * code. A non-zero exit is a result, not an error; failing to run at all (pod gone, container missing,
 * connection lost) is a SkyportError.
 */
export async function execStream(target: ExecTarget, command: string[], io: ExecStreams = {}, opts: ExecOptions = {}): Promise<ExecResult> {
  const purpose = opts.purpose ?? 'command';
  const attributes = { 'k8s.pod.name': target.pod, 'k8s.container.name': target.container, 'skyport.exec.purpose': purpose };
  try {
    const result = await withSpan('kube exec', { kind: SpanKind.CLIENT, attributes }, () => runExec(target, command, io, opts));
    skyportMetrics.execs().inc({ purpose, outcome: result.exitCode === 0 ? 'exit-0' : 'exit-nonzero' });
    return result;
  } catch (error) {
    skyportMetrics.execs().inc({ purpose, outcome: 'error' });
    throw error;
  }
}

async function runExec(target: ExecTarget, command: string[], io: ExecStreams, opts: ExecOptions): Promise<ExecResult> {
  const namespace = target.namespace ?? target.clients.context.namespace;
  const op = { verb: 'create', resource: 'pods/exec', name: target.pod, namespace, context: target.clients.context.name };
  const exec = new Exec(target.clients.kc);
  // client-node ends the writables when the status frame arrives; give it private ones and pipe on, so a
  // caller's stream (or process.stdout) is never ended by us.
  const out = new PassThrough();
  const err = new PassThrough();
  if (io.stdout) out.on('data', (d: Buffer) => io.stdout?.write(d));
  else out.resume();
  if (io.stderr) err.on('data', (d: Buffer) => io.stderr?.write(d));
  else err.resume();

  let socket: { close(): void; on(ev: string, cb: (...a: unknown[]) => void): void } | undefined;
  const bounds = {
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    cancel: () => socket?.close(),
    timeoutError: () =>
      new SkyportError(ErrorCode.ProvisionTimeout, `The command in pod ${target.pod} did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s.`, {
        pod: target.pod,
        kind: 'timeout',
      }),
    abortError: () => new SkyportError(ErrorCode.Internal, `The command in pod ${target.pod} was cancelled.`, { pod: target.pod }),
  };
  return await boundedOperation<ExecResult>(bounds, (settle) => {
    const onStatus = (status: V1Status) => {
      const code = exitCodeOf(status);
      // Let the last output chunks drain into the caller's writables before resolving.
      setImmediate(() => {
        if (code !== undefined) settle.resolve({ exitCode: code });
        else
          settle.reject(
            new SkyportError(ErrorCode.Internal, `Could not run the command in pod ${target.pod}: ${status.message ?? status.reason ?? 'unknown failure'}.`, {
              pod: target.pod,
              reason: status.reason,
            }),
          );
      });
    };
    exec
      .exec(namespace, target.pod, target.container, command, out, err, io.stdin ?? null, false, onStatus)
      .then((ws) => {
        socket = ws as unknown as typeof socket;
        if (settle.settled) return ws.close();
        ws.on('close', () => {
          // A close without a status frame means the stream broke (API server restart, pod deleted).
          setTimeout(
            () =>
              settle.reject(
                new SkyportError(ErrorCode.KubernetesUnavailable, `The connection to pod ${target.pod} closed before the command finished.`, { pod: target.pod, kind: 'unreachable' }),
              ),
            50,
          );
        });
      })
      .catch((e: unknown) => settle.reject(translateKubeError(e, op)));
  });
}

/** Runs a command and collects its output (bounded by maxOutputBytes per stream). */
export async function execCommand(
  target: ExecTarget,
  command: string[],
  opts: ExecOptions & { stdin?: string | Buffer; maxOutputBytes?: number } = {},
): Promise<CollectedExecResult> {
  const limit = opts.maxOutputBytes ?? 4 * 1024 * 1024;
  const collect = () => {
    const chunks: Buffer[] = [];
    let size = 0;
    const w = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (size < limit) {
          chunks.push(chunk.subarray(0, limit - size));
          size += chunk.length;
        }
        cb();
      },
    });
    return { w, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect();
  const err = collect();
  const stdin = opts.stdin !== undefined ? Readable.from([Buffer.from(opts.stdin)]) : undefined;
  const r = await execStream(target, command, { stdout: out.w, stderr: err.w, stdin }, opts);
  return { exitCode: r.exitCode, stdout: out.text(), stderr: err.text() };
}

/**
 * Writes a file in the container from a buffer (sized, read with `head -c`, so it works where the end of stdin
 * is not forwarded). Relative paths resolve under the container user's home; parents are created.
 */
export async function writeFileInPod(target: ExecTarget, path: string, content: string | Buffer, opts: ExecOptions & { mode?: string } = {}): Promise<void> {
  const data = Buffer.from(content);
  const script = `${NODE_HOME_PRELUDE}\n` + 'mkdir -p -- "$(dirname -- "$1")" && umask 077 && head -c "$2" > "$1.tmp" && chmod "$3" "$1.tmp" && mv -f -- "$1.tmp" "$1"';
  const r = await execCommand(target, ['sh', '-c', script, 'sh', path, String(data.length), opts.mode ?? '600'], { ...opts, stdin: data });
  if (r.exitCode !== 0) {
    throw new SkyportError(ErrorCode.Internal, `Could not write ${path} in pod ${target.pod}: ${r.stderr.trim().split('\n')[0] ?? ''}`, { pod: target.pod });
  }
}
