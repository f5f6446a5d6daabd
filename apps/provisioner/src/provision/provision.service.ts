import type { DataSource, EntityManager } from 'typeorm';
import {
  ClusterStatus,
  ErrorCode,
  JobStatus,
  RequestStatus,
  SkyportError,
  TERMINAL_REQUEST_STATUSES,
  isSkyportError,
  jobGroupLaunchOf,
  launchPayloadOf,
  type BlockedCandidate,
  type ProvisionPayload,
  QueueName,
} from '@skyport/contracts';
import { resolveKubernetesSettings, type SkyportConfig } from '@skyport/config';
import { execCommand, inNodeHome, type KubeClientProvider } from '@skyport/kube';
import { AttemptEntity, BlobReader, ClusterEntity, PlanEntity, LIVE_REQUEST_STATUSES, RequestEntity, deleteRequestSecrets, readRequestSecrets, recordEvent, transitionRequest } from '@skyport/persistence';
import { isBucketMount, type TaskSpec } from '@skyport/task-spec';
import type { JobQueue, Logger } from '@skyport/service-kit';
import type { CapacityService } from '../capacity/capacity.service';
import { launchCluster, type LaunchedNode } from '../launch/kube-launcher';
import type { LaunchWatches } from '../launch/launch-watches';
import type { LaunchedPods } from '../jobs/job-driver';
import { MAIN_CONTAINER } from '../pods/cluster-labels';
import { buildPullSecret, type NodeImageDefaults } from '../pods/node-image.defaults';
import { waitForEndpoints } from '../ports/cluster-endpoints';
import { teardownCluster } from '../teardown/cluster-teardown';
import { clusterSpecFor, type PlanCandidate } from './cluster-spec.factory';
import { namespaceFor, secureTeamNamespace } from './team-namespace';
import { guardTask } from './task-guard';
import { copyToNode, nodeCopiesOf } from './blob-files';
import type { S3Buckets } from '../storage/s3-buckets';
import { prepareNamedBuckets } from '../storage/named-buckets';
import { bucketVolumesOf, requireMountDriver, type BucketVolume } from '../storage/bucket-mounts';
import { BucketGate } from '../storage/bucket-gate';
import { afterFailedAttempt } from '../cloud/failover';
import { cancelFencedLaunch, launchStillOwns, moveOwnCluster } from './launch-fence';
import { transitionJobs } from '../state/job-transition';
import { retryTransient } from './transient-retry';
import { failoverSummary } from '../cloud/failover-summary';
import { launchMetrics } from './launch-metrics';
import { kubeSettingsOfTask } from './task-kube-settings';
import { podJobStartFor } from '../jobs/pod-start-plan';

export const SOURCE = 'provisioner';

/** A cloud candidate's launch, done by the cloud burst path (apps/provisioner/src/cloud). */
export interface CloudProvisioner {
  launch(input: { clusterName: string; numNodes: number; candidate: PlanCandidate; attemptId: string; task: TaskSpec; log: (m: string) => void }): Promise<{ infra: string; nodes?: Array<Record<string, unknown>> }>;
  /** Candidates ruled out along with a failed one (same region or cloud), by the error's scope. */
  blockedBy(failed: PlanCandidate, err: unknown, candidates: readonly PlanCandidate[]): BlockedCandidate[];
  /** Removes a placement whose launch lost to a teardown. */
  teardownInfra?(clusterName: string, infra: string): Promise<boolean>;
}

export interface ProvisionDeps {
  db: DataSource;
  kube: KubeClientProvider;
  capacity: CapacityService;
  config: SkyportConfig;
  logger: Logger;
  cloud?: CloudProvisioner;
  /** Re-plans a `--no-burst` task after its attempt failed (it waits instead of failing over). */
  queue?: Pick<JobQueue, 'enqueue'>;
  /** Seconds granted after a TriggeredScaleUp event (default 600, SkyPilot's autoscaler allowance). */
  scaleUpExtensionSeconds?: number;
  /** Pod/event informers shared by launches into the same namespace (one-off informers per launch without). */
  launchWatches?: LaunchWatches;
  /** Called once the cluster's UP state is committed: the job runner starts its first job without waiting. */
  onClusterUp?: (clusterName: string, pods?: LaunchedPods) => void;
  /** Tries of one Kubernetes candidate through API blips before it counts as failed (default 6, 2 s doubling: about a minute). */
  transientTries?: number;
  transientFirstDelayMs?: number;
  /** The admin's default image and registry pull Secret for Kubernetes launches. */
  imageDefaults?: NodeImageDefaults;
  /** Reads the task's S3 COPY mounts (with the server's credentials) for its nodes. */
  buckets?: S3Buckets;
  /** SKYPORT_JOB_START: `pod` has the pods start the launch's job themselves (jobs/pod-start.ts). */
  jobStart?: 'exec' | 'pod';
}

