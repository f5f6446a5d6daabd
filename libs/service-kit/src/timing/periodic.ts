/** A task run now and then again `intervalMs` after each run ends (never overlapping itself). */
export interface Periodic {
  stop(): void;
}

export function runPeriodically(task: () => Promise<unknown>, intervalMs: () => number, onError: (error: unknown) => void): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    task()
      .catch(onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs());
      });
  };
  tick();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
