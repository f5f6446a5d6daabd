import { ErrorCode, SkyportError } from '@skyport/contracts';
import { ANNOTATION_REQUEST, isKubeConflict, kubeCall, kubeCallOrUndefined, kubeStatusCode, type KubeClients, type V1Pod, type V1Secret } from '@skyport/kube';
import { ANNOTATION_START_JOB } from '../jobs/pod-start';
import { buildClusterObjects, buildSecret, secretName, type ClusterObjects, type ClusterSpec } from '../pods/cluster-objects.builder';
import { buildEphemeralClaims } from '../pods/ephemeral-claims';
import { teardownCluster } from '../teardown/cluster-teardown';
import { evaluateLaunch } from './launch-verdict';
import { diagnoseUnschedulable, isDefinitelyUnschedulable, kubectlHint, type PodAsk } from './scheduling-diagnosis';
import { describeShapeDifference } from './relaunch-compat';
import { foreignObjectError, ownedByCluster } from './object-ownership';
import { LaunchWatches, type LaunchWatch } from './launch-watches';
import { ensureJobGroupService } from './job-group-service';

export interface LaunchInput {
  clients: KubeClients;
  spec: ClusterSpec;
  /** Task secrets: go into a Kubernetes Secret, never into the pod spec, logs or events. */
  secrets: Record<string, string>;
  /** Seconds to wait for every pod to run (before the per-node allowance). */
  timeoutSeconds: number;
  /** Extra seconds granted once an autoscaler says it is adding nodes (TriggeredScaleUp). */
  scaleUpExtensionSeconds?: number;
  /**
   * A cluster autoscaler may add nodes to this context (`kubernetes.autoscaler`): a pod that fits no node now
   * may fit soon, so even a definite FailedScheduling is waited out until the timeout.
   */
  mayScaleUp?: boolean;
  /** How long a definite FailedScheduling must stand before the launch gives up early (default 1 s). */
  unschedulableGraceMs?: number;
  ask: PodAsk;
  log?: (message: string, data?: Record<string, unknown>) => void;
  /** The provisioner's shared informers; without, this launch lists and watches on its own. */
  watches?: LaunchWatches;
  /** The admin's registry pull Secret (node-image.defaults.ts), created or refreshed in the namespace first. */
  pullSecret?: V1Secret;
  /**
   * Once every pod is on a node, how long its containers may take to start (image pulls: minutes for a large
   * image on a real node). The provision timeout is SkyPilot's scheduling timeout; like SkyPilot, a scheduled pod
   * is waited for while its containers are created, and a pull error still fails at once. Default 600 s.
   */
  containerStartSeconds?: number;
}

export interface LaunchedNode {
  rank: number;
  pod: string;
  ip: string;
  node: string;
  /** The job the pod's command starts (SKYPORT_JOB_START=pod: its `skyport.dev/start-job` annotation). */
  startJob?: string;
}

/** A launch that did not come up; the cluster's objects were already removed when this is thrown. */
export class LaunchFailedError extends SkyportError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly reason: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { reason, ...details });
    this.name = 'LaunchFailedError';
  }
}

/** SkyPilot's allowance: the base timeout plus 0.2 s for every node beyond the first. */
export function launchTimeoutMs(base: number, numNodes: number): number {
  return Math.round((base + 0.2 * Math.max(0, numNodes - 1)) * 1000);
}

/**
 * Brings a cluster's pods up on one context, all or nothing: creates the Secret, the headless Service, the
 * pods and the port Services/Ingress, then watches (informers, no polling) until every pod runs, a pod hits a
 * state that will not recover, or the deadline passes. Any failure removes every object of the cluster before
 * the error is thrown. Pods that already exist with the same shape are adopted, so a launch interrupted by a
 * restart of this service finishes instead of leaving orphans.
 */
