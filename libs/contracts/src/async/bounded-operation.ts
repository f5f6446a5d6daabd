/** How an operation started by `boundedOperation` ends: exactly once, whichever way comes first. */
export interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  /** True once it has ended (its own way, by timeout or by abort); later results and errors are ignored. */
  readonly settled: boolean;
}

export interface BoundedOptions {
  /** Ends the operation with `timeoutError()` after this long (none when absent or 0). */
  timeoutMs?: number;
  /** Ends the operation with `abortError()` when aborted (at once when already aborted). */
  signal?: AbortSignal;
  /** Releases what the operation holds (closes its socket or channel) when the timeout or the abort wins. */
  cancel: () => void;
  timeoutError: () => Error;
  abortError: () => Error;
}

/**
 * Runs a callback-style operation (a pod exec, an SSH command) so that it ends exactly once: with its own result,
 * with `timeoutError` after `timeoutMs`, or with `abortError` when `signal` aborts. The timer and the abort
 * listener are released as soon as it ends, so neither keeps the process alive nor fires late; a throw from
 * `start` rejects. An already-aborted signal ends it before `start` is called.
 */
export function boundedOperation<T>(opts: BoundedOptions, start: (settle: Settle<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (end: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      end();
    };
    const stop = (error: () => Error): void => {
      if (settled) return;
      opts.cancel();
      finish(() => reject(error()));
    };
    const onAbort = (): void => stop(opts.abortError);
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.timeoutMs) timer = setTimeout(() => stop(opts.timeoutError), opts.timeoutMs);
    const settle: Settle<T> = {
      resolve: (value) => finish(() => resolve(value)),
      reject: (error) => finish(() => reject(error)),
      get settled() {
        return settled;
      },
    };
    try {
      start(settle);
    } catch (error) {
      settle.reject(error);
    }
  });
}
