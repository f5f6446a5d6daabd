import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Server, ServerWritableStream } from '@grpc/grpc-js';
import { DataSource } from 'typeorm';
import { ErrorCode, EVENTS_CHANNEL, JobStatus, LOGS_CHANNEL, LogsRpc, logsNotification, parseEventNotification, SkyportError, TERMINAL_JOB_STATUSES, TERMINAL_REQUEST_STATUSES, type RequestStatus } from '@skyport/contracts';
import { grpcSecurity, KeyedWaiter, PgListener, SERVICE_CONFIG, SERVICE_LOGGER, startGrpcServer, stopGrpcServer, toGrpcError, type Logger } from '@skyport/service-kit';
import type { LogsConfig } from '../config';
import { PacedWriter, type PacedWriterStats } from './paced-writer';
import { skyportMetrics } from '@skyport/telemetry';

const PAGE = 500;
/**
 * Most bytes of line text in one `Logs.Tail` message (at least one line): with one message in flight per call
 * (PacedWriter) this bounds what a call holds, whatever the line cap makes a page of 500 lines weigh.
 */
export const PAGE_BYTES = 256 * 1024;
const FOLLOW_WAIT_MS = 2_000;
/** How long a finished log stream waits for its job's final status before reporting the status it has. */
const END_STATUS_WAIT_MS = 15_000;
const STREAMS = new Set(['job', 'setup', 'provision']);

interface StreamState {
  status: JobStatus;
  started_at: Date | null;
  done: boolean | null;
}

interface JobRow {
  status: JobStatus;
  request_id: string | null;
  started_at: Date | null;
}

