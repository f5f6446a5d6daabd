/**
 * Where Skyport keeps a job's files on each node (pod), shared by the provisioner (which starts jobs) and the
 * log aggregator (which tails their output). Every path is relative to the node's base directory, never
 * absolute: on a pod that is the container user's home (every exec starts there, `inNodeHome` of @skyport/kube —
 * in the local KWOK cluster each pod's home is its own directory on one host), on a VM the login directory.
 * The synced workdir sits beside them as `sky_workdir` (SkyPilot's `~/sky_workdir`).
 *
 *   .skyport/jobs/<jobId>/<phase>.sh     the phase's script (`setup` or `run`)
 *   .skyport/jobs/<jobId>/env.sh         exported variables (task envs, secrets, SKYPILOT_*), sourced by both
 *   .skyport/jobs/<jobId>/<phase>.log    the phase's stdout + stderr, append-only (the log aggregator's source)
 *   .skyport/jobs/<jobId>/<phase>.pid    pid of the phase's session leader (its process group id)
 *   .skyport/jobs/<jobId>/<phase>.exit   the exit code, written (atomically, by rename) when the phase ends
 */
export const NODE_BASE_DIR = '.skyport';

export type JobPhase = 'setup' | 'run';

/** The container of every Skyport pod that setup and jobs are exec'd into. */
export const NODE_CONTAINER = 'skyport';

/** Label keys on every Skyport object (kept in step with the provisioner's pod builder). */
export const NODE_LABELS = {
  cluster: 'skyport.dev/cluster',
  nodeRank: 'skyport.dev/node-rank',
  managedBy: 'app.kubernetes.io/managed-by',
  managedByValue: 'skyport',
} as const;

export function jobDir(jobId: number): string {
  return `${NODE_BASE_DIR}/jobs/${jobId}`;
}

export function phaseFile(jobId: number, phase: JobPhase, kind: 'sh' | 'log' | 'pid' | 'exit'): string {
  return `${jobDir(jobId)}/${phase}.${kind}`;
}

/** Log streams: `job` is the run phase's output, `setup` the setup phase's, `provision` the launch's events. */
export type LogStreamName = 'job' | 'setup' | 'provision';

export function logStreamPhase(stream: LogStreamName): JobPhase | undefined {
  return stream === 'job' ? 'run' : stream === 'setup' ? 'setup' : undefined;
}
