import { useEffect, useMemo, useRef, useState } from 'react';
import type { LogLine, SkyportClient } from '@skyport/client/browser';
import { messageOf } from '../session';

const LINE_HEIGHT = 18;
const VIEW_HEIGHT = 480;
const OVERSCAN = 30;
const FLUSH_MS = 150;

interface Stored {
  line: string;
  node?: number;
}

/**
 * A job's output as the api streams it (SSE from the logs service). Lines are buffered and shown in chunks
 * (at most every 150 ms) and only the visible rows are rendered, so a log of hundreds of thousands of lines
 * does not freeze the page.
 */
export function LogView({ client, cluster, jobId, live }: { client: SkyportClient; cluster: string; jobId: number; live: boolean }) {
  const buffer = useRef<Stored[]>([]);
  const [count, setCount] = useState(0);
  const [shown, setShown] = useState(0);
  const [state, setState] = useState<{ phase: 'connecting' | 'streaming' | 'ended' | 'error'; message?: string }>({ phase: 'connecting' });
  const [follow, setFollow] = useState(true);
  const [paused, setPaused] = useState(false);
  const [search, setSearch] = useState('');
  const [node, setNode] = useState('all');
  const [attempt, setAttempt] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  // Whether to follow is decided when the view opens: a job that ends meanwhile ends the stream itself.
  const follows = useRef(live).current;

  useEffect(() => {
    buffer.current = [];
    setCount(0);
    setShown(0);
    setState({ phase: 'connecting' });
    const abort = new AbortController();
    let dirty = false;
    const timer = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      setCount(buffer.current.length);
    }, FLUSH_MS);
    void (async () => {
      try {
        const stream = client.jobLogs(cluster, jobId, { follow: follows, signal: abort.signal });
        setState({ phase: 'streaming' });
        for (;;) {
          const next = await stream.next();
          if (next.done) {
            const end = next.value;
            setState({ phase: 'ended', message: end?.status ? `job ${String(end.status).toLowerCase()}` : 'end of log' });
            break;
          }
          const l: LogLine = next.value;
          buffer.current.push(l.node === undefined ? { line: l.line } : { line: l.line, node: l.node });
          dirty = true;
        }
      } catch (e) {
        if (!abort.signal.aborted) setState({ phase: 'error', message: messageOf(e) });
      } finally {
        setCount(buffer.current.length);
      }
    })();
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [client, cluster, jobId, follows, attempt]);

  // Pause freezes what is shown; the stream keeps buffering underneath.
  useEffect(() => {
    if (!paused) setShown(count);
  }, [count, paused]);

  const nodes = useMemo(() => {
    const seen = new Set<number>();
    for (let i = 0; i < shown; i++) {
      const n = buffer.current[i].node;
      if (n !== undefined) seen.add(n);
    }
    return [...seen].sort((a, b) => a - b);
  }, [shown]);

  const visible = useMemo(() => {
    const needle = search.toLowerCase();
    const rank = node === 'all' ? undefined : Number(node);
    const out: number[] = [];
    const lines = buffer.current;
    for (let i = 0; i < shown; i++) {
      const l = lines[i];
      if (rank !== undefined && l.node !== rank) continue;
      if (needle && !l.line.toLowerCase().includes(needle)) continue;
      out.push(i);
    }
    return out;
  }, [shown, search, node]);

  useEffect(() => {
    const el = scroller.current;
    if (el && follow && !paused) el.scrollTop = el.scrollHeight;
  }, [visible, follow, paused]);

  const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((scrollTop + VIEW_HEIGHT) / LINE_HEIGHT) + OVERSCAN);

  const download = (): void => {
    const text = buffer.current.map((l) => l.line).join('\n') + '\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${cluster}-job-${jobId}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section aria-labelledby="logs-title" className="logs">
      <h2 id="logs-title">Logs</h2>
      <div className="toolbar" role="toolbar" aria-label="Log controls">
        <label className="inline">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button type="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
          {paused ? `Resume (${count - shown} new)` : 'Pause'}
        </button>
        <label>
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="text in the line" />
        </label>
        <label>
          Node
          <select value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="all">all nodes</option>
            {nodes.map((n) => (
              <option key={n} value={String(n)}>
                rank {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={download} disabled={count === 0}>
          Download
        </button>
        <span className="muted" role="status" aria-live="polite" data-testid="log-state">
          {visible.length === shown ? `${shown} lines` : `${visible.length} of ${shown} lines`} · {state.phase === 'streaming' ? (follows ? 'following' : 'reading') : state.phase === 'connecting' ? 'connecting…' : state.message}
        </span>
        {state.phase === 'error' && (
          <button type="button" onClick={() => setAttempt((a) => a + 1)}>
            Reconnect
          </button>
        )}
      </div>
      <div
        ref={scroller}
        className="log-lines"
        style={{ height: VIEW_HEIGHT }}
        tabIndex={0}
        role="log"
        aria-label={`Output of job ${jobId}`}
        data-testid="log-lines"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div style={{ height: visible.length * LINE_HEIGHT, position: 'relative' }}>
          {visible.slice(first, last).map((index, k) => (
            <div key={index} className="log-line" style={{ top: (first + k) * LINE_HEIGHT, height: LINE_HEIGHT }}>
              {buffer.current[index].line}
            </div>
          ))}
        </div>
        {shown === 0 && state.phase !== 'connecting' && <p className="empty">No output yet.</p>}
      </div>
    </section>
  );
}
