import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { SkyportClient } from '@skyport/client/browser';
import { messageOf } from './session';

export interface Live {
  /** Bumps (at most about once a second) whenever a request, cluster or job event arrives. */
  tick: number;
  connected: boolean;
  /** Why the stream last dropped, for the indicator's tooltip. */
  lastError?: string;
}

const LiveContext = createContext<Live>({ tick: 0, connected: false });

/**
 * One SSE connection to /v1/events for the whole app; pages reload their data when it ticks, so they update
 * without reloads. After a disconnect it resumes from the last event id (nothing lost or repeated).
 */
export function LiveProvider({ client, children }: { client: SkyportClient; children: ReactNode }) {
  const [live, setLive] = useState<Live>({ tick: 0, connected: false });
  const pending = useRef(false);
  useEffect(() => {
    const abort = new AbortController();
    let since: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bump = (): void => {
      if (pending.current) return;
      pending.current = true;
      timer = setTimeout(() => {
        pending.current = false;
        setLive((l) => ({ ...l, tick: l.tick + 1 }));
      }, 300);
    };
    void (async () => {
      for (let backoff = 1000; !abort.signal.aborted; backoff = Math.min(backoff * 2, 15_000)) {
        try {
          const stream = client.events({ since, signal: abort.signal });
          setLive((l) => ({ ...l, connected: true }));
          for await (const event of stream) {
            since = event.id;
            backoff = 1000;
            bump();
          }
          if (!abort.signal.aborted) setLive((l) => ({ ...l, connected: false, lastError: 'the api ended the event stream' }));
        } catch (e) {
          // Reconnect below; pages still show their last data.
          if (!abort.signal.aborted) setLive((l) => ({ ...l, connected: false, lastError: messageOf(e) }));
        }
        if (abort.signal.aborted) return;
        await new Promise((r) => setTimeout(r, backoff));
        bump();
      }
    })();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [client]);
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  return useContext(LiveContext);
}