/** Failures that would repeat identically on every candidate: trying the next one is pointless. */
function isTaskProblem(err: unknown): boolean {
  return (
    isSkyportError(err) &&
    (err.code === ErrorCode.InvalidTask ||
      (err.code === ErrorCode.InvalidRequest && err.details?.kind === 'invalid') ||
      // The cluster's pods already run with another shape: elsewhere would make a second copy of the cluster.
      err.details?.reason === 'incompatible-existing-cluster' ||
      // The admin's policy refuses the task: the same on every candidate.
      err.details?.reason === 'POLICY_DENIED')
  );
}

/**
 * `provision`: brings the cluster up on the plan's candidates in failover order. Each try is an attempt row;
 * a failed try is cleaned up completely (the launcher rolls back) and recorded with its reason, then the next
 * candidate is tried. Success marks the cluster UP (the job runner then starts its jobs); nothing left marks
 * the cluster and the request FAILED with every reason. A redelivered job resumes: attempts left `running` by
 * a crash are closed, and pods that already exist are adopted by the launcher.
 */
export class ProvisionService {
  constructor(private readonly deps: ProvisionDeps) {}

  async provision(payload: ProvisionPayload): Promise<void> {
    const { db } = this.deps;
    const request = await db.manager.findOne(RequestEntity, { where: { id: payload.requestId } });
    if (!request) throw new SkyportError(ErrorCode.NotFound, `request ${payload.requestId} does not exist`);
    if (TERMINAL_REQUEST_STATUSES.has(request.status)) return;
    const planRow = await db.manager.findOne(PlanEntity, { where: { id: payload.planId } });
    if (!planRow) throw new SkyportError(ErrorCode.NotFound, `plan ${payload.planId} does not exist`);
    const cluster = await db.manager.findOne(ClusterEntity, { where: { name: payload.clusterName } });
    if (!cluster) throw new SkyportError(ErrorCode.NotFound, `cluster ${payload.clusterName} does not exist`);
    if (cluster.status === ClusterStatus.Up && cluster.requestId === payload.requestId) return; // redelivery after success

    const plan = planRow.plan;
    const launch = launchPayloadOf(request.payload);
    if (!launch?.task) throw new SkyportError(ErrorCode.InvalidRequest, `request ${payload.requestId} carries no task`);
    const { task, autostop, noBurst, retryUntilUp } = launch;
    const numNodes = plan.numNodes || task.numNodes || 1;

    const claimed = await db.transaction(async (tx) => {
      // `down` always wins: a cluster already being torn down (or taken by another launch) is not provisioned.
      if (!(await moveOwnCluster(tx, cluster.name, payload.requestId, [ClusterStatus.Init, ClusterStatus.Provisioning], { phase: ClusterStatus.Provisioning, phaseReason: null }))) return false;
      await tx.update(AttemptEntity, { requestId: payload.requestId, outcome: 'running' }, { outcome: 'interrupted', reason: 'interrupted by a restart of the provisioner; tried again', endedAt: new Date() });
      await recordEvent(tx, SOURCE, { type: 'cluster.provisioning', message: `provisioning ${numNodes} node(s)`, requestId: payload.requestId, clusterName: cluster.name });
      return true;
    });
    if (!claimed) {
      await db.transaction((tx) => cancelFencedLaunch(tx, SOURCE, payload.requestId, cluster.name));
      launchMetrics.ended('cancelled', 'none');
      return;
    }
    const claimedAt = Date.now();

    const failed = await db.manager.find(AttemptEntity, { where: { requestId: payload.requestId, outcome: 'failed' } });
    const blocked = new Map<string, string>([...(plan.blocked ?? []).map((b) => [b.candidateId, b.reason] as const), ...failed.map((a) => [a.candidateId, a.reason ?? 'failed'] as const)]);
    const ordered = plan.chosenIndex >= 0 ? [...plan.candidates.slice(plan.chosenIndex), ...plan.candidates.slice(0, plan.chosenIndex)] : plan.candidates;
    const candidates = ordered.filter((c) => c.feasible);
    const reasons: string[] = [...blocked.entries()].map(([id, r]) => `${id}: ${r}`);
    let last: SkyportError | undefined;

    for (const candidate of candidates) {
      if (blocked.has(candidate.candidateId)) continue;
      if (!(await launchStillOwns(db.manager, cluster.name, payload.requestId))) {
        await db.transaction((tx) => cancelFencedLaunch(tx, SOURCE, payload.requestId, cluster.name));
        return;
      }
      const attempt = await db.manager.save(db.manager.create(AttemptEntity, { requestId: payload.requestId, clusterName: cluster.name, candidateId: candidate.candidateId, outcome: 'running' }));
      await recordEvent(db.manager, SOURCE, {
        type: 'provision.attempt',
        message: `trying ${candidate.candidateId} (${candidate.instanceType})`,
        requestId: payload.requestId,
        clusterName: cluster.name,
        data: { candidateId: candidate.candidateId },
      });
      try {
        const summary = failoverSummary(plan.candidates, [...blocked].map(([candidateId, reason]) => ({ candidateId, reason })), candidate);
        const placed =
          candidate.provider === 'kubernetes'
            ? await retryTransient(() => this.onKubernetes({ candidate, task, request, numNodes, autostop: autostop ?? undefined, clusterName: cluster.name }), {
                tries: this.deps.transientTries ?? 6,
                firstDelayMs: this.deps.transientFirstDelayMs ?? 2_000,
                onRetry: (err, nextTry, delayMs) =>
                  recordEvent(db.manager, SOURCE, {
                    type: 'provision.retrying',
                    message: `${candidate.candidateId}: the Kubernetes API was unavailable (${isSkyportError(err) ? err.userMessage : 'error'}); trying the same candidate again in ${Math.round(delayMs / 1000)} s (try ${nextTry})`,
                    requestId: payload.requestId,
                    clusterName: cluster.name,
                    data: { candidateId: candidate.candidateId },
                  }).then(() => undefined),
              })
            : await this.onCloud(candidate, task, cluster.name, numNodes, attempt.id, payload.requestId);
        const fenced = await db.transaction(async (tx) => {
          const up = await moveOwnCluster(tx, cluster.name, payload.requestId, [ClusterStatus.Provisioning], {
            phase: ClusterStatus.Up,
            infra: placed.infra,
            namespace: placed.namespace ?? null,
            numNodes,
            instanceType: candidate.instanceType,
            task,
            phaseReason: summary,
            lastActivityAt: new Date(),
          });
          if (!up) {
            await tx.update(AttemptEntity, { id: attempt.id }, { outcome: 'failed', reason: 'the cluster was taken down during the launch', endedAt: new Date() });
            return true;
          }
          await tx.update(AttemptEntity, { id: attempt.id }, { outcome: 'succeeded', endedAt: new Date() });
          await recordEvent(tx, SOURCE, {
            type: 'cluster.up',
            message: `cluster is up on ${candidate.candidateId}: ${placed.nodes.length} node(s); ${summary}`,
            requestId: payload.requestId,
            clusterName: cluster.name,
            data: { candidateId: candidate.candidateId, nodes: placed.nodes, ...(placed.endpoints ? { endpoints: placed.endpoints } : {}) },
          });
          return false;
        });
        if (fenced) {
          // Removed before the request ends CANCELLED, which says nothing of the launch is left. A crash in between
          // leaves the request live: the reconciler re-drives it, the launch finds its cluster taken and cancels.
          await this.removeFencedPlacement(candidate, cluster.name, placed);
          await db.transaction((tx) => cancelFencedLaunch(tx, SOURCE, payload.requestId, cluster.name));
          launchMetrics.ended('cancelled', candidate.provider);
          return;
        }
        launchMetrics.up(candidate.provider, claimedAt);
        this.announceUp(cluster.name, candidate, placed);
        return;
      } catch (err) {
        const e = isSkyportError(err) ? err : new SkyportError(ErrorCode.Internal, `launch on ${candidate.candidateId} failed unexpectedly`, {}, { cause: err });
        if (!isSkyportError(err)) this.deps.logger.error({ err: err instanceof Error ? err.stack : String(err), candidate: candidate.candidateId }, 'unexpected launch error');
        last = e;
        const ruledOut = candidate.provider !== 'kubernetes' && this.deps.cloud ? this.deps.cloud.blockedBy(candidate, err, candidates) : [{ candidateId: candidate.candidateId, reason: e.userMessage }];
        for (const b of ruledOut) blocked.set(b.candidateId, b.reason);
        reasons.push(`${candidate.candidateId}: ${e.userMessage}`);
        await db.transaction(async (tx) => {
          await tx.update(AttemptEntity, { id: attempt.id }, { outcome: 'failed', reason: e.userMessage, endedAt: new Date() });
          await recordEvent(tx, SOURCE, {
            type: 'provision.attempt_failed',
            message: `${candidate.candidateId}: ${e.userMessage}`,
            requestId: payload.requestId,
            clusterName: cluster.name,
            data: { candidateId: candidate.candidateId, code: e.code, reason: e.details?.reason ?? null },
          });
        });
        launchMetrics.failedOver(candidate.provider, e.code);
        if (isTaskProblem(err)) break;
        if (noBurst && this.deps.queue) return await this.waitForCapacity(payload, cluster.name, plan.blocked ?? [], e.userMessage);
      }
    }
    // `-r/--retry-until-up`: every candidate failed, none for the task's own sake: plan all of them again shortly.
    if (retryUntilUp && last && !isTaskProblem(last) && this.deps.queue) return await this.waitForCapacity(payload, cluster.name, [], reasons.join('; '), '--retry-until-up');
    await this.fail(payload, cluster.name, last, reasons);
  }

