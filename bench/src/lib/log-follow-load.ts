// One round of figure 6 at scale: J jobs followed at once, each written at R lines/s, every line timed.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { BENCH_TOKEN } from './bench-stack';
import { round, sleep, summarize, type Summary } from './stats';

export interface LoadRound {
  jobs: number;
  perJobRate: number;
  linesWritten: number;
  linesDelivered: number;
  lost: number;
  duplicates: number;
  writeSeconds: number;
  /** From the first write to the last line delivered. */
  seconds: number;
  offeredPerSecond: number;
  deliveredPerSecond: number;
  latencyMs: Summary;
  /**
   * Where the time goes: append in the pod → the line's row stored by the logs service (its statement's start,
   * `log_lines.at`), p50/p99 over the round's lines; the rest of the latency is serving (NOTIFY, Tail, gRPC, SSE).
   */
  storedMs?: { p50: number; p99: number };
  logsRssMiB: { before: number; peak: number; after: number };
  /** CPU seconds of the logs service and the api over the round. */
  cpuSeconds: { logs: number; api: number };
  loadAverage: { min: number; max: number };
}

/** The wall clock in ms with a fraction, the same in the writer and the reader (one process). */
const now = (): number => performance.timeOrigin + performance.now();

/**
 * Follows every job's log on the api's SSE endpoint (`GET /v1/clusters/:c/jobs/1/logs?follow=1`, what
 * `skyport logs --follow` reads) and records, per line, the time from its append in the pod to its arrival.
 * The events are scanned with one regular expression per network chunk, not parsed one by one as the CLI does:
 * at 20,000+ lines/s on a shared 2-core machine the benchmark's own parsing would otherwise be measured.
 */
export class LineFollowers {
  private readonly seen: Uint8Array[];
  private readonly delivered: number[];
  readonly latencies: number[] = [];
  duplicates = 0;
  lastArrival = 0;
  private readonly abort = new AbortController();
  private readonly done: Array<Promise<void>>;

  constructor(
    apiUrl: string,
    private readonly names: string[],
    private readonly tag: string,
    capacity: number,
  ) {
    this.seen = names.map(() => new Uint8Array(capacity));
    this.delivered = names.map(() => 0);
    this.done = names.map((n, j) => this.follow(apiUrl, n, j));
  }

  deliveredTotal(): number {
    return this.delivered.reduce((s, v) => s + v, 0);
  }

