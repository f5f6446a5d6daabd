import { once } from 'node:events';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Server, ServerWritableStream } from '@grpc/grpc-js';
import { DataSource } from 'typeorm';
import { ErrorCode, JobStatus, LogsRpc, logsNotification, SkyportError, TERMINAL_JOB_STATUSES, TERMINAL_REQUEST_STATUSES, type RequestStatus } from '@skyport/contracts';
import { grpcSecurity, PgListener, SERVICE_CONFIG, SERVICE_LOGGER, startGrpcServer, stopGrpcServer, toGrpcError, type Logger } from '@skyport/service-kit';
import type { LogsConfig } from '../config';
import { NotifyWaiter } from './notify.waiter';
import { skyportMetrics } from '@skyport/telemetry';

const PAGE = 500;
const FOLLOW_WAIT_MS = 2_000;
/** How long a finished log stream waits for its job's final status before reporting the status it has. */
const END_STATUS_WAIT_MS = 15_000;
const STREAMS = new Set(['job', 'setup', 'provision']);

interface JobRow {
  status: JobStatus;
  request_id: string | null;
  started_at: Date | null;
}

/** `Logs.Tail`: a job's stored output in order, from a sequence number, following it until the job ends. */
@Injectable()
export class LogsTailServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;
  private readonly waiter: NotifyWaiter;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: LogsConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(PgListener) listener: PgListener,
  ) {
    this.waiter = new NotifyWaiter(listener);
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

  async tail(call: ServerWritableStream<LogsRpc.TailRequest, LogsRpc.LogChunk>): Promise<void> {
    const req = call.request;
    const stream = req.stream || 'job';
    if (!STREAMS.has(stream)) throw new SkyportError(ErrorCode.InvalidRequest, `unknown log stream '${stream}': use job, setup or provision`);
    const job = await this.job(req.clusterName, req.jobId);
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    call.on('close', () => abort.abort());
    const write = async (chunk: LogsRpc.LogChunk): Promise<void> => {
      if (!call.write(chunk)) await Promise.race([once(call, 'drain'), once(abort.signal, 'abort')]);
    };
    if (stream === 'provision') return this.tailEvents(call, job, req, write, abort.signal);

    const params = [req.clusterName, req.jobId, stream];
    let after = req.afterSeq;
    if (after === 0 && req.tailLines > 0) {
      const rows: Array<{ next_seq: string }> = await this.db.query(`SELECT next_seq FROM log_streams WHERE cluster_name = $1 AND job_id = $2 AND stream = $3`, params);
      after = Math.max(0, Number(rows[0]?.next_seq ?? 1) - 1 - req.tailLines);
    }
    while (!abort.signal.aborted) {
      // Whether the stream is complete is read BEFORE the lines: a done stream has every line stored already.
      const current = await this.job(req.clusterName, req.jobId);
      const doneRows: Array<{ done: boolean }> = await this.db.query(`SELECT done FROM log_streams WHERE cluster_name = $1 AND job_id = $2 AND stream = $3`, params);
      const neverRan = TERMINAL_JOB_STATUSES.has(current.status) && current.started_at === null;
      const done = (doneRows[0]?.done ?? false) || neverRan;
      const rows: Array<{ seq: string; node_rank: number; text: string; at: Date }> = await this.db.query(
        `SELECT seq, node_rank, text, at FROM log_lines WHERE cluster_name = $1 AND job_id = $2 AND stream = $3 AND seq > $4 ORDER BY seq LIMIT ${PAGE}`,
        [...params, after],
      );
      if (rows.length > 0) {
        await write({ lines: rows.map((r) => ({ seq: Number(r.seq), nodeRank: r.node_rank, text: r.text, at: r.at.toISOString() })), eof: false, jobStatus: '' });
        after = Number(rows[rows.length - 1].seq);
        if (rows.length === PAGE) continue;
      }
      if (done) {
        // The job's output can end a moment before the job runner records how the job ended: a follower waits
        // (bounded) for that, so the end it reports is the job's final status, not RUNNING.
        let status = (await this.job(req.clusterName, req.jobId)).status;
        const until = Date.now() + END_STATUS_WAIT_MS;
        while (req.follow && stream === 'job' && !TERMINAL_JOB_STATUSES.has(status) && Date.now() < until && !abort.signal.aborted) {
          await this.waiter.waitFor(logsNotification(req.clusterName, req.jobId), 250, abort.signal);
          status = (await this.job(req.clusterName, req.jobId)).status;
        }
        await write({ lines: [], eof: true, jobStatus: status });
        break;
      }
      if (!req.follow) break;
      await this.waiter.waitFor(logsNotification(req.clusterName, req.jobId), FOLLOW_WAIT_MS, abort.signal);
    }
    call.end();
  }

  /** The launch's timeline (the `provision` stream): the job's request's events, one line each. */
  private async tailEvents(
    call: ServerWritableStream<LogsRpc.TailRequest, LogsRpc.LogChunk>,
    job: JobRow,
    req: LogsRpc.TailRequest,
    write: (chunk: LogsRpc.LogChunk) => Promise<void>,
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
        await write({ lines: rows.map((r) => ({ seq: Number(r.id), nodeRank: 0, text: `${r.type}: ${r.message}`, at: r.created_at.toISOString() })), eof: false, jobStatus: '' });
        after = Number(rows[rows.length - 1].id);
        if (rows.length === PAGE) continue;
      }
      if (ended) break;
      if (!req.follow) {
        call.end();
        return;
      }
      await this.waiter.waitFor(job.request_id, FOLLOW_WAIT_MS, signal);
    }
    await write({ lines: [], eof: true, jobStatus: (await this.job(req.clusterName, req.jobId)).status });
    call.end();
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