/** `Logs.Tail`: a job's stored output in order, from a sequence number, following it until the job ends. */
@Injectable()
export class LogsTailServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;
  /**
   * Every following call waits here until new lines of its job (or new events of its request) are committed, or a
   * timeout passes, instead of polling the database.
   */
  private readonly waiter: KeyedWaiter;
  /** The writers of the calls open now: what they hold and did (tests, the benchmark). */
  private readonly writers = new Set<PacedWriter<LogsRpc.LogChunk>>();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: LogsConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(PgListener) listener: PgListener,
  ) {
    this.waiter = new KeyedWaiter(listener, {
      // The payload is the key a follow of the job's lines waits on (logsNotification).
      [LOGS_CHANNEL]: (payload) => payload,
      // A launch's timeline (the `provision` stream) waits on its request.
      [EVENTS_CHANNEL]: (payload) => parseEventNotification(payload)?.requestId,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const implementation: LogsRpc.LogsServer = {
      tail: (call) => {
        const kind = call.request.follow ? 'log-follow' : 'log-read';
        skyportMetrics.activeStreams().inc({ kind });
        this.tail(call)
          .catch((error: unknown) => {
            if (!(error instanceof SkyportError)) this.logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'Logs.Tail failed');
            call.emit('error', toGrpcError(error));
          })
          .finally(() => skyportMetrics.activeStreams().dec({ kind }));
      },
    };
    const { server, port } = await startGrpcServer(this.config.SKYPORT_LOGS_GRPC, [
      // Any team's logs: only the api (which checks the user's team) may ask.
      { definition: LogsRpc.LogsService, implementation, allowedCallers: ['api'] },
    ], { security: grpcSecurity(this.config, 'skyport-logs'), envVar: 'SKYPORT_LOGS_GRPC' });
    this.server = server;
    this.logger.info({ port }, 'Logs gRPC listening');
  }

  /** Bytes the open calls hold in memory now, and what their writers did. */
  callStats(): { calls: number; heldBytes: number; writers: PacedWriterStats[] } {
    const writers = [...this.writers];
    return { calls: writers.length, heldBytes: writers.reduce((s, w) => s + w.heldBytes(), 0), writers: writers.map((w) => ({ ...w.stats })) };
  }

  async tail(call: ServerWritableStream<LogsRpc.TailRequest, LogsRpc.LogChunk>): Promise<void> {
    const req = call.request;
    const stream = req.stream || 'job';
    if (!STREAMS.has(stream)) throw new SkyportError(ErrorCode.InvalidRequest, `unknown log stream '${stream}': use job, setup or provision`);
    const job = await this.job(req.clusterName, req.jobId);
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    call.on('close', () => abort.abort());
    const writer = new PacedWriter<LogsRpc.LogChunk>(call, abort.signal);
    this.writers.add(writer);
    try {
      if (stream === 'provision') await this.tailEvents(job, req, writer, abort.signal);
      else await this.tailLines(req, stream, writer, abort.signal);
      await writer.flushed();
    } finally {
      this.writers.delete(writer);
    }
    call.end();
  }

  /**
   * A job's stored lines from `afterSeq`, following while asked. While lines flow, a round is ONE query (the
   * next page); whether the stream is complete is read when the reader has caught up, or at least every
   * FOLLOW_WAIT_MS. Interest in the job's notifications is registered before each read, so lines committed
   * meanwhile wake the wait at once.
   */
  private async tailLines(req: LogsRpc.TailRequest, stream: string, writer: PacedWriter<LogsRpc.LogChunk>, signal: AbortSignal): Promise<void> {
    const params = [req.clusterName, req.jobId, stream];
    const key = logsNotification(req.clusterName, req.jobId);
    let after = req.afterSeq;
    if (after === 0 && req.tailLines > 0) {
      const rows: Array<{ next_seq: string }> = await this.db.query(`SELECT next_seq FROM log_streams WHERE cluster_name = $1 AND job_id = $2 AND stream = $3`, params);
      after = Math.max(0, Number(rows[0]?.next_seq ?? 1) - 1 - req.tailLines);
    }
    let stateReadAt = 0;
    while (!signal.aborted) {
      const ticket = req.follow ? await this.waiter.arm(key) : undefined;
      const page = await this.page(params, after);
      if (page.lines.length > 0) {
        await writer.write({ lines: page.lines, eof: false, jobStatus: '' }, page.bytes);
        after = page.lines[page.lines.length - 1].seq;
      }
      if (page.full) {
        ticket?.cancel();
        continue;
      }
      if (ticket && page.lines.length > 0 && Date.now() - stateReadAt < FOLLOW_WAIT_MS) {
        // Caught up with lines still coming: a stream that completes notifies, which the ticket catches.
        await ticket.wait(FOLLOW_WAIT_MS, signal);
        continue;
      }
      // Caught up: is the stream complete? A done stream had every line stored before `done` was set, so the
      // lines read after seeing it are all of them.
      const state = await this.streamState(params);
      stateReadAt = Date.now();
      if (state.done) {
        ticket?.cancel();
        for (;;) {
          const rest = await this.page(params, after);
          if (rest.lines.length === 0 || signal.aborted) break;
          await writer.write({ lines: rest.lines, eof: false, jobStatus: '' }, rest.bytes);
          after = rest.lines[rest.lines.length - 1].seq;
        }
        // The job's output can end a moment before the job runner records how the job ended: a follower waits
        // (bounded) for that, so the end it reports is the job's final status, not RUNNING.
        let status = state.status;
        const until = Date.now() + END_STATUS_WAIT_MS;
        while (req.follow && stream === 'job' && !TERMINAL_JOB_STATUSES.has(status) && Date.now() < until && !signal.aborted) {
          await this.waiter.waitFor(key, 250, signal);
          status = (await this.job(req.clusterName, req.jobId)).status;
        }
        await writer.write({ lines: [], eof: true, jobStatus: status }, 0);
        return;
      }
      if (!ticket) return;
      await ticket.wait(FOLLOW_WAIT_MS, signal);
    }
  }

  /** The next lines after `after`: at most PAGE lines and PAGE_BYTES of text (at least one line). */
  private async page(params: unknown[], after: number): Promise<{ lines: LogsRpc.LogLine[]; bytes: number; full: boolean }> {
    const rows: Array<{ seq: string; node_rank: number; text: string; at: Date; upto: string }> = await this.db.query(
      `SELECT seq, node_rank, text, at, upto FROM (
         SELECT seq, node_rank, text, at, sum(octet_length(text)) OVER (ORDER BY seq) AS upto, octet_length(text) AS len FROM log_lines
         WHERE cluster_name = $1 AND job_id = $2 AND stream = $3 AND seq > $4 ORDER BY seq LIMIT ${PAGE}
       ) p WHERE upto - len < $5 ORDER BY seq`,
      [...params, after, PAGE_BYTES],
    );
    const lines = rows.map((r) => ({ seq: Number(r.seq), nodeRank: r.node_rank, text: r.text, at: r.at.toISOString() }));
    const bytes = rows.length > 0 ? Number(rows[rows.length - 1].upto) : 0;
    return { lines, bytes, full: rows.length === PAGE || bytes >= PAGE_BYTES };
  }

  /** The job's status and whether every node's output of the stream is stored (or the job never ran). */
  private async streamState(params: unknown[]): Promise<{ status: JobStatus; done: boolean }> {
    const rows: StreamState[] = await this.db.query(
      `SELECT j.status, j.started_at, s.done FROM jobs j
       LEFT JOIN log_streams s ON s.cluster_name = j.cluster_name AND s.job_id = j.job_id AND s.stream = $3
       WHERE j.cluster_name = $1 AND j.job_id = $2`,
      params,
    );
    const row = rows[0];
    if (!row) throw new SkyportError(ErrorCode.NotFound, `cluster '${String(params[0])}' has no job ${String(params[1])}`);
    const neverRan = TERMINAL_JOB_STATUSES.has(row.status) && row.started_at === null;
    return { status: row.status, done: (row.done ?? false) || neverRan };
  }

  /** The launch's timeline (the `provision` stream): the job's request's events, one line each. */
  private async tailEvents(
    job: JobRow,
    req: LogsRpc.TailRequest,
    writer: PacedWriter<LogsRpc.LogChunk>,
    signal: AbortSignal,
  ): Promise<void> {
    let after = req.afterSeq;
    while (job.request_id && !signal.aborted) {
      const status: Array<{ status: RequestStatus }> = await this.db.query(`SELECT status FROM requests WHERE id = $1`, [job.request_id]);
      const ended = status.length === 0 || TERMINAL_REQUEST_STATUSES.has(status[0].status);
      const rows: Array<{ id: string; type: string; message: string; created_at: Date }> = await this.db.query(
        `SELECT id, type, message, created_at FROM events WHERE request_id = $1 AND id > $2 ORDER BY id LIMIT ${PAGE}`,
        [job.request_id, after],
      );
      if (rows.length > 0) {
        const lines = rows.map((r) => ({ seq: Number(r.id), nodeRank: 0, text: `${r.type}: ${r.message}`, at: r.created_at.toISOString() }));
        await writer.write({ lines, eof: false, jobStatus: '' }, lines.reduce((s, l) => s + l.text.length, 0));
        after = Number(rows[rows.length - 1].id);
        if (rows.length === PAGE) continue;
      }
      if (ended) break;
      if (!req.follow) return;
      await this.waiter.waitFor(job.request_id, FOLLOW_WAIT_MS, signal);
    }
    await writer.write({ lines: [], eof: true, jobStatus: (await this.job(req.clusterName, req.jobId)).status }, 0);
  }

  private async job(clusterName: string, jobId: number): Promise<JobRow> {
    const rows: JobRow[] = await this.db.query(`SELECT status, request_id, started_at FROM jobs WHERE cluster_name = $1 AND job_id = $2`, [clusterName, jobId]);
    if (rows.length === 0) throw new SkyportError(ErrorCode.NotFound, `cluster '${clusterName}' has no job ${jobId}`, { clusterName, jobId });
    return rows[0];
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.server) await stopGrpcServer(this.server, 2_000);
    await this.waiter.close();
  }
}