  private async onKubernetes(args: {
    candidate: PlanCandidate;
    task: TaskSpec;
    request: RequestEntity;
    numNodes: number;
    autostop?: { idleMinutes: number; down: boolean };
    clusterName: string;
  }): Promise<{ infra: string; namespace: string; nodes: LaunchedNode[]; endpoints?: Record<number, string> }> {
    const { candidate, task, request, clusterName } = args;
    const context = candidate.region;
    // Defence in depth: the api checked the task against the admin's policy; a hand-made payload is checked here.
    const policy = await guardTask(this.deps.db, this.deps.config, request, task);
    const clients = this.deps.kube.forContext(context);
    const settings = resolveKubernetesSettings({ config: this.deps.config, context, task: kubeSettingsOfTask(task) });
    const namespace = namespaceFor({ payload: request.payload, context, candidateNamespace: candidate.namespace, settingsNamespace: settings.namespace, contextDefault: clients.context.namespace });
    await secureTeamNamespace(clients, namespace, request.payload, policy.pod_security_enforce, (message, data) => this.deps.logger.warn({ cluster: clusterName, ...data }, message));
    const secrets = await this.secretsFor(request.id, task);
    const snapshot = this.deps.capacity.snapshot([context])[0];
    const { spec, ask } = clusterSpecFor({
      task,
      candidate,
      clusterName,
      namespace,
      user: request.owner,
      requestId: request.id,
      numNodes: args.numNodes,
      settings,
      config: this.deps.config,
      nodes: snapshot?.nodes ?? [],
      autostop: args.autostop,
      hasSecrets: Object.keys(secrets).length > 0,
      imageDefaults: this.deps.imageDefaults,
    });
    spec.automountServiceAccountToken = policy.automount_service_account_token;
    spec.jobGroup = jobGroupLaunchOf(request.payload);
    spec.bucketVolumes = await this.bucketVolumesFor(clients, context, task, clusterName);
    if (this.deps.jobStart === 'pod') {
      spec.jobStart = await podJobStartFor(this.deps.db, { request, clusterName, numNodes: args.numNodes, infra: `kubernetes/${context}`, podSecrets: secrets });
    }
    const log = (message: string, data?: Record<string, unknown>) => this.deps.logger.info({ cluster: clusterName, context, ...data }, message);
    const nodes = await launchCluster({
      clients,
      spec,
      secrets,
      timeoutSeconds: settings.provisionTimeoutSeconds,
      scaleUpExtensionSeconds: this.deps.scaleUpExtensionSeconds ?? 600,
      watches: this.deps.launchWatches,
      // Without an autoscaler a pod that fits no node will not fit by waiting: fail over at once.
      mayScaleUp: Boolean(settings.autoscaler),
      pullSecret: this.deps.imageDefaults?.pullSecret ? buildPullSecret(namespace, this.deps.imageDefaults.pullSecret) : undefined,
      ask,
      log,
    });
    await this.syncFiles(clients, namespace, nodes, task, clusterName, { bucketsPrepared: (spec.bucketVolumes?.length ?? 0) > 0 });
    const endpoints = spec.ports.length > 0 ? await waitForEndpoints(clients, namespace, clusterName, spec.ports, spec.portsMode) : undefined;
    return { infra: `kubernetes/${context}`, namespace, nodes, endpoints };
  }