export async function launchCluster(input: LaunchInput): Promise<LaunchedNode[]> {
  const { clients, spec } = input;
  const namespace = spec.namespace;
  const log = input.log ?? (() => undefined);
  const objects = buildClusterObjects({ ...spec, secretName: Object.keys(input.secrets).length > 0 ? secretName(spec.clusterName) : undefined });
  const watch = (input.watches ?? new LaunchWatches(0)).acquire(clients, namespace);
  const { pods, events } = watch;
  try {
    // Creating while the informers (if new) still sync loses nothing: their first list includes what exists.
    const synced = Promise.all([pods.waitForSync(15_000), events.waitForSync(15_000)]).then(
      () => undefined,
      (e: unknown) => {
        throw pods.lastError ?? events.lastError ?? e;
      },
    );
    await allOrFirstFailure([createObjects(input, objects), synced]);
    log(`created ${objects.pods.length} pod(s) on context ${clients.context.name}, namespace ${namespace}`);
    const expected = objects.pods.map((p) => p.metadata?.name ?? '');
    const running = await waitForPods(input, expected, pods, events);
    // Again once the pods run: a teardown of the group's last other cluster may have removed it meanwhile.
    if (spec.jobGroup) await ensureJobGroupService(clients, namespace, spec.jobGroup);
    return running;
  } catch (err) {
    // Refusing to replace a running cluster of another shape must leave that cluster alone.
    if (err instanceof SkyportError && err.details?.reason === 'incompatible-existing-cluster') throw err;
    log('launch failed; removing every object of the cluster', { error: err instanceof Error ? err.message : String(err) });
    await teardownCluster(clients, namespace, spec.clusterName).catch((e: unknown) =>
      log('rollback incomplete; teardown will finish it', { error: e instanceof Error ? e.message : String(e) }),
    );
    throw err;
  } finally {
    await watch.release();
  }
}

