import { randomBytes } from 'node:crypto';
import { jobDir, shellSingleQuote, type JobPhase } from '@skyport/contracts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `export K='v'` lines; names a shell cannot export are skipped (the caller validated them already). */
export function renderEnvFile(env: Record<string, string>): string {
  return Object.entries(env)
    .filter(([k]) => NAME.test(k))
    .map(([k, v]) => `export ${k}=${shellSingleQuote(v)}\n`)
    .join('');
}

/**
 * What identifies a job record across databases and cluster incarnations (startPhaseScript's `owner`): its
 * request (a UUID), or its row id and submission time for a job without one.
 */
export function jobOwnerKey(job: { id: string; requestId: string | null; submittedAt: Date }): string {
  return job.requestId ?? `job-${job.id}-${job.submittedAt.getTime()}`;
}

export function heredoc(path: string, content: string): string {
  let tag = `SKYPORT_EOF_${randomBytes(8).toString('hex')}`;
  while (content.includes(tag)) tag = `SKYPORT_EOF_${randomBytes(8).toString('hex')}`;
  return `cat > ${shellSingleQuote(path)} <<'${tag}'\n${content}${content.endsWith('\n') ? '' : '\n'}${tag}\n`;
}

/**
 * The script (fed to `sh -s` on stdin; it ends with an explicit `exit` because exec stdin may never see EOF)
 * that writes a phase's files and starts it detached in its own session, so it outlives the exec, any Skyport
 * process, and is stopped as one process group. Starting twice is harmless: a lock directory admits one start.
 * Prints `started` or `already`.
 *
 * `owner` names the job record (jobOwnerKey) and is kept in the job's directory: job ids restart at 1 with each
 * incarnation of a cluster name, and a node can outlive one (a relaunch adopts a pod left behind by an earlier
 * cluster of that name whose records are gone). A directory another job owns is moved aside, never taken for
 * this job's start — it used to answer `already`, and the new job then waited for the old process and got its
 * exit code (a job recorded SUCCEEDED without having run). A directory without an owner file (written before
 * owners existed) is taken as this job's, as before.
 */
export function startPhaseScript(jobId: number, phase: JobPhase, env: Record<string, string>, command: string, owner?: string): string {
  const d = jobDir(jobId);
  const p = phase;
  const ownerFile = shellSingleQuote(`${d}/owner`);
  return [
    'set -e',
    `mkdir -p ${shellSingleQuote(d)}`,
    ...(owner === undefined
      ? []
      : [
          `if [ -f ${ownerFile} ] && [ "$(cat ${ownerFile})" != ${shellSingleQuote(owner)} ]; then`,
          `  mv ${shellSingleQuote(d)} ${shellSingleQuote(`${d}.replaced`)}-"$(date +%s)-$$"; mkdir -p ${shellSingleQuote(d)}`,
          'fi',
          `[ -f ${ownerFile} ] || printf '%s\n' ${shellSingleQuote(owner)} > ${ownerFile}`,
        ]),
    `if ! mkdir ${shellSingleQuote(`${d}/${p}.lock`)} 2>/dev/null; then echo already; exit 0; fi`,
    heredoc(`${d}/env.sh`, renderEnvFile(env)),
    heredoc(`${d}/${p}.sh`, command),
    ...phaseLaunchLines(d, p),
    'echo started',
    'exit 0',
    '',
  ].join('\n');
}

/**
 * The lines that start a phase whose files (env.sh, <phase>.sh) are written: detached in its own session, so it
 * outlives the exec, any Skyport process, and is stopped as one process group; they return once it wrote its pid.
 * Shared by the exec start (startPhaseScript) and the in-pod start (pod-start.ts), which has the process as its
 * child (setsid) and needs no pid file to know it started: without `waitForPid` it skips that wait (at least one
 * 50 ms poll).
 */
export function phaseLaunchLines(d: string, p: JobPhase, opts: { waitForPid: boolean } = { waitForPid: true }): string[] {
  return [
    `: > ${shellSingleQuote(`${d}/${p}.log`)}`,
    // The job runs from the node's base directory (or the synced workdir), with its env; the exit code is
    // written by rename so a reader never sees half of it.
    `base="$(pwd)"`,
    `inner='cd "$1"; echo $$ > "$2/${p}.pid.tmp" && mv "$2/${p}.pid.tmp" "$2/${p}.pid"; . "$2/env.sh"; ` +
      `if [ -d "$1/sky_workdir" ]; then cd "$1/sky_workdir"; elif [ -d "$HOME/sky_workdir" ]; then cd "$HOME/sky_workdir"; fi; ` +
      `"$(command -v bash || echo sh)" "$1/$2/${p}.sh" >> "$1/$2/${p}.log" 2>&1; c=$?; echo $c > "$1/$2/${p}.exit.tmp"; mv "$1/$2/${p}.exit.tmp" "$1/$2/${p}.exit"'`,
    // A background setsid is not a process group leader, so it execs without forking: $! is the session leader,
    // a child of this shell (the in-pod start waits for it). Without setsid it is a grandchild: launched is empty.
    `if command -v setsid >/dev/null 2>&1; then`,
    `  setsid sh -c "$inner" sh "$base" ${shellSingleQuote(d)} </dev/null >/dev/null 2>&1 & launched=$!`,
    `else`,
    `  (set -m; sh -c "$inner" sh "$base" ${shellSingleQuote(d)} </dev/null >/dev/null 2>&1 &); launched=`,
    `fi`,
    // The answer waits for the detached process to exist (it wrote its pid). Not polled finer: every poll forks a
    // `sleep`, and a 100-node start runs this on every node at once.
    ...(opts.waitForPid ? [`i=0; while [ ! -f ${shellSingleQuote(`${d}/${p}.pid`)} ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done`] : []),
  ];
}

