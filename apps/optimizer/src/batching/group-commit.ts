interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** At most this many items a batch. */
  maxBatch: number;
  /**
   * When a batch of several fails, write its items one by one, so only the one at fault fails (a constraint);
   * off where a failure is the connection's, not an item's.
   */
  retryAlone: boolean;
}

/**
 * Group commit: an item is written at once when no write is in flight; the items added while one is become the
 * next single write. An idle service writes each item as it comes, a busy one one write per batch. Each caller's
 * promise settles once its item is written (or its write failed).
 */
export class GroupCommit<T> {
  private pending: Array<Pending<T>> = [];
  private writing = false;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.options.maxBatch);
        try {
          await this.writeBatch(batch.map((p) => p.item));
          for (const p of batch) p.resolve();
        } catch (error) {
          if (batch.length === 1 || !this.options.retryAlone) for (const p of batch) p.reject(error);
          else for (const p of batch) await this.writeBatch([p.item]).then(p.resolve, p.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