async function createObjects(input: LaunchInput, objects: ClusterObjects): Promise<void> {
  const { clients, spec } = input;
  const namespace = spec.namespace;
  const context = clients.context.name;
  const op = (resource: string, name?: string) => ({ verb: 'create', resource, name, namespace, context });
  const missingNamespace = (err: unknown) =>
    kubeStatusCode((err as { cause?: unknown }).cause ?? err) === 404
      ? new SkyportError(
          ErrorCode.NotFound,
          `Namespace "${namespace}" does not exist in context "${context}". Create it (\`kubectl --context ${context} create namespace ${namespace}\`) or set kubernetes.namespace.`,
          { namespace, context },
        )
      : err;
  // Create if absent; one that exists is kept only when it is this cluster's (a relaunch), never another's.
  const createOrKeep = async <T>(resource: string, name: string, fn: () => Promise<T>, read: () => Promise<{ metadata?: { labels?: Record<string, string> } }>): Promise<void> => {
    try {
      await kubeCall(op(resource, name), fn);
    } catch (err) {
      if (!isKubeConflict(err)) throw missingNamespace(err);
      const existing = await kubeCallOrUndefined({ ...op(resource, name), verb: 'get' }, read);
      if (existing && !ownedByCluster(existing, spec.clusterName)) throw foreignObjectError(resource.replace(/s$/, ''), name, namespace, context, spec.clusterName, existing);
    }
  };

  const upsertSecret = async (secret: V1Secret): Promise<void> => {
    try {
      await kubeCall(op('secrets', secret.metadata?.name), () => clients.core.createNamespacedSecret({ namespace, body: secret }));
    } catch (err) {
      if (!isKubeConflict(err)) throw missingNamespace(err);
      await kubeCall({ ...op('secrets', secret.metadata?.name), verb: 'update' }, () =>
        clients.core.replaceNamespacedSecret({ name: secret.metadata?.name ?? '', namespace, body: secret }),
      );
    }
  };
  // The registry's pull Secret is shared by every cluster of the namespace (no cluster label: teardown keeps it).
  if (input.pullSecret) await upsertSecret({ ...input.pullSecret, metadata: { ...input.pullSecret.metadata, namespace } });
  if (Object.keys(input.secrets).length > 0) {
    const secret = buildSecret(spec, input.secrets);
    const name = secret.metadata?.name ?? '';
    try {
      await kubeCall(op('secrets', name), () => clients.core.createNamespacedSecret({ namespace, body: secret }));
    } catch (err) {
      if (!isKubeConflict(err)) throw missingNamespace(err);
      // Refreshed only when it is this cluster's own Secret (a relaunch with new values); another's stays as it is.
      const existing = await kubeCallOrUndefined({ ...op('secrets', name), verb: 'get' }, () => clients.core.readNamespacedSecret({ name, namespace }));
      if (existing && !ownedByCluster(existing, spec.clusterName)) throw foreignObjectError('secret', name, namespace, context, spec.clusterName, existing);
      await kubeCall({ ...op('secrets', secret.metadata?.name), verb: 'update' }, () =>
        clients.core.replaceNamespacedSecret({ name: secret.metadata?.name ?? '', namespace, body: secret }),
      );
    }
  }
  // A task's named volume is a claim in this namespace. One that is not here (a volume in another namespace or
  // context) would keep the pod Pending until the timeout: say so now, and let the launch fail over.
  await allOrFirstFailure(
    [...new Set(Object.values(spec.volumes ?? {}))].map(async (claim) => {
      const found = await kubeCallOrUndefined({ ...op('persistentvolumeclaims', claim), verb: 'get' }, () => clients.core.readNamespacedPersistentVolumeClaim({ name: claim, namespace }));
      if (found) return;
      throw new SkyportError(
        ErrorCode.NotFound,
        `volume '${claim}' is not in namespace '${namespace}' of context '${context}' (no PersistentVolumeClaim of that name there); a cluster mounts volumes of its own namespace — skyport volumes ls shows where yours are`,
        { reason: 'volume-not-here', volume: claim, namespace, context },
      );
    }),
  );
  // The task's ephemeral volumes: their claims before the pods that mount them; a relaunch keeps its own.
  await allOrFirstFailure(
    buildEphemeralClaims(spec).map((claim) =>
      createOrKeep('persistentvolumeclaims', claim.metadata?.name ?? '', () => clients.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim }), () =>
        clients.core.readNamespacedPersistentVolumeClaim({ name: claim.metadata?.name ?? '', namespace }),
      ),
    ),
  );
  // The Secret goes first (a pod started without the Secret it reads fails); the headless Service (multi-node)
  // and the pods at once. Every call has ended before a failure is thrown, so a rollback never races a create in flight.
  const headless = objects.headlessService;
  await allOrFirstFailure([
    ...(headless
      ? [
          createOrKeep('services', spec.clusterName, () => clients.core.createNamespacedService({ namespace, body: headless }), () =>
            clients.core.readNamespacedService({ name: spec.clusterName, namespace }),
          ),
        ]
      : []),
    ...objects.pods.map((pod) => createOrAdoptPod(input, pod)),
    ...(spec.jobGroup ? [ensureJobGroupService(clients, namespace, spec.jobGroup)] : []),
  ]);
  // Port objects only once the pods are ours: a refused relaunch must not add any to the cluster it keeps.
  const ing = objects.ingress;
  await allOrFirstFailure([
    ...objects.portServices.map((svc) =>
      createOrKeep('services', svc.metadata?.name ?? '', () => clients.core.createNamespacedService({ namespace, body: svc }), () =>
        clients.core.readNamespacedService({ name: svc.metadata?.name ?? '', namespace }),
      ),
    ),
    ...(ing
      ? [
          createOrKeep('ingresses', ing.metadata?.name ?? '', () => clients.networking.createNamespacedIngress({ namespace, body: ing }), () =>
            clients.networking.readNamespacedIngress({ name: ing.metadata?.name ?? '', namespace }),
          ),
        ]
      : []),
  ]);
}

/**
 * Waits for every call; throws the first failure, a refused relaunch before any other (the caller must not roll
 * back the cluster it was told to leave alone).
 */
async function allOrFirstFailure(calls: Array<Promise<void>>): Promise<void> {
  const reasons = (await Promise.allSettled(calls)).flatMap((c) => (c.status === 'rejected' ? [c.reason as unknown] : []));
  if (reasons.length === 0) return;
  throw reasons.find((r) => r instanceof SkyportError && r.details?.reason === 'incompatible-existing-cluster') ?? reasons[0];
}