  has(job: number, seq: number): boolean {
    return this.seen[job][seq] === 1;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.done);
  }

  private async follow(apiUrl: string, name: string, j: number): Promise<void> {
    // `bm <tag> <job> <seq> <written at>`: the JSON-escaped line inside the event's data.
    const re = new RegExp(`bm ${this.tag} (\\d+) (\\d+) ([\\d.]+)`, 'g');
    try {
      const res = await fetch(`${apiUrl}/v1/clusters/${name}/jobs/1/logs?follow=1&tail=1`, {
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, accept: 'text/event-stream' },
        signal: this.abort.signal,
      });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const decoder = new TextDecoder();
      let rest = '';
      for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
        const at = now();
        const text = rest + decoder.decode(bytes, { stream: true });
        // An event cut at the chunk's end is scanned with the next chunk.
        const cut = text.lastIndexOf('\n\n');
        rest = cut < 0 ? text : text.slice(cut + 2);
        const whole = cut < 0 ? '' : text.slice(0, cut);
        for (let m = re.exec(whole); m; m = re.exec(whole)) {
          const seq = Number(m[2]);
          const seen = this.seen[j];
          if (seq >= seen.length) continue;
          if (seen[seq] === 1) {
            this.duplicates++;
            continue;
          }
          seen[seq] = 1;
          this.delivered[j]++;
          this.latencies.push(at - Number(m[3]));
          this.lastArrival = at;
        }
        re.lastIndex = 0;
      }
    } catch (error) {
      if (!this.abort.signal.aborted) console.log(`  stream of ${name} ended: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks of 1/100 s
}

/**
 * Writes `perJobRate` lines/s into every job's log for `seconds` (appends every 50 ms, one write per job per tick,
 * each line carrying its job, sequence number and write time), then waits until every line arrived or nothing
 * arrived for 30 s.
 */
export async function loadRound(opts: {
  apiUrl: string;
  names: string[];
  logFile: (name: string) => string;
  tag: string;
  perJobRate: number;
  seconds: number;
  pids: { logs?: number; api?: number };
  /** The services' database: to split the latency at the point the lines are stored. */
  databaseUrl?: string;
}): Promise<LoadRound> {
  const { names, perJobRate, seconds } = opts;
  const capacity = Math.ceil(perJobRate * seconds) + 64;
  const followers = new LineFollowers(opts.apiUrl, names, opts.tag, capacity);
  const fds = names.map((n) => openSync(opts.logFile(n), 'a'));
  const loads: number[] = [loadavg()[0]];
  const loadTimer = setInterval(() => loads.push(loadavg()[0]), 1_000);
  try {
    // Warm-up: sequence 0 of every job, until all arrived (the streams are open and tailing).
    for (const fd of fds.keys()) writeSync(fds[fd], `bm ${opts.tag} ${fd} 0 ${now().toFixed(2)} warm\n`);
    const warmDeadline = Date.now() + 180_000;
    while (names.some((_, j) => !followers.has(j, 0)) && Date.now() < warmDeadline) await sleep(100);
    const missing = names.filter((_, j) => !followers.has(j, 0)).length;
    if (missing > 0) console.log(`  warm-up: ${missing} of ${names.length} streams delivered nothing within 180 s`);
    followers.latencies.length = 0;
    const warmDelivered = followers.deliveredTotal();

    const rss = { before: rssMiB(opts.pids.logs), peak: 0, after: 0 };
    const cpu0 = { logs: cpuSeconds(opts.pids.logs), api: cpuSeconds(opts.pids.api) };
    const rssTimer = setInterval(() => (rss.peak = Math.max(rss.peak, rssMiB(opts.pids.logs))), 500);
    const written = names.map(() => 1);
    const pad = 'x'.repeat(40);
    const t0 = now();
    try {
      while (now() - t0 < seconds * 1000) {
        const due = Math.floor((perJobRate * (now() - t0)) / 1000) + 1;
        for (let j = 0; j < names.length; j++) {
          let text = '';
          const stamp = now().toFixed(2);
          for (; written[j] < due; written[j]++) text += `bm ${opts.tag} ${j} ${written[j]} ${stamp} ${pad}\n`;
          if (text) writeSync(fds[j], text);
        }
        await sleep(50);
      }
      const writeEnd = now();
      const expected = written.reduce((s, w) => s + w - 1, 0);
      let last = -1;
      let lastChange = Date.now();
      while (followers.deliveredTotal() - warmDelivered < expected && Date.now() - lastChange < 30_000) {
        const d = followers.deliveredTotal();
        if (d !== last) {
          last = d;
          lastChange = Date.now();
        }
        rss.peak = Math.max(rss.peak, rssMiB(opts.pids.logs));
        await sleep(100);
      }
      rss.after = rssMiB(opts.pids.logs);
      rss.peak = Math.max(rss.peak, rss.after, rss.before);
      const delivered = followers.deliveredTotal() - warmDelivered;
      const storedMs = opts.databaseUrl ? await storedLatency(opts.databaseUrl, opts.tag) : undefined;
      const end = Math.max(followers.lastArrival, writeEnd);
      return {
        jobs: names.length,
        perJobRate,
        linesWritten: expected,
        linesDelivered: delivered,
        lost: expected - delivered,
        duplicates: followers.duplicates,
        writeSeconds: round((writeEnd - t0) / 1000, 2),
        seconds: round((end - t0) / 1000, 2),
        offeredPerSecond: round(expected / ((writeEnd - t0) / 1000)),
        deliveredPerSecond: round(delivered / ((end - t0) / 1000)),
        latencyMs: summarize(followers.latencies),
        storedMs,
        logsRssMiB: { before: round(rss.before), peak: round(rss.peak), after: round(rss.after) },
        cpuSeconds: { logs: round(cpuSeconds(opts.pids.logs) - cpu0.logs, 2), api: round(cpuSeconds(opts.pids.api) - cpu0.api, 2) },
        loadAverage: { min: round(Math.min(...loads), 1), max: round(Math.max(...loads), 1) },
      };
    } finally {
      clearInterval(rssTimer);
    }
  } finally {
    clearInterval(loadTimer);
    for (const fd of fds) closeSync(fd);
    await followers.stop();
  }
}

/** p50/p99 of append (the write time the line carries) → stored (`log_lines.at`) over the round's timed lines. */
async function storedLatency(databaseUrl: string, tag: string): Promise<{ p50: number; p99: number }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const rows: Array<{ p: number[] }> = (
      await db.query(
        `SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM at) * 1000 - split_part(text, ' ', 5)::float8) AS p
         FROM log_lines WHERE text LIKE $1 AND split_part(text, ' ', 4) <> '0'`,
        [`bm ${tag} %`],
      )
    ).rows;
    const [p50, p99] = rows[0]?.p ?? [NaN, NaN];
    return { p50: round(p50, 1), p99: round(p99, 1) };
  } finally {
    await db.end();
  }
}
