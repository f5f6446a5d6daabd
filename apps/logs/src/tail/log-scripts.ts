import { jobDir, phaseFile, type JobPhase } from '@skyport/contracts';
import type { FileChunk, FollowEnd } from './node-log-source';

/**
 * The commands a `NodeLogSource` runs on a node (POSIX sh; paths relative to the node's base directory, as the
 * provisioner's node scripts write them). Every source runs the same argv, so a pod and a VM behave alike.
 */

/** Exit code of the follow script when the phase has not started on the node. */
export const FOLLOW_ABSENT_EXIT = 3;

/**
 * "$1" log, "$2" byte offset, "$3" pid file, "$4" exit file, "$5" lock dir (created before the log when a phase
 * starts). Streams the log from the offset as it grows and exits 0 once the phase is over, after a last
 * `size <bytes>` line on stderr (the file's size then) so the reader can tell whether it got everything.
 * The phase is over when its exit file exists or its process is gone. A watcher subshell waits for that (the
 * pid alone is not enough: an orphaned phase process can stay a zombie, which `kill -0` still finds); GNU
 * tail's `--pid` then ends the follow by itself after reading to the end of the file, other tails (busybox)
 * are stopped shortly after and the reader catches up from the size line. All waiting happens inside the node
 * (inotify, sleeps), never as requests to the API server.
 *
 * "$6" = `stdin`: the reader keeps the command's stdin open for as long as it listens, and its end (EOF) stops the
 * follow. Closing an exec's connection does not end the command in the pod (neither a kubelet nor KWOK kills it):
 * without this, every stream the reader stopped — paused while Postgres caught up, broken, or a restart of the
 * logs service — left its tail and a watcher forking `sleep` twice a second running until the phase ended;
 * with 100 jobs followed that was hundreds of processes on the nodes (three followers per job after two restarts
 * in the benchmark, figure 6).
 */
const FOLLOW_SCRIPT = [
  'log="$1"; pidf="$3"; exitf="$4"; from=$(($2 + 1))',
  `[ -d "$5" ] || [ -f "$log" ] || exit ${FOLLOW_ABSENT_EXIT}`,
  // The start script creates the lock, then the log, then the pid file within moments.
  'i=0; while { [ ! -f "$log" ] || [ ! -f "$pidf" ]; } && [ ! -f "$exitf" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done',
  `[ -f "$log" ] || exit ${FOLLOW_ABSENT_EXIT}`,
  'pid=$(cat "$pidf" 2>/dev/null)',
  'over() { [ -f "$exitf" ] || { [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; }; }',
  'if over; then tail -c +"$from" "$log"',
  'else',
  '  ( while ! over; do sleep 0.5; done ) & w=$!',
  // The reader is gone once stdin ends: stopping the watcher ends tail --pid, then this script.
  // (A background list's stdin is /dev/null in a shell without job control: the reader's end is passed as fd 9.)
  '  if [ "$6" = stdin ]; then { ( cat <&9 >/dev/null; kill "$w" 2>/dev/null ) & r=$!; } 9<&0; fi',
  '  if tail --pid="$$" -c 0 /dev/null >/dev/null 2>&1; then',
  '    tail -f -s 0.2 --pid="$w" -c +"$from" "$log" & t=$!',
  // Reaping the watcher here is what lets tail see it gone.
  '    wait "$w"; wait "$t"',
  '  else',
  '    tail -f -c +"$from" "$log" & t=$!',
  '    wait "$w"; sleep 0.5; kill "$t" 2>/dev/null; wait "$t" 2>/dev/null',
  '  fi',
  // A stdin watcher left after a normal end must not kill a later process that got the watcher's pid.
  '  [ -n "${r:-}" ] && kill "$r" 2>/dev/null',
  'fi',
  'echo "size $(wc -c < "$log")" >&2',
  'exit 0',
].join('\n');

/** "$1" file, "$2" byte offset, "$3" most bytes. The first byte says whether the file exists. */
const READ_SCRIPT = 'f="$1"; [ -f "$f" ] || { printf N; exit 0; }; printf Y; tail -c +"$(($2 + 1))" "$f" | head -c "$3"';

/** `untilStdinEnds`: the follow also ends when the command's stdin does (the reader keeps it open; see above). */
export function followCommand(jobId: number, phase: JobPhase, offset: number, untilStdinEnds = false): string[] {
  return [
    'sh',
    '-c',
    FOLLOW_SCRIPT,
    'sh',
    phaseFile(jobId, phase, 'log'),
    String(offset),
    phaseFile(jobId, phase, 'pid'),
    phaseFile(jobId, phase, 'exit'),
    `${jobDir(jobId)}/${phase}.lock`,
    ...(untilStdinEnds ? ['stdin'] : []),
  ];
}

/** How the follow command ended, from its exit code and stderr; undefined when it failed (a broken stream). */
export function followEndOf(exitCode: number, stderr: string): FollowEnd | undefined {
  if (exitCode === FOLLOW_ABSENT_EXIT) return { kind: 'absent' };
  const size = /^size\s+(\d+)\s*$/m.exec(stderr);
  if (exitCode === 0 && size) return { kind: 'ended', size: Number(size[1]) };
  return undefined;
}

export function readCommand(jobId: number, phase: JobPhase, offset: number, max: number): string[] {
  return ['sh', '-c', READ_SCRIPT, 'sh', phaseFile(jobId, phase, 'log'), String(offset), String(max)];
}

/** The read command's output (bounded by the caller to max + 1 bytes) as a chunk. */
export function fileChunkOf(output: Buffer, max: number): FileChunk {
  if (output.length === 0 || output[0] !== 0x59 /* Y */) return { exists: false, data: Buffer.alloc(0) };
  return { exists: true, data: output.subarray(1, max + 1) };
}