async function createOrAdoptPod(input: LaunchInput, pod: V1Pod): Promise<void> {
  const { clients, spec } = input;
  const namespace = spec.namespace;
  const name = pod.metadata?.name ?? '';
  const op = { verb: 'create', resource: 'pods', name, namespace, context: clients.context.name };
  try {
    await kubeCall(op, () => clients.core.createNamespacedPod({ namespace, body: pod }));
    return;
  } catch (err) {
    if (!isKubeConflict(err)) {
      if (kubeStatusCode((err as { cause?: unknown }).cause) === 404) {
        throw new SkyportError(
          ErrorCode.NotFound,
          `Namespace "${namespace}" does not exist in context "${clients.context.name}". Create it (\`kubectl --context ${clients.context.name} create namespace ${namespace}\`) or set kubernetes.namespace.`,
          { namespace },
        );
      }
      throw err;
    }
  }
  const existing = await kubeCallOrUndefined({ ...op, verb: 'get' }, () => clients.core.readNamespacedPod({ name, namespace }));
  if (!existing) return createOrAdoptPod(input, pod);
  if (!ownedByCluster(existing, spec.clusterName)) throw foreignObjectError('pod', name, namespace, clients.context.name, spec.clusterName, existing);
  const diff = describeShapeDifference(existing, pod);
  if (diff || existing.metadata?.deletionTimestamp) {
    throw new SkyportError(
      ErrorCode.Conflict,
      existing.metadata?.deletionTimestamp
        ? `Pod ${name} of cluster ${spec.clusterName} is still being deleted; launch again once \`skyport down ${spec.clusterName}\` has finished.`
        : `Cluster ${spec.clusterName} already exists with a different shape (${diff}). Run \`skyport down ${spec.clusterName}\` first, or launch under another name.`,
      { pod: name, reason: 'incompatible-existing-cluster' },
    );
  }
}

