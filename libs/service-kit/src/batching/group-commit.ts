interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<T> {
  /** At most this many items a batch (a statement's parameters, a request's size). */
  maxBatch: number;
  /**
   * When a batch of several fails, write its items one by one, so only the one at fault fails (a constraint);
   * off where a failure is the connection's, not an item's.
   */
  retryAlone?: boolean;
  /**
   * For writers whose callers do not wait (the audit log): a failed batch is reported here, once, with its items,
   * and their promises resolve. Without it each item's promise is refused with the batch's error.
   */
  onBatchError?: (error: unknown, items: T[]) => void;
}

/**
 * Group commit: an item is written at once when no write is in flight; the items added while one is become the
 * next single write, in the order they were added. An idle service writes each item as it comes, a busy one one
 * write per batch. Each caller's promise settles once its item is written (or its write failed).
 */
export class GroupCommit<T> {
  private pending: Array<Pending<T>> = [];
  /** The drain in flight; it clears itself before it ends, so an item added after its last look starts the next. */
  private draining: Promise<void> | undefined;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions<T>,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.draining) this.draining = this.drain();
    });
  }

  /** Resolves once every item added so far is written (or failed): a service awaits it before it stops. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.write(this.pending.splice(0, this.options.maxBatch));
    } finally {
      this.draining = undefined;
    }
  }

  private async write(batch: Array<Pending<T>>): Promise<void> {
    try {
      await this.writeBatch(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length > 1 && this.options.retryAlone) {
        for (const p of batch) await this.write([p]);
      } else if (this.options.onBatchError) {
        this.options.onBatchError(error, batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } else {
        for (const p of batch) p.reject(error);
      }
    }
  }
}
