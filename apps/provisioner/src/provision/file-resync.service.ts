import { Inject, Injectable, Module, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClusterStatus, ErrorCode, JobStatus, RequestStatus, SkyportError } from '@skyport/contracts';
import { KUBE_PROVIDER, execCommand, inNodeHome, listClusterNodes, type KubeClientProvider } from '@skyport/kube';
import { BlobReader, LIVE_REQUEST_STATUSES, recordEvent, transitionRequest } from '@skyport/persistence';
import { SERVICE_LOGGER, runPeriodically, type Logger, type Periodic } from '@skyport/service-kit';
import { isBucketMount, type TaskSpec } from '@skyport/task-spec';
import { CloudNodes } from '../cloud/cloud-nodes.service';
import { JobsModule } from '../jobs/jobs.module';
import { JobRunner } from '../jobs/job-runner.service';
import { KubeProvisionModule } from './kube-provision.module';
import { copyToNode, EXTRACT_SCRIPT, nodeCopiesOf, VM_EXTRACT_SCRIPT } from './blob-files';
import { S3_BUCKETS } from '../storage/s3-buckets.provider';
import type { S3Buckets } from '../storage/s3-buckets';
import { BucketGate } from '../storage/bucket-gate';
import { prepareNamedBuckets } from '../storage/named-buckets';
import { bucketUrlOf } from '../storage/bucket-copies';
import { transitionJobs } from '../state/job-transition';

const SOURCE = 'provisioner';
const INTERVAL_MS = 1_000;
const MAX_TRIES = 5;

interface WaitingJob {
  cluster_name: string;
  job_id: number;
  request_id: string | null;
  task: TaskSpec;
  status: ClusterStatus;
  infra: string | null;
  namespace: string | null;
  cancel_requested: boolean;
  /** The request's kind: a `launch` onto an UP cluster finds its bucket MOUNTs in place; an `exec` cannot make them. */
  kind: string | null;
}

/**
 * `skyport exec` (or a launch onto an UP cluster) with uploaded files: the api writes the job INIT; here its
 * workdir and file_mounts are copied from the blob store onto every node (named storage synced into its bucket and
 * the bucket copied again, COPY buckets read again), then the job becomes PENDING and the job runner takes it — as
 * `sky exec` syncs the workdir and `sky launch` on an existing cluster re-runs the file_mounts before the job.
 */
