import { randomBytes } from 'node:crypto';
import { NODE_HOME_PRELUDE, literalContainerArgs } from '@skyport/kube';
import { jobDir, shellSingleQuote, type JobPhase } from '@skyport/contracts';
import { heredoc, phaseLaunchLines, renderEnvFile } from './node-scripts';

/**
 * The in-pod start of a launch's first job (SKYPORT_JOB_START=pod): the pod's container command writes the job's
 * files and runs setup, then run, itself — no exec per node — and says how each phase went on its stdout, the
 * container log the provisioner follows through the Kubernetes API (pod-job-watch.ts). Nothing in the pod talks
 * to the control plane. The files and processes are exactly those of the exec start (node-scripts.ts: the same
 * lock directories, pid and exit files), so cancel, kill, log tailing and re-attaching after a restart (which
 * uses exec) work unchanged, and whichever of the two takes a phase's lock first starts it.
 *
 * What the pod cannot know when it is created comes through its own metadata, as a downward API volume
 * (START_MOUNT; the kubelet refreshes it when the pod changes): the nodes' IPs (ANNOTATION_NODE_IPS, multi-node
 * only — a single node reads its IP from SKYPORT_POD_IP) and, for a multi-node job with a setup, the go-ahead for
 * run once setup succeeded on every node (ANNOTATION_RUN_GO), as the exec start waits for every node's setup.
 */

/** On the pods whose container starts a job: that job's id. The KWOK harness runs such pods' commands. */
export const ANNOTATION_START_JOB = 'skyport.dev/start-job';
/** The cluster's node IPs, newline-separated in rank order (set by the job driver once every pod runs). */
export const ANNOTATION_NODE_IPS = 'skyport.dev/node-ips';
/** Set (to `1`) by the job driver once setup succeeded on every node of a multi-node job. */
export const ANNOTATION_RUN_GO = 'skyport.dev/run-go';
export const START_VOLUME = 'skyport-start';
/** Where the downward API volume is mounted (under $SKYPORT_MOUNT_ROOT in the KWOK harness). */
export const START_MOUNT = '/etc/skyport-start';
/** setup + run larger than this start by exec: the pod object carries them (and etcd bounds objects). */
export const MAX_IN_POD_SCRIPT_BYTES = 64 * 1024;

/** The container-log lines of the in-pod start: `skyport-job <id> <phase> started|exit <code>|lost`. */
export const START_LINE = /^skyport-job (\d+) (setup|run) (started|exit (\d+)|lost)\s*$/;

export interface PodStartInput {
  jobId: number;
  numNodes: number;
  /** The job's environment on this node without SKYPILOT_NODE_IPS/SKYPILOT_SETUP_NODE_IPS and without secrets. */
  env: Record<string, string>;
  setup?: string;
  run?: string;
  /** The job record's owner key (node-scripts.ts jobOwnerKey), kept in the job's directory as the exec start does. */
  owner?: string;
}

const IPS_KEYS = ['SKYPILOT_NODE_IPS', 'SKYPILOT_SETUP_NODE_IPS'];

/**
 * The container command of one node: the in-pod start beside the process the node lives as long as. It runs
 * under bash where the image has it (for the fork-free wait below), else under sh.
 */
export function podStartCommand(input: PodStartInput): string[] {
  const pick = 'if command -v bash >/dev/null 2>&1; then exec bash -c "$1" skyport-start; fi; exec /bin/sh -c "$1" skyport-start';
  // Escaped for the kubelet's $(VAR)/$$ expansion: unescaped, the phase's `echo $$ > <phase>.pid` wrote `$`, so
  // every reader of the pid file (log follow, re-attach, cancel) took the running job for one that had ended.
  return literalContainerArgs(['/bin/sh', '-c', pick, 'skyport-start', podStartScript(input)]);
}