function waitForPods(
  input: LaunchInput,
  expected: string[],
  pods: LaunchWatch['pods'],
  events: LaunchWatch['events'],
): Promise<LaunchedNode[]> {
  const { clients, spec } = input;
  const started = Date.now();
  let deadline = started + launchTimeoutMs(input.timeoutSeconds, expected.length);
  let extended = false;
  let startExtended = false;
  // Set while the scheduler's answer is definite (see definiteRefusal); graceOver once it stayed so for the grace.
  let definiteSince: number | undefined;
  let graceOver = false;
  const graceMs = input.unschedulableGraceMs ?? 1_000;
  return new Promise<LaunchedNode[]>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const offs: Array<() => void> = [];
    const done = (fn: () => void) => {
      if (timer) clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      offs.forEach((o) => o());
      fn();
    };
    const check = (timedOut: boolean) => {
      const verdict = evaluateLaunch(expected, pods.list(spec.namespace), events.list(spec.namespace));
      if (verdict.kind === 'running') {
        const byName = new Map(pods.list(spec.namespace).map((p) => [p.metadata?.name ?? '', p]));
        return done(() =>
          resolve(
            expected.map((name, rank) => {
              const pod = byName.get(name);
              // A pod adopted from an earlier launch under this name started *that* launch's job (job ids restart at
              // 1): its log is not this job's, so only a pod made for this request counts as having started it.
              const ours = pod?.metadata?.annotations?.[ANNOTATION_REQUEST] === spec.requestId;
              return { rank, pod: name, ip: pod?.status?.podIP ?? '', node: pod?.spec?.nodeName ?? '', startJob: ours ? pod?.metadata?.annotations?.[ANNOTATION_START_JOB] : undefined };
            }),
          ),
        );
      }
      if (verdict.kind === 'failed') {
        const hint = kubectlHint(clients.context.name, spec.namespace, verdict.pod);
        return done(() =>
          reject(new LaunchFailedError(verdict.code, `${verdict.message}. See \`${hint}\`.`, verdict.reason, { pod: verdict.pod, context: clients.context.name })),
        );
      }
      if (verdict.scaleUp && !extended && input.scaleUpExtensionSeconds) {
        extended = true;
        deadline = Math.max(deadline, Date.now() + input.scaleUpExtensionSeconds * 1000);
        input.log?.(`the cluster autoscaler is adding nodes; waiting up to ${input.scaleUpExtensionSeconds} s more`);
        arm();
      }
      if (!startExtended && expected.every((name) => pods.get(name, spec.namespace)?.spec?.nodeName)) {
        startExtended = true;
        deadline = Math.max(deadline, Date.now() + (input.containerStartSeconds ?? 600) * 1000);
        arm();
      }
      const refusal = input.mayScaleUp || verdict.scaleUp ? undefined : definiteRefusal(verdict.lastScheduling, (name) => pods.get(name, spec.namespace));
      if (!refusal) {
        definiteSince = undefined;
        graceOver = false;
        if (graceTimer) clearTimeout(graceTimer);
      } else if (definiteSince === undefined) {
        // A short grace: a pod deleted a moment ago (a rollback, a teardown) may still hold the room it frees.
        // The timer decides (comparing clocks would miss: timers may fire a millisecond "early" by Date.now()).
        definiteSince = Date.now();
        graceTimer = setTimeout(() => {
          graceOver = true;
          check(false);
        }, graceMs);
      }
      const giveUpEarly = refusal !== undefined && graceOver;
      if (!timedOut && !giveUpEarly) return;
      const waitedS = Math.round((Date.now() - started) / 1000);
      const [unscheduledPod, message] = refusal ?? [...verdict.lastScheduling.entries()][0] ?? [];
      if (unscheduledPod && message) {
        const d = diagnoseUnschedulable({ pod: unscheduledPod, context: clients.context.name, namespace: spec.namespace, message, ask: input.ask, waitedS });
        return done(() => reject(new LaunchFailedError(ErrorCode.Unschedulable, d.message, 'Unschedulable', { pod: unscheduledPod, reasons: d.reasons.map((r) => r.plain) })));
      }
      const states = expected.map((name) => `${name}: ${podStateText(pods.get(name, spec.namespace))}`).join(', ');
      const first = expected[0] ?? '';
      return done(() =>
        reject(
          new LaunchFailedError(
            ErrorCode.ProvisionTimeout,
            `The cluster's pods were not all running after ${waitedS} s on context "${clients.context.name}" (${states}). See \`${kubectlHint(clients.context.name, spec.namespace, first)}\`.`,
            'Timeout',
          ),
        ),
      );
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => check(true), Math.max(0, deadline - Date.now()));
    };
    // The informers are the whole namespace's (shared by every launch in it): only this cluster's pods and
    // their events can change this launch's verdict, so nothing else costs it a check.
    const ours = new Set(expected);
    offs.push(
      pods.onChange((pod) => ours.has(pod.metadata?.name ?? '') && check(false)),
      events.onChange((event) => ours.has(event.involvedObject?.name ?? '') && check(false)),
    );
    arm();
    check(false);
  });
}

/**
 * The first pod the scheduler refused for good on this cluster as it is: a definite FailedScheduling (only fit
 * reasons) and no preemption under way for it (a nominated node means victims are being evicted to make room).
 */
function definiteRefusal(lastScheduling: ReadonlyMap<string, string>, podNamed: (name: string) => V1Pod | undefined): [string, string] | undefined {
  for (const [pod, message] of lastScheduling) {
    if (podNamed(pod)?.status?.nominatedNodeName) continue;
    if (isDefinitelyUnschedulable(message)) return [pod, message];
  }
  return undefined;
}

function podStateText(pod: V1Pod | undefined): string {
  if (!pod) return 'not created';
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status === 'True';
  return [pod.status?.phase ?? 'Pending', waiting, scheduled ? `on ${pod.spec?.nodeName ?? '?'}` : 'not scheduled'].filter(Boolean).join(', ');
}
