import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import type { ServiceError } from '@grpc/grpc-js';
import { ErrorCode, HTTP_STATUS_BY_CODE, LogsRpc, SkyportError, type LogStreamName } from '@skyport/contracts';
import { fromGrpcError, tracedMetadata } from '@skyport/service-kit';
import { Caller, type Principal } from '../auth/principal';
import { findAccessibleCluster } from '../clusters/cluster-access';
import { LOGS_CLIENT } from './logs-client.provider';
import { nodePrefix } from './node-prefix';
import { openEventStream } from '../http/event-stream';

// Documented in the api's OpenAPI operations (`jobLogs`).
const STREAMS: LogStreamName[] = ['job', 'setup', 'provision'];
const HEARTBEAT_MS = 15_000;

/**
 * A job's output as Server-Sent Events, read from the log aggregator (`Logs.Tail`): one `data` per line
 * (`{"line", "node", "seq"}`, the line prefixed by its node for multi-node jobs), `id` the line's sequence number
 * (resume with Last-Event-ID), and `event: end` with the job's final status once everything was sent.
 */
@Controller('v1/clusters/:name/jobs/:job/logs')
export class JobLogsController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LOGS_CLIENT) private readonly logs: LogsRpc.LogsClient,
  ) {}

  @Get()
  async stream(
    @Caller() caller: Principal,
    @Param('name') name: string,
    @Param('job') job: string,
    @Query() query: Record<string, string | undefined>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const cluster = await findAccessibleCluster(this.db, caller, name);
    const jobId = await this.resolveJob(name, job);
    const stream = (query.stream ?? (query.provision === '1' ? 'provision' : 'job')) as LogStreamName;
    if (!STREAMS.includes(stream)) throw new SkyportError(ErrorCode.InvalidRequest, `stream must be one of ${STREAMS.join(', ')}`);
    const tail = query.tail === undefined || query.tail === '' ? 0 : Number(query.tail);
    if (!Number.isInteger(tail) || tail < 0 || tail > 1_000_000) throw new SkyportError(ErrorCode.InvalidRequest, 'tail must be a whole number of lines (0 for all)');
    const resume = String(req.headers['last-event-id'] ?? query.after ?? '');
    const afterSeq = /^\d+$/.test(resume) ? Number(resume) : 0;
    const follow = query.follow === '1' || query.follow === 'true';

    const call = this.logs.tail({ clusterName: name, jobId, afterSeq, follow, tailLines: tail, stream }, tracedMetadata());
    let started = false;
    const start = (): void => {
      if (started) return;
      started = true;
      openEventStream(res, 'job-logs');
    };
    const heartbeat = setInterval(() => started && res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    // The response's close, not the request's: see openEventStream.
    res.on('close', () => call.cancel());
    await new Promise<void>((resolve) => {
      call.on('data', (chunk: LogsRpc.LogChunk) => {
        start();
        // One write per gRPC message (up to 500 lines), not per line: one chunk of the chunked response and
        // one syscall instead of hundreds when output is fast.
        let events = '';
        for (const l of chunk.lines) {
          const line = stream === 'provision' ? l.text : nodePrefix(l.nodeRank, cluster.numNodes) + l.text;
          events += `id: ${l.seq}\ndata: ${JSON.stringify({ line, node: l.nodeRank, seq: l.seq })}\n\n`;
        }
        if (chunk.eof) events += `event: end\ndata: ${JSON.stringify({ status: chunk.jobStatus })}\n\n`;
        const ok = events === '' || res.write(events);
        // Back-pressure: a slow reader pauses the gRPC stream instead of growing a buffer here.
        if (!ok) {
          call.pause();
          res.once('drain', () => call.resume());
        }
      });
      call.on('error', (error: ServiceError) => {
        if (error.code === 1 /* CANCELLED */) return resolve();
        const e = fromGrpcError(error);
        if (!started) {
          res.status(HTTP_STATUS_BY_CODE[e.code]).json(e.toBody());
        } else {
          res.write(`event: error\ndata: ${JSON.stringify(e.toBody())}\n\n`);
        }
        resolve();
      });
      call.on('end', () => resolve());
    });
    clearInterval(heartbeat);
    start();
    res.end();
  }

  private async resolveJob(clusterName: string, job: string): Promise<number> {
    if (job === 'latest') {
      const rows: Array<{ job_id: number }> = await this.db.query(`SELECT max(job_id) AS job_id FROM jobs WHERE cluster_name = $1`, [clusterName]);
      if (rows[0]?.job_id == null) throw new SkyportError(ErrorCode.NotFound, `cluster '${clusterName}' has no jobs yet`);
      return Number(rows[0].job_id);
    }
    if (!/^\d{1,9}$/.test(job)) throw new SkyportError(ErrorCode.InvalidRequest, `'${job}' is not a job id: use a number or 'latest'`);
    return Number(job);
  }
}
