import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { ClusterStatus, JobStatus, LOGS_CHANNEL, LogsRpc, logsNotification } from '@skyport/contracts';
import { freePort, freshTestBackends, grpcTlsEnv, type TestDatabase } from '@skyport/dev-stack';
import { createDataSource, initializeWithRetry, runMigrations } from '@skyport/persistence';
import { createLogger, grpcClientArgs, grpcSecurity, PgListener } from '@skyport/service-kit';
import { loadLogsConfig } from '../config';
import { addJob } from '../testing/cluster-fixture';
import { LogsTailServer, PAGE_BYTES } from './logs-tail.server';

// A client that stops reading while its job's stored output is far larger than any buffer: the Tail call must
// pause (hold at most one message) instead of reading everything into memory, and when the client reads again
// every line arrives, in order, none missing.
const LINES = 20_000;
const LINE_BYTES = 1_000;
const CLUSTER = 'paced';

describe('Logs.Tail with a client that does not read', () => {
  let database: TestDatabase;
  let db: DataSource;
  let listener: PgListener;
  let server: LogsTailServer;
  let client: LogsRpc.LogsClient;
  let jobId: number;

  before(async () => {
    const backends = await freshTestBackends('tail_paced', runMigrations);
    database = backends.db;
    db = await initializeWithRetry(createDataSource(database.url));
    const logger = createLogger('tail-paced-test', 'silent');
    const address = `127.0.0.1:${await freePort()}`;
    const config = loadLogsConfig({ SKYPORT_DATABASE_URL: database.url, SKYPORT_REDIS_URL: backends.redisUrl, SKYPORT_LOGS_GRPC: address, SKYPORT_LOG_LEVEL: 'silent', ...grpcTlsEnv('logs') });
    listener = new PgListener({ databaseUrl: database.url, applicationName: 'skyport-tail-paced-test', logger });
    server = new LogsTailServer(db, config, logger, listener);
    await server.onApplicationBootstrap();
    client = new LogsRpc.LogsClient(address, ...grpcClientArgs(grpcSecurity(grpcTlsEnv('api'), 'test'), 'logs'));

    await db.query(`INSERT INTO clusters (name, phase, infra, namespace, num_nodes, last_activity_at) VALUES ($1, $2, 'kubernetes/none', 'default', 1, now())`, [CLUSTER, ClusterStatus.Up]);
    jobId = await addJob(db, CLUSTER, { run: 'true' });
    await db.query(`UPDATE jobs SET status = $3, started_at = now() WHERE cluster_name = $1 AND job_id = $2`, [CLUSTER, jobId, JobStatus.Running]);
    await db.query(
      `INSERT INTO log_lines (cluster_name, job_id, stream, seq, node_rank, text)
       SELECT $1, $2, 'job', g, 0, lpad(g::text, ${LINE_BYTES}, '.') FROM generate_series(1, ${LINES}) g`,
      [CLUSTER, jobId],
    );
    await db.query(`INSERT INTO log_streams (cluster_name, job_id, stream, next_seq) VALUES ($1, $2, 'job', ${LINES + 1})`, [CLUSTER, jobId]);
  });

  after(async () => {
    client?.close();
    await server?.onApplicationShutdown();
    await listener?.close();
    await db?.destroy();
    await database?.drop();
  });

  it('pauses the call with at most one message held, then delivers every line in order once the client reads', async () => {
    const seqs: number[] = [];
    let eof: LogsRpc.LogChunk | undefined;
    const call = client.tail({ clusterName: CLUSTER, jobId, afterSeq: 0, follow: true, tailLines: 0, stream: 'job' });
    const ended = new Promise<void>((resolve, reject) => {
      call.on('error', reject);
      call.on('end', () => resolve());
    });
    let paused = false;
    call.on('data', (chunk: LogsRpc.LogChunk) => {
      for (const l of chunk.lines) seqs.push(l.seq);
      if (chunk.eof) eof = chunk;
      if (!paused) {
        paused = true;
        call.pause();
      }
    });

    // Wait until the server stops sending (the transport's windows are full), however long that takes here.
    let last = -1;
    let still = 0;
    for (let waited = 0; still < 10 && waited < 600; waited++) {
      await new Promise((r) => setTimeout(r, 200));
      const messages = server.callStats().writers[0]?.messages ?? 0;
      still = messages === last && messages > 0 ? still + 1 : 0;
      last = messages;
    }
    const stats = server.callStats();
    assert.equal(stats.calls, 1);
    const writer = stats.writers[0];
    const pageLines = Math.floor(PAGE_BYTES / LINE_BYTES);
    assert.ok(writer.messages * pageLines < LINES / 2, `the call paused: ${writer.messages} messages of ~${pageLines} lines sent of ${LINES} lines`);
    assert.ok(writer.pauses > 0, 'the writer waited for the client');
    // One message in flight, a page bounded by PAGE_BYTES (it may pass it by its last line).
    assert.ok(writer.peakHeldBytes <= PAGE_BYTES + LINE_BYTES, `held ${writer.peakHeldBytes} bytes at most`);
    assert.ok(stats.heldBytes <= PAGE_BYTES + LINE_BYTES);

    // The job ends; the client reads again: everything, once, in order, then the end with the final status.
    await db.query(`UPDATE log_streams SET done = true WHERE cluster_name = $1 AND job_id = $2`, [CLUSTER, jobId]);
    await db.query(`UPDATE jobs SET status = $3, ended_at = now() WHERE cluster_name = $1 AND job_id = $2`, [CLUSTER, jobId, JobStatus.Succeeded]);
    await db.query('SELECT pg_notify($1, $2)', [LOGS_CHANNEL, logsNotification(CLUSTER, jobId)]);
    call.resume();
    await ended;
    assert.equal(seqs.length, LINES);
    assert.ok(seqs.every((s, i) => s === i + 1), 'every line once, in order');
    assert.equal(eof?.eof, true);
    assert.equal(eof?.jobStatus, JobStatus.Succeeded);
  });
});