  /** Tells the job runner; the cluster is UP either way, so a failure here is only logged (reconcile catches up). */
  private announceUp(clusterName: string, candidate: PlanCandidate, placed: { namespace?: string; nodes: LaunchedNode[] }): void {
    try {
      const pods = candidate.provider === 'kubernetes' && placed.namespace ? { context: candidate.region, namespace: placed.namespace, nodes: placed.nodes } : undefined;
      this.deps.onClusterUp?.(clusterName, pods);
    } catch (err) {
      this.deps.logger.warn({ cluster: clusterName, err: err instanceof Error ? err.message : String(err) }, 'could not start the first job at once; the reconcile pass will');
    }
  }

  /**
   * The task's uploaded workdir and file_mounts into every node: tars built from the blob store (never a path on
   * this machine), extracted over exec — the workdir into ~/sky_workdir, mounts at their targets.
   */
  private async syncFiles(
    clients: ReturnType<KubeClientProvider['forContext']>,
    namespace: string,
    nodes: LaunchedNode[],
    task: TaskSpec,
    clusterName: string,
    opts: { bucketsPrepared: boolean },
  ): Promise<void> {
    try {
      const reader = new BlobReader(this.deps.db);
      const gate = BucketGate.for(this.deps.db, this.deps.buckets, { clusterName });
      if (!opts.bucketsPrepared) await prepareNamedBuckets(this.deps.db, reader, this.deps.buckets, task, gate);
      const copies = await nodeCopiesOf(reader, task, this.deps.buckets, gate, { podVolumes: true });
      if (copies.length === 0) return;
      await Promise.all(
        nodes.map(async (n) => {
          const target = { clients, namespace, pod: n.pod, container: MAIN_CONTAINER };
          const node = { label: `pod ${n.pod}`, exec: (argv: string[], opts: { stdin?: Buffer; timeoutMs?: number }) => execCommand(target, inNodeHome(argv), opts) };
          for (const c of copies) await copyToNode(node, c);
        }),
      );
    } catch (err) {
      // The pods are up but unusable without their files: roll back like any failed launch.
      await teardownCluster(clients, namespace, clusterName).catch(() => undefined);
      throw err;
    }
  }

