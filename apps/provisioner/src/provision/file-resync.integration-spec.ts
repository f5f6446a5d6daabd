import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { KubeClientProvider } from '@skyport/kube';
import { createLogger } from '@skyport/service-kit';
import { parseTaskYaml } from '@skyport/task-spec';
import { migratedTestDatabase, type MigratedTestDatabase } from '@skyport/persistence/testing';
import type { CloudNodes } from '../cloud/cloud-nodes.service';
import { FileResync } from './file-resync.service';

const hasDb = Boolean(process.env.SKYPORT_TEST_DATABASE_URL);

/**
 * `exec` with uploaded files on a running cluster: the INIT job's files go onto every node from the blob store,
 * then it becomes PENDING; a cancel or a cluster that went away ends it without copying. Nodes are stand-ins
 * (the VM seam) that record what they were asked to run.
 */
describe('file re-sync of exec jobs (Postgres)', { skip: hasDb ? false : 'needs the local stack (npm test)' }, () => {
  let db: MigratedTestDatabase;
  let ds: DataSource;
  const ran: Array<{ node: string; argv: string[]; stdin?: Buffer }> = [];
  const cloud = {
    nodesOf: async (cluster: { name: string }) =>
      ['0', '1'].map((rank) => ({
        rank: Number(rank),
        pod: `${cluster.name}-${rank}`,
        ip: '',
        phase: 'Running',
        exec: async (argv: string[], opts: { stdin?: Buffer }) => {
          ran.push({ node: `${cluster.name}-${rank}`, argv, stdin: opts.stdin });
          return { exitCode: 0, stdout: '', stderr: '' };
        },
      })),
  } as unknown as CloudNodes;
  let resync: FileResync;
  let ref: string;

  const job = async (cluster: string, status: string, cancel = false) => {
    await ds.query(`INSERT INTO clusters (name, phase, infra) VALUES ($1, $2, 'aws/us-east-1') ON CONFLICT (name) DO UPDATE SET phase = $2`, [cluster, status]);
    const requestId = randomUUID();
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'exec', 'PENDING', $2, 1, 'h', '{}', 'alice')`, [requestId, cluster]);
    const task = parseTaskYaml(`run: ls\nworkdir: ${ref}\n`).tasks[0]!;
    await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'INIT', $2, $3)`, [cluster, requestId, JSON.stringify(task)]);
    if (cancel) await ds.query(`INSERT INTO job_cancel_requests (cluster_name, job_id, request_id) VALUES ($1, 1, $2)`, [cluster, randomUUID()]);
    return requestId;
  };
  const statusOf = async (cluster: string) => ((await ds.query(`SELECT status FROM jobs WHERE cluster_name = $1`, [cluster])) as Array<{ status: string }>)[0]?.status;

  before(async () => {
    db = await migratedTestDatabase('file_resync');
    ds = db.ds;
    const content = Buffer.from('print(2)\n');
    const digest = createHash('sha256').update(content).digest('hex');
    const manifest = { version: 1, kind: 'dir', entries: [{ path: 'main.py', type: 'file', mode: 0o644, size: content.length, sha256: digest, chunks: [digest] }] };
    const manifestDigest = createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
    await ds.query(`INSERT INTO blobs (digest, size, data) VALUES ($1, $2, $3)`, [digest, content.length, content]);
    await ds.query(`INSERT INTO blob_manifests (scope, digest, body, chunks, total_bytes) VALUES ('team:t', $1, $2, $3, $4)`, [manifestDigest, JSON.stringify(manifest), [digest], content.length]);
    ref = `skyport-blob://${manifestDigest}`;
    resync = new FileResync(ds, {} as KubeClientProvider, createLogger('test', 'warn'), undefined, cloud);
  });

  after(async () => {
    await db?.drop();
  });

  test('an INIT job on an UP cluster: files extracted on every node, then PENDING with an event', async () => {
    await job('rs-up', 'UP');
    await resync.pass();
    assert.equal(await statusOf('rs-up'), 'PENDING');
    const calls = ran.filter((r) => r.node.startsWith('rs-up'));
    assert.deepEqual(calls.map((c) => c.node).sort(), ['rs-up-0', 'rs-up-1']);
    assert.equal(calls[0].argv[4], '~/sky_workdir');
    assert.match(calls[0].argv[2], /d="\$\{d#/, 'the VM form of the extraction (targets under the node directory)');
    assert.ok(calls[0].stdin?.includes(Buffer.from('print(2)')), 'the tar carries the file');
    const events = (await ds.query(`SELECT type FROM events WHERE cluster_name = 'rs-up'`)) as Array<{ type: string }>;
    assert.deepEqual(events.map((e) => e.type), ['job.files_synced']);
  });

  test('waits while the cluster is launching; ends CANCELLED when it went away or the job was cancelled (nothing copied)', async () => {
    ran.length = 0;
    await job('rs-init', 'INIT');
    const gone = await job('rs-gone', 'TERMINATED');
    await job('rs-cancel', 'UP', true);
    await resync.pass();
    assert.equal(await statusOf('rs-init'), 'INIT');
    assert.equal(await statusOf('rs-gone'), 'CANCELLED');
    assert.equal(await statusOf('rs-cancel'), 'CANCELLED');
    assert.equal(((await ds.query(`SELECT status FROM requests WHERE id = $1`, [gone])) as Array<{ status: string }>)[0].status, 'CANCELLED');
    assert.deepEqual(ran, []);
  });

  test('a launch onto the UP cluster keeps its bucket MOUNTs (mounted at launch) and syncs the rest; an exec naming one fails, saying use COPY', async () => {
    ran.length = 0;
    const admin = randomUUID();
    await ds.query(`INSERT INTO users (id, name, role) VALUES ($1, 'root-rs', 'admin')`, [admin]);
    const task = parseTaskYaml(`run: ls\nworkdir: ${ref}\nfile_mounts:\n  /b:\n    source: s3://some-bucket\n    mode: MOUNT\n`).tasks[0]!;
    for (const [cluster, kind] of [['rs-mnt-launch', 'launch'], ['rs-mnt-exec', 'exec']]) {
      await ds.query(`INSERT INTO clusters (name, phase, infra) VALUES ($1, 'UP', 'aws/us-east-1')`, [cluster]);
      const requestId = randomUUID();
      await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, $2, 'PENDING', $3, 1, 'h', '{}', $4)`, [requestId, kind, cluster, admin]);
      await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ($1, 1, 'INIT', $2, $3)`, [cluster, requestId, JSON.stringify(task)]);
    }
    for (let i = 0; i < 5; i++) await resync.pass(); // an exec's failure is retried 5 times before it ends the job
    assert.equal(await statusOf('rs-mnt-launch'), 'PENDING');
    assert.deepEqual(ran.map((r) => [r.node, r.argv[4]]).sort(), [['rs-mnt-launch-0', '~/sky_workdir'], ['rs-mnt-launch-1', '~/sky_workdir']]);
    assert.equal(await statusOf('rs-mnt-exec'), 'FAILED_DRIVER');
    const failed = (await ds.query(`SELECT r.error_message FROM requests r JOIN jobs j ON j.request_id = r.id WHERE j.cluster_name = 'rs-mnt-exec'`)) as Array<{ error_message: string }>;
    assert.match(failed[0]!.error_message, /file_mounts '\/b': mode MOUNT .* not supported in an exec: use mode: COPY/);
  });

  test('a launch onto a cluster that was launched without one of its bucket MOUNTs fails at once, naming it; the same MOUNTs sync', async () => {
    ran.length = 0;
    const admin = randomUUID();
    await ds.query(`INSERT INTO users (id, name, role) VALUES ($1, 'root-rs-new', 'admin')`, [admin]);
    const launchTask = parseTaskYaml(`run: ls\nfile_mounts:\n  /b:\n    source: s3://some-bucket\n    mode: MOUNT\n`).tasks[0]!;
    const first = randomUUID();
    await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'SUCCEEDED', 'rs-mnt-new', 1, 'h', $2, $3)`, [first, JSON.stringify({ task: launchTask }), admin]);
    await ds.query(`INSERT INTO clusters (name, phase, infra, request_id) VALUES ('rs-mnt-new', 'UP', 'aws/us-east-1', $1)`, [first]);
    const relaunch = async (jobId: number, yaml: string) => {
      const requestId = randomUUID();
      await ds.query(`INSERT INTO requests (id, kind, status, cluster_name, job_id, body_hash, payload, owner) VALUES ($1, 'launch', 'PENDING', 'rs-mnt-new', $2, 'h', '{}', $3)`, [requestId, jobId, admin]);
      await ds.query(`INSERT INTO jobs (cluster_name, job_id, status, request_id, task) VALUES ('rs-mnt-new', $1, 'INIT', $2, $3)`, [jobId, requestId, JSON.stringify(parseTaskYaml(yaml).tasks[0]!)]);
      return requestId;
    };
    await relaunch(1, `run: ls\nworkdir: ${ref}\nfile_mounts:\n  /b:\n    source: s3://some-bucket\n    mode: MOUNT\n`);
    const refused = await relaunch(2, `run: ls\nworkdir: ${ref}\nfile_mounts:\n  /c:\n    source: s3://other-bucket\n    mode: MOUNT_CACHED\n`);
    await resync.pass();
    const jobs = (await ds.query(`SELECT job_id, status FROM jobs WHERE cluster_name = 'rs-mnt-new' ORDER BY job_id`)) as Array<{ job_id: number; status: string }>;
    assert.deepEqual(jobs.map((j) => j.status), ['PENDING', 'FAILED_DRIVER'], 'refused at the first pass, not after retries');
    const failed = (await ds.query(`SELECT error_message FROM requests WHERE id = $1`, [refused])) as Array<{ error_message: string }>;
    assert.match(failed[0]!.error_message, /file_mounts '\/c' \(s3:\/\/other-bucket, mode MOUNT_CACHED\): cluster 'rs-mnt-new' was not launched with this mount.*skyport down rs-mnt-new/);
  });
});
