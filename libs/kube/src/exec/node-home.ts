/**
 * Skyport's files on a pod (the synced workdir, job state) live under the container user's home, as SkyPilot's
 * do (`~/sky_workdir`, `~/.sky`). An exec starts in the container's working directory (the image's WORKDIR,
 * often `/`), not in the home directory, so every command Skyport runs on a pod starts with this prelude.
 *
 * `$HOME` is what the runtime set for the container user. When it is unset, missing or not writable (an image
 * running as a user without a home), the passwd entry's home is tried, then a private directory under /tmp:
 * the job must still have somewhere to keep its state. The chosen directory is exported, so the job sees the
 * same `$HOME` its files are under. (In the local KWOK cluster an exec's HOME is its per-pod directory, which is
 * also its working directory: the same place either way.)
 */
export const NODE_HOME_PRELUDE = [
  'if [ -z "$HOME" ] || [ ! -d "$HOME" ] || [ ! -w "$HOME" ]; then',
  '  h=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)',
  '  if [ -n "$h" ] && [ -d "$h" ] && [ -w "$h" ]; then HOME=$h; else HOME=/tmp/skyport-home-$(id -u); mkdir -p "$HOME" && chmod 700 "$HOME"; fi',
  'fi',
  'export HOME',
  'cd "$HOME" || exit 125',
].join('\n');

/** argv that runs `argv` from the container user's home directory (see NODE_HOME_PRELUDE). */
export function inNodeHome(argv: readonly string[]): string[] {
  return ['sh', '-c', `${NODE_HOME_PRELUDE}\nexec "$@"`, 'sh', ...argv];
}