  /**
   * The task's MOUNT/MOUNT_CACHED buckets as pod volumes, before any object is made: the context must have the S3
   * mount driver, and named buckets are created and synced (and every bucket checked) now, since the pods mount them
   * as they start. Nothing for a task without such mounts.
   */
  private async bucketVolumesFor(clients: ReturnType<KubeClientProvider['forContext']>, context: string, task: TaskSpec, clusterName: string): Promise<BucketVolume[]> {
    if (!task.fileMounts.some(isBucketMount)) return [];
    await requireMountDriver(clients, context);
    const gate = BucketGate.for(this.deps.db, this.deps.buckets, { clusterName });
    await prepareNamedBuckets(this.deps.db, new BlobReader(this.deps.db), this.deps.buckets, task, gate);
    return bucketVolumesOf(task, gate);
  }

  /** A launch that lost to `down` after placing its nodes removes them itself: the teardown already ran. */
  private async removeFencedPlacement(candidate: PlanCandidate, clusterName: string, placed: { infra: string; namespace?: string }): Promise<void> {
    try {
      if (candidate.provider === 'kubernetes' && placed.namespace) {
        const clients = this.deps.kube.forContext(candidate.region, { forCleanup: true });
        await teardownCluster(clients, placed.namespace, clusterName);
      } else if (candidate.provider !== 'kubernetes') {
        await this.deps.cloud?.teardownInfra?.(clusterName, placed.infra);
      }
      this.deps.logger.info({ cluster: clusterName, candidate: candidate.candidateId }, 'launch lost to a teardown; removed what it had placed');
    } catch (err) {
      // The reaper removes what is left: the cluster row is TEARING_DOWN/TERMINATED, so these are orphans.
      this.deps.logger.warn({ cluster: clusterName, err: err instanceof Error ? err.message : String(err) }, 'could not remove the placement of a launch that lost to a teardown');
    }
  }