@Injectable()
export class FileResync implements OnApplicationBootstrap, OnApplicationShutdown {
  private periodic?: Periodic;
  private readonly tries = new Map<string, number>();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(KUBE_PROVIDER) private readonly kube: KubeClientProvider,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(JobRunner) private readonly jobs?: JobRunner,
    @Optional() @Inject(CloudNodes) private readonly cloud?: CloudNodes,
    @Optional() @Inject(S3_BUCKETS) private readonly buckets?: S3Buckets,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic = runPeriodically(
      () => this.pass(),
      () => INTERVAL_MS,
      (e) => this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'file re-sync pass failed'),
    );
  }

  onApplicationShutdown(): void {
    this.periodic?.stop();
  }

  async pass(): Promise<void> {
    const rows: WaitingJob[] = await this.db.query(
      `SELECT j.cluster_name, j.job_id, j.request_id, j.task, c.status, c.infra, c.namespace,
              EXISTS (SELECT 1 FROM job_cancel_requests r WHERE r.cluster_name = j.cluster_name AND r.job_id = j.job_id) AS cancel_requested,
              (SELECT q.kind FROM requests q WHERE q.id = j.request_id) AS kind
       FROM jobs j JOIN clusters c ON c.name = j.cluster_name WHERE j.status = $1 ORDER BY j.cluster_name, j.job_id`,
      [JobStatus.Init],
    );
    for (const row of rows) {
      if (row.cancel_requested) await this.end(row, JobStatus.Cancelled, `job ${row.job_id} was cancelled before it started`);
      else if (row.status === ClusterStatus.Up) await this.sync(row);
      else if (row.status !== ClusterStatus.Init && row.status !== ClusterStatus.Provisioning) {
        await this.end(row, JobStatus.Cancelled, `job ${row.job_id} was cancelled: cluster '${row.cluster_name}' is ${row.status}`);
      }
    }
  }

  private async sync(row: WaitingJob): Promise<void> {
    const key = `${row.cluster_name}/${row.job_id}`;
    try {
      if (row.kind === 'launch') await this.refuseNewMounts(row);
      // The exec's caller reads the buckets (an admin's exec on a team's cluster reads as the admin).
      const gate = BucketGate.for(this.db, this.buckets, { clusterName: row.cluster_name, requestId: row.request_id });
      const reader = new BlobReader(this.db);
      // As a launch does (and `sky launch` on an existing cluster): named storage gets its uploaded source again
      // first, then every node gets the bucket as it is now — with what other clusters wrote into it meanwhile.
      await prepareNamedBuckets(this.db, reader, this.buckets, row.task, gate);
      const cloud = await this.cloud?.nodesOf({ name: row.cluster_name, infra: row.infra });
      // MOUNT/MOUNT_CACHED buckets were mounted when the cluster was launched (pod volumes, rclone on VMs): a launch
      // onto it keeps them as they are; an exec naming them is refused (bucket-copies.ts).
      const mounted = row.kind === 'launch' ? (cloud ? { vmMounts: true } : { podVolumes: true }) : {};
      const copies = await nodeCopiesOf(reader, row.task, this.buckets, gate, mounted);
      const nodes = cloud
        ? cloud.map((n) => ({ label: `VM ${n.pod}`, exec: n.exec }))
        : (await listClusterNodes(this.kube, { name: row.cluster_name, infra: row.infra, namespace: row.namespace })).map((n) => ({
            label: `pod ${n.pod}`,
            exec: (argv: string[], opts: { stdin?: Buffer; timeoutMs?: number }) => execCommand(n.target, inNodeHome(argv), opts),
          }));
      await Promise.all(nodes.map(async (n) => {
        // VMs: home-relative targets under the node's directory, as at launch (cloud/vm-node.ts).
        for (const c of copies) await copyToNode(n, c, cloud ? VM_EXTRACT_SCRIPT : EXTRACT_SCRIPT);
      }));
      this.tries.delete(key);
      await this.db.transaction(async (tx) => {
        if (!(await transitionJobs(tx, { clusterName: row.cluster_name, jobId: row.job_id }, { from: [JobStatus.Init], to: JobStatus.Pending })).length) return;
        // `job.files_synced` rather than `job.pending`: it says what made the job ready.
        await recordEvent(tx, SOURCE, {
          type: 'job.files_synced',
          message: `job ${row.job_id}: uploaded files synced to ${nodes.length} node(s)`,
          requestId: row.request_id,
          clusterName: row.cluster_name,
          jobId: row.job_id,
        });
      });
      this.jobs?.kick(row.cluster_name);
    } catch (error) {
      // The task itself is at fault (a mount this cluster cannot make, a store Skyport does not read): trying again
      // changes nothing.
      if (error instanceof SkyportError && error.code === ErrorCode.InvalidTask) {
        this.tries.delete(key);
        return this.end(row, JobStatus.FailedDriver, `job ${row.job_id}: ${error.message}`);
      }
      const n = (this.tries.get(key) ?? 0) + 1;
      this.tries.set(key, n);
      const why = error instanceof Error ? error.message : String(error);
      if (n < MAX_TRIES) return this.logger.warn({ cluster: row.cluster_name, jobId: row.job_id, err: why }, 'syncing uploaded files failed; retrying');
      this.tries.delete(key);
      await this.end(row, JobStatus.FailedDriver, `job ${row.job_id}: its uploaded files could not be copied onto the cluster: ${why}`);
    }
  }

  /**
   * A launch onto a running cluster finds the bucket MOUNTs the cluster was launched with (pod volumes and VM mounts
   * are made once, at launch): one it was not launched with would silently be missing, so the job is refused instead.
   */
  private async refuseNewMounts(row: WaitingJob): Promise<void> {
    const wanted = row.task.fileMounts.filter(isBucketMount);
    if (!wanted.length) return;
    const launched: Array<{ task: TaskSpec | null }> = await this.db.query(
      `SELECT r.payload->'task' AS task FROM clusters c JOIN requests r ON r.id = c.request_id WHERE c.name = $1`,
      [row.cluster_name],
    );
    // A cluster whose launch is not on record (rows from before requests were kept) is taken at its word.
    if (!launched[0]?.task) return;
    const have = new Set((launched[0].task.fileMounts ?? []).filter(isBucketMount).map(mountKey));
    const missing = wanted.find((m) => !have.has(mountKey(m)));
    if (!missing) return;
    throw new SkyportError(
      ErrorCode.InvalidTask,
      `file_mounts '${missing.target}' (${bucketUrlOf(missing) ?? missing.storage?.name}, mode ${missing.storage?.mode ?? 'MOUNT'}): cluster '${row.cluster_name}' was not launched with this mount, and a running cluster's mounts cannot change — use mode: COPY, or take the cluster down ('skyport down ${row.cluster_name}') and launch again`,
      { kind: 'mount-not-on-cluster', target: missing.target },
    );
  }

  private async end(row: WaitingJob, status: JobStatus, message: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await transitionJobs(tx, { clusterName: row.cluster_name, jobId: row.job_id }, { from: [JobStatus.Init], to: status, event: { message: () => message } })).length) return;
      if (row.request_id) {
        const failed = status !== JobStatus.Cancelled;
        await transitionRequest(tx, SOURCE, row.request_id, {
          from: LIVE_REQUEST_STATUSES,
          to: failed ? RequestStatus.Failed : RequestStatus.Cancelled,
          errorCode: failed ? 'JOB_FAILED' : null,
          errorMessage: failed ? message : null,
        });
      }
    });
  }
}

/** A bucket MOUNT as the cluster's pods hold it: where, which bucket, how. */
function mountKey(m: TaskSpec['fileMounts'][number]): string {
  return `${m.target}\n${bucketUrlOf(m) ?? m.storage?.name ?? ''}\n${m.storage?.mode ?? 'MOUNT'}`;
}

@Module({ imports: [KubeProvisionModule, JobsModule], providers: [FileResync] })
export class FileResyncModule {}
