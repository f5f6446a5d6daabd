import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ClusterStatus, ErrorCode, QueueName, RequestKind, RequestStatus, SkyportError, type ExecPayload, type PowerAccepted } from '@skyport/contracts';
import { ClusterEntity, RequestEntity, recordEvent } from '@skyport/persistence';
import type { Principal } from '../auth/principal';
import { addToOutbox } from '../outbox/add-to-outbox';
import { bodyHash } from '../http/body-hash';

const SOURCE = 'api';

/** Kubernetes clusters hold no disk to resume from: they can only be torn down. */
export function isKubernetesInfra(infra: string | null | undefined): boolean {
  const provider = (infra ?? '').split('/')[0];
  return provider === 'kubernetes' || provider === 'k8s';
}

/** STOPPED by an accepted stop the provisioner has not carried out yet: its VMs still run (they are shutting down). */
export function isStillStopping(cluster: { status: ClusterStatus; phase?: ClusterStatus }): boolean {
  return cluster.status === ClusterStatus.Stopped && cluster.phase !== undefined && cluster.phase !== ClusterStatus.Stopped;
}

/** What to tell a caller who wants to start (or launch on) a cluster that is still being stopped. */
export function stillStopping(name: string): string {
  return `cluster '${name}' is still being stopped (its VMs are shutting down); try again in a minute, once its reason no longer says the stop was requested`;
}

/** Why `verb` cannot be done to this cluster now, or undefined when it can. */
export function powerRefusal(verb: 'stop' | 'start', cluster: Pick<ClusterEntity, 'name' | 'status' | 'infra'> & Partial<Pick<ClusterEntity, 'phase'>>): string | undefined {
  const name = cluster.name;
  // A start now would race the provisioner's stop.
  if (verb === 'start' && isStillStopping(cluster)) {
    return stillStopping(name);
  }
  if (isKubernetesInfra(cluster.infra)) {
    return verb === 'stop'
      ? `'${name}' runs on Kubernetes, and Kubernetes clusters cannot be stopped (their pods hold no disk to resume from): tear it down with 'skyport down ${name}', or have it torn down when idle with 'skyport autostop ${name} -i <minutes> --down'`
      : `'${name}' runs on Kubernetes, and Kubernetes clusters are never stopped, so there is nothing to start: it is up until 'skyport down'; launch it again with 'skyport launch -c ${name} TASK'`;
  }
  switch (cluster.status) {
    case ClusterStatus.Up:
      return verb === 'start' ? `cluster '${name}' is already UP` : undefined;
    case ClusterStatus.Stopped:
      return verb === 'stop' ? `cluster '${name}' is already STOPPED` : undefined;
    case ClusterStatus.Init:
    case ClusterStatus.Provisioning:
      return `cluster '${name}' is still being launched (${cluster.status}); wait until it is UP, or take it down with 'skyport down ${name}'`;
    case ClusterStatus.TearingDown:
      return `cluster '${name}' is being torn down; there is nothing to ${verb}`;
    default:
      return `cluster '${name}' is ${cluster.status}; there is nothing to ${verb}: launch it again with 'skyport launch -c ${name} TASK'`;
  }
}

/**
 * `stop` and `start` of a cloud VM cluster, accepted in one transaction: the request row, the cluster's new state
 * and the hand-off to the provisioner (the `cluster-power` queue, through the outbox). Stop sets the cluster's
 * `stop` intent, which makes it STOPPED at once, so no job is accepted from then on; start withdraws it and leaves
 * the cluster STOPPED until the provisioner has the VMs running and reachable again, then it is UP.
 */
export async function acceptPowerChange(tx: EntityManager, principal: Principal, clusterName: string, verb: 'stop' | 'start'): Promise<PowerAccepted> {
  const cluster = await tx.findOneOrFail(ClusterEntity, { where: { name: clusterName }, lock: { mode: 'pessimistic_write' } });
  const refusal = powerRefusal(verb, cluster);
  if (refusal) throw new SkyportError(ErrorCode.Conflict, refusal, { status: cluster.status });
  const requestId = randomUUID();
  await tx.insert(RequestEntity, {
    id: requestId,
    kind: verb === 'stop' ? RequestKind.Stop : RequestKind.Start,
    status: RequestStatus.Pending,
    clusterName,
    jobId: null,
    owner: principal.userId,
    idempotencyKey: null,
    bodyHash: bodyHash({ kind: verb, clusterName }),
    payload: {},
  });
  if (verb === 'stop') {
    // STOPPED from this commit on (computed from the intent): no job is accepted; the provisioner stops the VMs.
    await tx.update(ClusterEntity, { name: clusterName }, { intent: 'stop', intentReason: `stop requested by ${principal.name}` });
  } else {
    // The stop is withdrawn; the cluster stays STOPPED (its phase) until the provisioner has the VMs running.
    await tx.update(ClusterEntity, { name: clusterName }, { intent: null, intentReason: null });
  }
  await addToOutbox(tx, QueueName.ClusterPower, { clusterName, requestId, action: verb, reason: 'user' });
  await recordEvent(tx, SOURCE, { type: 'request.accepted', message: `${verb} of cluster '${clusterName}' requested by ${principal.name}`, requestId, clusterName });
  return { requestId, clusterName, outcome: verb === 'stop' ? 'stopping' : 'starting' };
}

/**
 * A launch on a STOPPED cluster (in the launch's transaction, the row already locked): a `start` request whose
 * provisioner step hands the launch's job to the exec queue once the cluster is UP again.
 */
export async function startStoppedCluster(tx: EntityManager, principal: Principal, clusterName: string, thenExec: ExecPayload): Promise<string> {
  const requestId = randomUUID();
  await tx.insert(RequestEntity, {
    id: requestId,
    kind: RequestKind.Start,
    status: RequestStatus.Pending,
    clusterName,
    jobId: null,
    owner: principal.userId,
    idempotencyKey: null,
    bodyHash: bodyHash({ kind: 'start', clusterName, for: thenExec.requestId }),
    payload: { launch: thenExec.requestId },
  });
  await tx.update(ClusterEntity, { name: clusterName }, { intent: null, intentReason: null });
  await addToOutbox(tx, QueueName.ClusterPower, { clusterName, requestId, action: 'start', reason: 'launch', thenExec });
  await recordEvent(tx, SOURCE, { type: 'request.accepted', message: `cluster '${clusterName}' is STOPPED: starting it for the launch (job ${thenExec.jobId})`, requestId: thenExec.requestId, clusterName });
  return requestId;
}
