import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { boundedOperation, ErrorCode, shellJoin, shellQuote, SkyportError } from '@skyport/contracts';
import { sshErrorKind, translateSshError, type SshEndpoint } from './ssh-errors';

export interface SshTarget extends SshEndpoint {
  /** OpenSSH private key text. */
  privateKey: string;
  /**
   * The host key's SHA256 fingerprint (`SHA256:base64`) when known; a different key is refused. Absent: trust on
   * first use, and `hostKeyFingerprint` tells the caller what to pin.
   */
  hostKeyFingerprint?: string;
  /** How long one handshake may take. */
  readyTimeoutMs?: number;
}

export interface SshExecStreams {
  stdout?: Writable;
  stderr?: Writable;
  stdin?: Readable | string | Buffer;
}

export interface SshExecOptions {
  /** The channel is closed after this long; a process started detached on the machine keeps running. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SshExecResult {
  exitCode: number;
}

export interface CollectedSshExecResult extends SshExecResult {
  stdout: string;
  stderr: string;
}

export interface SshSessionOptions {
  /** Allocate a terminal on the machine (interactive shells); stderr then arrives on stdout. */
  tty: boolean;
  stdout: Writable;
  stderr?: Writable;
  cols?: number;
  rows?: number;
}

/** A running command with its stdin open (the shape of @skyport/kube's ExecSession). */
export interface SshSession {
  stdin: Writable;
  resize(cols: number, rows: number): void;
  /** The command's exit code; a lost connection rejects. */
  done: Promise<number>;
  close(): void;
}