/**
 * Waits (up to `maxSeconds`) for a phase to end and prints one word: `exit <code>`, `lost` (its process is
 * gone without an exit code: the pod restarted or it was killed), `notstarted`, or `running`.
 */
export function waitPhaseScript(jobId: number, phase: JobPhase, maxSeconds: number): string {
  const d = jobDir(jobId);
  const f = (k: string) => shellSingleQuote(`${d}/${phase}.${k}`);
  return [
    `if [ ! -d ${f('lock')} ]; then echo notstarted; exit 0; fi`,
    `end=$(( $(date +%s) + ${maxSeconds} ))`,
    'while :; do',
    `  if [ -f ${f('exit')} ]; then echo "exit $(cat ${f('exit')})"; exit 0; fi`,
    `  if [ -f ${f('pid')} ] && ! kill -0 "$(cat ${f('pid')})" 2>/dev/null; then`,
    `    sleep 0.2; if [ -f ${f('exit')} ]; then continue; fi; echo lost; exit 0`,
    '  fi',
    '  if [ "$(date +%s)" -ge "$end" ]; then echo running; exit 0; fi',
    '  sleep 0.2',
    'done',
    '',
  ].join('\n');
}

/**
 * sh function `tree ROOT`: ROOT's pid, every descendant, and every process still in ROOT's session when ROOT
 * leads one (a job's daemonised children are re-parented to the container's init but keep the session; a
 * process that called setsid itself is still found through its parent while that lives). Reads /proc only:
 * no `ps`/`pkill` is needed in the image.
 */
const TREE_FUNCTION = [
  'tree() {',
  '  found=" $1 "; sid=$1; more=1',
  '  while [ $more -eq 1 ]; do',
  '    more=0',
  '    for s in /proc/[0-9]*/stat; do',
  '      p=${s#/proc/}; p=${p%/stat}',
  '      case "$found" in *" $p "*) continue ;; esac',
  '      read -r line 2>/dev/null < "$s" || continue',
  // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp session.
  '      set -- ${line##*) }',
  '      case "$found" in *" $2 "*) found="$found$p "; more=1; continue ;; esac',
  '      if [ "$4" = "$sid" ]; then found="$found$p "; more=1; fi',
  '    done',
  '  done',
  '  echo $found',
  '}',
].join('\n');

/**
 * Stops every phase of a job: SIGTERM to each phase's process group and every process of its tree (see
 * TREE_FUNCTION), SIGKILL to what is left after `graceSeconds`, and an exit code (143) for a phase that did not
 * write its own, so waiters see the end.
 */
export function killJobScript(jobId: number, graceSeconds: number): string {
  const d = shellSingleQuote(jobDir(jobId));
  return [
    // The mark stops an in-pod start (pod-start.ts) that has not taken a phase's lock yet from starting it.
    `mkdir -p ${d} 2>/dev/null && : > ${d}/killed`,
    `cd ${d} 2>/dev/null || { echo gone; exit 0; }`,
    TREE_FUNCTION,
    // The pids of every phase's tree, gathered before the first signal (a dying leader loses its children's links).
    'pids=""',
    'for p in setup run; do',
    '  if [ -f "$p.pid" ]; then l=$(cat "$p.pid"); pids="$pids $(tree "$l")"; kill -TERM -"$l" 2>/dev/null || true; fi',
    'done',
    'for q in $pids; do kill -TERM "$q" 2>/dev/null || true; done',
    `i=0; while [ $i -lt ${graceSeconds * 5} ]; do`,
    '  alive=0',
    '  for q in $pids; do if kill -0 "$q" 2>/dev/null && ! grep -q "^State:[[:space:]]*Z" "/proc/$q/status" 2>/dev/null; then alive=1; break; fi; done',
    '  [ $alive -eq 0 ] && break',
    '  sleep 0.2; i=$((i + 1))',
    'done',
    'for p in setup run; do',
    '  if [ -f "$p.pid" ]; then l=$(cat "$p.pid"); pids="$pids $(tree "$l")"; kill -KILL -"$l" 2>/dev/null || true; fi',
    'done',
    'for q in $pids; do kill -KILL "$q" 2>/dev/null || true; done',
    'for p in setup run; do',
    '  if [ -d "$p.lock" ] && [ ! -f "$p.exit" ]; then echo 143 > "$p.exit.tmp"; mv "$p.exit.tmp" "$p.exit"; fi',
    'done',
    'echo killed',
    '',
  ].join('\n');
}