function podStartScript(input: PodStartInput): string {
  const { jobId, numNodes } = input;
  const d = jobDir(jobId);
  const env = Object.fromEntries(Object.entries(input.env).filter(([k]) => !IPS_KEYS.includes(k)));
  const gateRun = numNodes > 1 && Boolean(input.setup);
  const tag = `SKYPORT_IPS_${randomBytes(4).toString('hex')}`;
  const phase = (p: JobPhase, command: string): string[] => [
    `  if mkdir ${shellSingleQuote(`${d}/${p}.lock`)} 2>/dev/null; then`,
    // A kill that came first (a cancel while the pod started) leaves its mark: the phase ends as killed.
    `    if [ -f ${shellSingleQuote(`${d}/killed`)} ]; then echo 143 > ${shellSingleQuote(`${d}/${p}.exit`)}; else`,
    `    [ -f ${shellSingleQuote(`${d}/env.sh`)} ] || { cat > ${shellSingleQuote(`${d}/env.sh`)} <<'${tag}'`,
    renderEnvFile(env) + tag,
    `      printf "export SKYPILOT_NODE_IPS='%s'\\nexport SKYPILOT_SETUP_NODE_IPS='%s'\\n" "$ips" "$ips" >> ${shellSingleQuote(`${d}/env.sh`)}; }`,
    heredoc(`${d}/${p}.sh`, command),
    ...phaseLaunchLines(d, p, { waitForPid: false }),
    `    say ${p} started`,
    `    [ -n "$launched" ] && wait "$launched" 2>/dev/null`,
    '    fi',
    // Started by an exec (a provisioner that re-attached): that driver follows it, not this log.
    '  else return 1; fi',
    `  i=0; while [ ! -f ${shellSingleQuote(`${d}/${p}.exit`)} ]; do`,
    `    if [ -f ${shellSingleQuote(`${d}/${p}.pid`)} ] && ! kill -0 "$(cat ${shellSingleQuote(`${d}/${p}.pid`)})" 2>/dev/null; then i=$((i + 1)); [ $i -gt 25 ] && { say ${p} lost; return 1; }; fi`,
    '    nap 0.2',
    '  done',
    `  code=$(cat ${shellSingleQuote(`${d}/${p}.exit`)}); say ${p} exit "$code"; [ "$code" = 0 ]`,
  ];
  const lines = [
    `trap 'exit 0' TERM INT`,
    NODE_HOME_PRELUDE,
    `say() { echo "skyport-job ${jobId} $*"; }`,
    `m="\${SKYPORT_MOUNT_ROOT:-}${START_MOUNT}"`,
    `mkdir -p ${shellSingleQuote(d)}`,
    // Whose directory this is: an exec start for another job of this id (a later cluster of this name adopting
    // the pod) moves it aside instead of taking this job's lock and exit code for its own (startPhaseScript).
    ...(input.owner === undefined ? [] : [`printf '%s\\n' ${shellSingleQuote(input.owner)} > ${shellSingleQuote(`${d}/owner`)}`]),
    // The waits below poll a file. A `sleep` per poll forks, and on the local KWOK cluster every node is this
    // one host: 100 nodes waiting for their IPs at 10 polls/s kept ≈1.3 of its 2 cores busy with `sleep`
    // (measured), which slowed the very pods they waited for. bash's `read -t` on a FIFO no one writes to
    // waits without a process; a shell without it (busybox, dash) sleeps.
    'nap() { sleep "$1"; }',
    `if [ -n "\${BASH_VERSION:-}" ] && { [ -p ${shellSingleQuote(`${d}/nap`)} ] || mkfifo ${shellSingleQuote(`${d}/nap`)}; } 2>/dev/null; then`,
    `  nap() { read -r -t "$1" _ <>${shellSingleQuote(`${d}/nap`)} || :; }`,
    'fi',
    // Waits for a file of the downward API volume; gives up once an exec started what it waits to start.
    'await_file() {',
    '  until [ -s "$m/$1" ]; do',
    `    if [ -d ${shellSingleQuote(`${d}/run.lock`)} ] || { [ "$1" = node-ips ] && [ -d ${shellSingleQuote(`${d}/setup.lock`)} ]; }; then return 1; fi`,
    '    nap 0.1',
    '  done',
    '}',
    ...(input.setup ? ['setup_phase() {', ...phase('setup', input.setup), '}'] : []),
    ...(input.run ? ['run_phase() {', ...phase('run', input.run), '}'] : []),
    'start() {',
    numNodes > 1 ? '  await_file node-ips || return 0; ips=$(cat "$m/node-ips")' : '  ips="$SKYPORT_POD_IP"',
    ...(input.setup ? ['  setup_phase || return 0'] : []),
    ...(gateRun ? ['  await_file run-go || return 0'] : []),
    ...(input.run ? ['  run_phase || return 0'] : []),
    '}',
    'start &',
    // The node lives as long as this process (the exec start's command): `wait $!` passes on how the sleep ended.
    'sleep infinity & wait $!',
  ];
  return lines.join('\n');
}

/** Whether a launch's first job can start in its pods: no files to sync first, scripts small enough. */
export function canStartInPod(task: { workdir?: unknown; fileMounts?: unknown[]; setup?: string; run?: string }): boolean {
  if (task.workdir || (task.fileMounts?.length ?? 0) > 0) return false;
  return Buffer.byteLength(`${task.setup ?? ''}${task.run ?? ''}`) <= MAX_IN_POD_SCRIPT_BYTES;
}

/** A launch's first job, started by its pods' command (the pod builder's input). */
export interface PodJobStart {
  jobId: number;
  numNodes: number;
  /** The container command of the node of that rank (podStartCommand). */
  commandOf: (rank: number) => string[];
}

/** What the in-pod start adds to a node's pod: its annotation, command, IP variable and downward API volume. */
export function podStartParts(start: PodJobStart, rank: number): {
  annotations: Record<string, string>;
  command: string[];
  env: Array<{ name: string; valueFrom: { fieldRef: { fieldPath: string } } }>;
  volumes: Array<Record<string, unknown>>;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly: boolean }>;
} {
  const multi = start.numNodes > 1;
  const item = (path: string, annotation: string) => ({ path, fieldRef: { fieldPath: `metadata.annotations['${annotation}']` } });
  return {
    annotations: { [ANNOTATION_START_JOB]: String(start.jobId) },
    command: start.commandOf(rank),
    env: [{ name: 'SKYPORT_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
    volumes: multi ? [{ name: START_VOLUME, downwardAPI: { items: [item('node-ips', ANNOTATION_NODE_IPS), item('run-go', ANNOTATION_RUN_GO)] } }] : [],
    volumeMounts: multi ? [{ name: START_VOLUME, mountPath: START_MOUNT, readOnly: true }] : [],
  };
}
