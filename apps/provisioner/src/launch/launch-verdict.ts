import { ErrorCode } from '@skyport/contracts';
import type { CoreV1Event, V1Pod } from '@skyport/kube';

/** Container states that will not fix themselves within a launch: fail at once, with the reason. */
export const FAST_FAIL_REASONS: Record<string, ErrorCode> = {
  ErrImagePull: ErrorCode.ImagePullFailed,
  ImagePullBackOff: ErrorCode.ImagePullFailed,
  InvalidImageName: ErrorCode.ImagePullFailed,
  ErrImageNeverPull: ErrorCode.ImagePullFailed,
  CrashLoopBackOff: ErrorCode.ProviderUnavailable,
  CreateContainerConfigError: ErrorCode.InvalidTask,
  CreateContainerError: ErrorCode.ProviderUnavailable,
};

export type LaunchVerdict =
  | { kind: 'pending'; scaleUp: boolean; lastScheduling: Map<string, string> }
  | { kind: 'running' }
  | { kind: 'failed'; code: ErrorCode; reason: string; pod: string; message: string };

function eventsFor(pod: V1Pod, byPod: ReadonlyMap<string, CoreV1Event[]>): CoreV1Event[] {
  const uid = pod.metadata?.uid;
  return (byPod.get(pod.metadata?.name ?? '') ?? [])
    .filter((e) => !uid || !e.involvedObject?.uid || e.involvedObject.uid === uid)
    .sort((a, b) => eventTime(a) - eventTime(b));
}

/** The namespace's events by the pod they are about, read once per verdict (a 100-pod launch checks often). */
function eventsByPod(events: readonly CoreV1Event[]): Map<string, CoreV1Event[]> {
  const byPod = new Map<string, CoreV1Event[]>();
  for (const e of events) {
    const name = e.involvedObject?.name ?? '';
    const list = byPod.get(name);
    if (list) list.push(e);
    else byPod.set(name, [e]);
  }
  return byPod;
}

function eventTime(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}

/**
 * Where a launch stands, from the pods and their events: every pod Running, a pod in a state that will not
 * recover (image pull errors, crash loops, failed mounts, a terminated pod), or still pending (with the
 * scheduler's latest word per pod, and whether an autoscaler said it is adding nodes).
 */
export function evaluateLaunch(expected: readonly string[], pods: readonly V1Pod[], events: readonly CoreV1Event[]): LaunchVerdict {
  const byName = new Map(pods.filter((p) => !p.metadata?.deletionTimestamp).map((p) => [p.metadata?.name ?? '', p]));
  const byPod = eventsByPod(events);
  const lastScheduling = new Map<string, string>();
  let scaleUp = false;
  let running = 0;
  for (const name of expected) {
    const pod = byName.get(name);
    if (!pod) continue;
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') {
      const term = [...(pod.status?.containerStatuses ?? [])].map((c) => c.state?.terminated).find((t) => t);
      const why = pod.status?.message ?? term?.message ?? term?.reason ?? pod.status?.reason ?? 'the container exited';
      return {
        kind: 'failed',
        code: ErrorCode.ProviderUnavailable,
        reason: pod.status?.reason ?? term?.reason ?? phase,
        pod: name,
        message: `pod ${name} ${phase === 'Failed' ? 'failed' : 'exited'} before the cluster was up: ${why}${term ? ` (exit code ${term.exitCode})` : ''}`,
      };
    }
    for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = c.state?.waiting;
      const code = waiting?.reason ? FAST_FAIL_REASONS[waiting.reason] : undefined;
      if (waiting?.reason && code) {
        return {
          kind: 'failed',
          code,
          reason: waiting.reason,
          pod: name,
          message: `pod ${name}, container ${c.name}: ${waiting.reason}${waiting.message ? ` — ${waiting.message}` : ''}`,
        };
      }
    }
    for (const e of eventsFor(pod, byPod)) {
      if (e.reason === 'FailedMount' || e.reason === 'FailedAttachVolume') {
        return { kind: 'failed', code: ErrorCode.ProviderUnavailable, reason: e.reason, pod: name, message: `pod ${name}: ${e.reason} — ${e.message ?? ''}`.trim() };
      }
      if (e.reason === 'TriggeredScaleUp') scaleUp = true;
      if (e.reason === 'FailedScheduling' && e.message) lastScheduling.set(name, e.message);
    }
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (cond?.status === 'False' && cond.message && !lastScheduling.has(name)) lastScheduling.set(name, cond.message);
    if (cond?.status === 'True') lastScheduling.delete(name);
    if (phase === 'Running') running++;
  }
  if (running === expected.length) return { kind: 'running' };
  return { kind: 'pending', scaleUp, lastScheduling };
}