export function fingerprintOf(hostKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`;
}

/**
 * One SSH connection to a machine (a cloud VM), with exec in the same shape as `@skyport/kube`'s pod exec:
 * commands are argv arrays, a non-zero exit is a result, failing to run at all is a SkyportError.
 */
export class SshConnection {
  private closed = false;

  private constructor(
    private readonly client: Client,
    readonly target: SshTarget,
    /** The host key fingerprint seen during the handshake. */
    readonly hostKeyFingerprint: string,
  ) {
    client.on('close', () => {
      this.closed = true;
    });
    // After the handshake, errors surface through the calls that hit them; an unhandled 'error' must not crash.
    client.on('error', () => undefined);
  }

  static connect(target: SshTarget): Promise<SshConnection> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let seen = '';
      let mismatch = false;
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        readyTimeout: target.readyTimeoutMs ?? 20_000,
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          seen = fingerprintOf(key);
          mismatch = !!target.hostKeyFingerprint && target.hostKeyFingerprint !== seen;
          return !mismatch;
        },
      };
      const onError = (err: Error) => {
        client.removeListener('ready', onReady);
        client.end();
        if (mismatch) {
          reject(
            new SkyportError(
              ErrorCode.ProviderUnavailable,
              `SSH to ${target.label ?? target.host}: the host key changed (expected ${target.hostKeyFingerprint}, got ${seen}); refusing to connect.`,
              { kind: 'host-key-mismatch', host: target.host, port: target.port },
            ),
          );
        } else reject(translateSshError(err, target));
      };
      const onReady = () => {
        client.removeListener('error', onError);
        resolve(new SshConnection(client, target, seen));
      };
      client.once('ready', onReady);
      client.once('error', onError);
      client.connect(config);
    });
  }

  /**
   * Connects, retrying while the machine is not reachable yet (a VM's sshd starts a little after the instance is
   * `running`; cloud-init installs the key a little later still). Bounded by `timeoutMs`; a changed host key is
   * never retried.
   */
  static async connectWithRetry(target: SshTarget, opts: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal }): Promise<SshConnection> {
    const deadline = Date.now() + opts.timeoutMs;
    const interval = opts.intervalMs ?? 2_000;
    for (;;) {
      try {
        return await SshConnection.connect({ ...target, readyTimeoutMs: Math.max(1_000, Math.min(target.readyTimeoutMs ?? 20_000, deadline - Date.now())) });
      } catch (e) {
        if (sshErrorKind(e) === 'host-key-mismatch' || Date.now() + interval >= deadline || opts.signal?.aborted) throw e;
        await new Promise((r) => setTimeout(r, interval));
      }
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async exec(argv: readonly string[], io: SshExecStreams = {}, opts: SshExecOptions = {}): Promise<SshExecResult> {
    if (this.closed) throw translateSshError(Object.assign(new Error('connection closed'), { level: 'client-socket', code: 'ECONNRESET' }), this.target);
    const command = shellJoin(argv);
    const where = this.target.label ?? this.target.host;
    let channel: ClientChannel | undefined;
    const bounds = {
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      cancel: () => channel?.close(),
      timeoutError: () => new SkyportError(ErrorCode.ProvisionTimeout, `The command on ${where} did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s.`, { kind: 'timeout' }),
      abortError: () => new SkyportError(ErrorCode.Internal, `The command on ${where} was cancelled.`, { kind: 'cancelled' }),
    };
    return await boundedOperation<SshExecResult>(bounds, (settle) => {
      this.client.exec(command, (err, ch) => {
        if (err) return settle.reject(translateSshError(err, this.target));
        channel = ch;
        if (settle.settled) return ch.close();
        ch.on('data', (d: Buffer) => io.stdout?.write(d));
        ch.stderr.on('data', (d: Buffer) => io.stderr?.write(d));
        ch.on('close', (code: number | null | undefined, signal?: string) => {
          if (typeof code === 'number') settle.resolve({ exitCode: code });
          else if (signal) settle.resolve({ exitCode: 128 + (SIGNALS[signal.replace(/^SIG/, '')] ?? 1) });
          else settle.reject(translateSshError(Object.assign(new Error('the channel closed before the command finished'), { level: 'client-socket', code: 'ECONNRESET' }), this.target));
        });
        if (io.stdin === undefined) ch.end();
        else if (typeof io.stdin === 'string' || Buffer.isBuffer(io.stdin)) ch.end(io.stdin);
        else io.stdin.pipe(ch);
      });
    });
  }

  async execCollect(argv: readonly string[], opts: SshExecOptions & { stdin?: string | Buffer } = {}): Promise<CollectedSshExecResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sink = (into: Buffer[]) => ({ write: (d: Buffer) => (into.push(Buffer.from(d)), true) }) as unknown as Writable;
    const { exitCode } = await this.exec(argv, { stdout: sink(out), stderr: sink(err), stdin: opts.stdin }, opts);
    return { exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  /**
   * A command with its stdin left open (and a terminal for `tty`): what an interactive `skyport ssh` to a VM is
   * bridged to, in the shape of @skyport/kube's ExecSession. Output is piped, so a slow reader slows the command.
   */
  async openSession(argv: readonly string[], io: SshSessionOptions): Promise<SshSession> {
    if (this.closed) throw translateSshError(Object.assign(new Error('connection closed'), { level: 'client-socket', code: 'ECONNRESET' }), this.target);
    const command = shellJoin(argv);
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      const opened = (err: Error | undefined, ch: ClientChannel) => (err ? reject(translateSshError(err, this.target)) : resolve(ch));
      if (io.tty) this.client.exec(command, { pty: { cols: io.cols ?? 80, rows: io.rows ?? 24, term: 'xterm-256color' } }, opened);
      else this.client.exec(command, opened);
    });
    channel.pipe(io.stdout, { end: false });
    channel.stderr.pipe(io.stderr ?? io.stdout, { end: false });
    let exit: { code?: number | null; signal?: string } = {};
    channel.on('exit', (code: number | null, signal?: string) => (exit = { code, signal }));
    const done = new Promise<number>((resolve, reject) => {
      channel.on('close', () => {
        if (typeof exit.code === 'number') resolve(exit.code);
        else if (exit.signal) resolve(128 + (SIGNALS[exit.signal.replace(/^SIG/, '')] ?? 1));
        else reject(translateSshError(Object.assign(new Error('the session closed before the command finished'), { level: 'client-socket', code: 'ECONNRESET' }), this.target));
      });
    });
    // A caller that only closes the session must not see an unhandled rejection.
    done.catch(() => undefined);
    return {
      stdin: channel,
      resize: (cols, rows) => channel.setWindow(rows, cols, 0, 0),
      done,
      close: () => channel.close(),
    };
  }

  /** Writes a file (path relative to the login directory), creating its directory; atomic by rename. */
  async writeFile(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
    const script = 'set -e; f="$1"; mkdir -p "$(dirname "$f")"; cat > "$f.tmp.$$"; chmod "$2" "$f.tmp.$$"; mv -f "$f.tmp.$$" "$f"';
    const res = await this.execCollect(['sh', '-c', script, 'sh', path, mode.toString(8)], { stdin: content, timeoutMs: 60_000 });
    if (res.exitCode !== 0) {
      throw new SkyportError(ErrorCode.Internal, `Could not write ${shellQuote(path)} on ${this.target.label ?? this.target.host}: ${res.stderr.trim() || `exit ${res.exitCode}`}.`, { kind: 'write-failed' });
    }
  }

  close(): void {
    if (!this.closed) this.client.end();
    this.closed = true;
  }
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, TERM: 15, PIPE: 13 };