  private async onCloud(candidate: PlanCandidate, task: TaskSpec, clusterName: string, numNodes: number, attemptId: string, requestId: string) {
    if (!this.deps.cloud) {
      throw new SkyportError(ErrorCode.ProviderUnavailable, `${candidate.candidateId}: cloud launches are not enabled on this provisioner.`, { scope: 'cloud' });
    }
    const placed = await this.deps.cloud.launch({ clusterName, numNodes, candidate, attemptId, task, log: (m) => this.deps.logger.info({ cluster: clusterName, requestId }, m) });
    return { infra: placed.infra, namespace: undefined, nodes: (placed.nodes ?? []) as unknown as LaunchedNode[], endpoints: undefined };
  }

  /** A `--no-burst` task whose attempt failed (or a `--retry-until-up` one whose every candidate did) waits: request
   * PENDING, cluster INIT, the reason as an event; it is planned again shortly on fresh capacity. */
  private async waitForCapacity(payload: ProvisionPayload, clusterName: string, previous: BlockedCandidate[], reason: string, flag = '--no-burst'): Promise<void> {
    // A time-based round never collides with the optimizer's own +1 rounds for this request.
    const next = afterFailedAttempt({ requestId: payload.requestId, clusterName, noBurst: true, previous, ruledOut: [], waitRound: Date.now() });
    const waiting = await this.deps.db.transaction(async (tx) => {
      if (!(await moveOwnCluster(tx, clusterName, payload.requestId, [ClusterStatus.Provisioning], { phase: ClusterStatus.Init, phaseReason: `waiting for capacity (${flag}): ${reason}` }))) {
        await cancelFencedLaunch(tx, SOURCE, payload.requestId, clusterName);
        return false;
      }
      await transitionRequest(tx, SOURCE, payload.requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Pending });
      await recordEvent(tx, SOURCE, {
        type: 'request.waiting',
        message: `waiting for capacity (${flag})${flag === '--no-burst' ? ', not failing over' : ', every candidate failed; planning all again'}: ${reason}`,
        requestId: payload.requestId,
        clusterName,
      });
      return true;
    });
    launchMetrics.ended(waiting ? 'waiting' : 'cancelled', 'none');
    if (!waiting) return;
    await this.deps.queue!.enqueue(QueueName.Optimize, next.payload, { delayMs: next.delayMs });
  }

  private async secretsFor(requestId: string, task: TaskSpec): Promise<Record<string, string>> {
    // Opened here only, to build the pod's Secret; never logged or put in an event or error.
    const stored = await readRequestSecrets(this.deps.db.manager, requestId);
    const fromTask = Object.fromEntries(Object.entries(task.secrets ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return { ...fromTask, ...stored };
  }

  private async fail(payload: ProvisionPayload, clusterName: string, last: SkyportError | undefined, reasons: string[]): Promise<void> {
    const message =
      reasons.length > 0
        ? `Could not bring cluster ${clusterName} up on any candidate: ${reasons.join(' | ')}`
        : `Could not bring cluster ${clusterName} up: the plan has no feasible candidate left.`;
    const code = last?.code ?? ErrorCode.NoFeasibleResources;
    await this.deps.db.transaction(async (tx: EntityManager) => {
      // A cluster that a `down` took meanwhile stays as the teardown leaves it.
      await moveOwnCluster(tx, clusterName, payload.requestId, [ClusterStatus.Init, ClusterStatus.Provisioning], { phase: ClusterStatus.Failed, phaseReason: message });
      await transitionJobs(tx, { clusterName, requestId: payload.requestId }, { from: [JobStatus.Pending], to: JobStatus.Failed });
      await recordEvent(tx, SOURCE, { type: 'cluster.failed', message, requestId: payload.requestId, clusterName });
      // After the cluster's event, so the request's comes last as it always has.
      await transitionRequest(tx, SOURCE, payload.requestId, { from: LIVE_REQUEST_STATUSES, to: RequestStatus.Failed, errorCode: code, errorMessage: message, message, clusterName, data: { code } });
      await deleteRequestSecrets(tx, payload.requestId); // a failed launch keeps no secrets
    });
    launchMetrics.ended('failed', 'none');
  }
}
