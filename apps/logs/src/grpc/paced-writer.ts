/** The part of a gRPC server stream (a Node Writable) the writer uses. */
export interface MessageSink<T> {
  write(message: T, callback: (error?: Error | null) => void): boolean;
}

/** What a Tail call's writer did: for tests and the benchmark. */
export interface PacedWriterStats {
  messages: number;
  /** Times the next message waited because the client had not taken the previous one yet. */
  pauses: number;
  /** Most bytes of lines held at once for this call (written, not yet handed to the transport). */
  peakHeldBytes: number;
}

/**
 * Writes a Tail call's messages with at most ONE message in flight: the next waits until the transport has
 * taken the previous (its write callback; HTTP/2 flow control holds that back while the client does not read).
 * A slow client therefore pauses its call — the server stops reading Postgres for it and resumes where it
 * stopped, so nothing is dropped and nothing piles up: the memory a call holds is bounded by one message
 * (`Logs.Tail` pages are bounded in lines and bytes), however far behind the client is. The lines wait in
 * Postgres, not in this process. (A Writable's own `false`/'drain' would let 16 messages queue first.)
 */
export class PacedWriter<T> {
  readonly stats: PacedWriterStats = { messages: 0, pauses: 0, peakHeldBytes: 0 };
  private inFlight?: Promise<void>;
  private held = 0;

  constructor(
    private readonly sink: MessageSink<T>,
    private readonly signal: AbortSignal,
  ) {}

  /** Resolves once the message is handed to the sink (not when it is delivered); `bytes` is its size. */
  async write(message: T, bytes: number): Promise<void> {
    if (this.inFlight) {
      this.stats.pauses++;
      await this.untilTakenOrAborted(this.inFlight);
    }
    if (this.signal.aborted) return;
    this.held = bytes;
    this.stats.messages++;
    this.stats.peakHeldBytes = Math.max(this.stats.peakHeldBytes, this.held);
    let taken!: () => void;
    const inFlight = new Promise<void>((resolve) => (taken = resolve));
    this.inFlight = inFlight;
    this.sink.write(message, () => {
      this.held = 0;
      if (this.inFlight === inFlight) this.inFlight = undefined;
      taken();
    });
  }

  /** Waits for the last message to be taken (before the call ends). */
  async flushed(): Promise<void> {
    if (this.inFlight) await this.untilTakenOrAborted(this.inFlight);
  }

  /** Bytes of the message in flight, 0 when the transport took it. */
  heldBytes(): number {
    return this.held;
  }

  private async untilTakenOrAborted(taken: Promise<void>): Promise<void> {
    if (this.signal.aborted) return;
    let onAbort!: () => void;
    const aborted = new Promise<void>((resolve) => (onAbort = resolve));
    this.signal.addEventListener('abort', onAbort);
    try {
      await Promise.race([taken, aborted]);
    } finally {
      this.signal.removeEventListener('abort', onAbort);
    }
  }
}
