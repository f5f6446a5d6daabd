import { createHash } from 'node:crypto';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { VmBucketMount } from '../storage/vm-bucket-mounts';
import type { VmNode } from './vm-node';

/**
 * Where a VM keeps its mounts' state (rclone's config with the temporary keys, its cache and log): root's, mode 0700.
 * One directory per instance, so VMs that share a machine (the test harness's local sshd) never touch each other's.
 */
export function vmMountRoot(instanceId: string): string {
  return `/var/lib/skyport/s3-mounts/${instanceId.replace(/[^\w.-]/g, '_')}`;
}

/** The same rclone flags as Skyport's CSI driver (test/cluster/node-tools/s3-mount) for each mode. */
export function rcloneModeFlags(mode: VmBucketMount['mode'], readOnly: boolean): string[] {
  const flags =
    mode === 'MOUNT_CACHED'
      ? ['--vfs-cache-mode', 'full', '--vfs-write-back', '2s']
      : // No cache: every write is streamed to the bucket and the object exists once the file is closed.
        ['--vfs-cache-mode', 'off', '--dir-cache-time', '5s'];
  return readOnly ? [...flags, '--read-only'] : flags;
}

// Runs as the VM's login user and becomes root for the mount (root, or passwordless sudo as on the cloud images), so
// the keys file is root's alone. rclone runs detached (`--daemon`, its own session): it outlives this SSH command,
// and the parent returns once the mount is ready or failed. Its stdio is /dev/null: the daemon would otherwise hold
// the SSH channel open (its words are in the log file). Arguments: target, remote, state dir, install (1 on a
// real VM: rclone and fuse3 from apt when missing), rclone's config (no keys), then the mode's flags. stdin: the
// keys (credential_process JSON). rclone's environment is empty but for the AWS config whose credential_process
// reads that file, and the instance metadata is off: an AWS_PROFILE, an AWS_CA_BUNDLE or an instance role of the VM
// changes nothing.
const MOUNT_SCRIPT = `set -eu
target=$1 remote=$2 state=$3 install=$4 conf=$5; shift 5
if [ "$(id -u)" = 0 ]; then as=; elif sudo -n true 2>/dev/null; then as="sudo -n"; else echo "mounting a bucket needs root or passwordless sudo on the VM" >&2; exit 3; fi
if ! command -v rclone >/dev/null 2>&1 && [ "$install" = 1 ] && command -v apt-get >/dev/null 2>&1; then
  $as env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone fuse3 >/dev/null 2>&1 ||
    { $as apt-get update -qq >/dev/null 2>&1 && $as env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone fuse3 >/dev/null 2>&1; } || true
fi
command -v rclone >/dev/null 2>&1 || { echo "rclone is not installed on the VM" >&2; exit 4; }
mounted() { awk -v t="$1" '$5 == t && / - fuse/ { found = 1 } END { exit !found }' /proc/self/mountinfo; }
uid=$(id -u) gid=$(id -g)
$as sh -c 'umask 077; mkdir -p "$1/cache" && chmod 700 "$(dirname "$1")" "$1" && cat > "$1/keys.json" && printf "%s" "$3" > "$1/rclone.conf" &&
  printf "[default]\\ncredential_process = cat %s/keys.json\\n" "$1" > "$1/aws-config" && printf "%s\\n" "$2" > "$1/target"' sh "$state" "$target" "$conf"
if mounted "$target"; then $as fusermount3 -u "$target" 2>/dev/null || $as fusermount -u "$target" 2>/dev/null || $as umount -l "$target"; fi
$as mkdir -p "$target"
$as env -i PATH="$PATH" HOME="$state" AWS_CONFIG_FILE="$state/aws-config" AWS_SDK_LOAD_CONFIG=1 AWS_EC2_METADATA_DISABLED=true rclone mount "$remote" "$target" --config "$state/rclone.conf" --cache-dir "$state/cache" --allow-other --uid "$uid" --gid "$gid" \\
  --s3-no-check-bucket --log-level NOTICE --log-file "$state/rclone.log" --daemon --daemon-wait 60s "$@" </dev/null >/dev/null 2>&1 || true
if ! mounted "$target"; then echo "rclone did not mount $remote at $target: $($as tail -n 3 "$state/rclone.log" 2>/dev/null | tr '\\n' ' ')" >&2; exit 5; fi
echo mounted`;

// Unmounts every bucket of this VM, then removes the state — the keys with it. Neither an unmount nor a signal makes
// rclone upload what MOUNT_CACHED still holds (it would on its next start with the same cache, which never comes):
// so first, up to 5 min per mount, until no file of its cache is marked dirty. Then up to 60 s for rclone to exit.
// Argument: the VM's state root.
const UNMOUNT_SCRIPT = `set -u
root=$1
if [ "$(id -u)" = 0 ]; then as=; elif sudo -n true 2>/dev/null; then as="sudo -n"; else exit 0; fi
$as test -d "$root" || exit 0
for d in $($as sh -c 'for d in "$1"/*/; do [ -f "$d/target" ] && echo "\${d%/}"; done' sh "$root"); do
  t=$($as cat "$d/target")
  i=0
  while $as grep -rqsE '"Dirty": *true' "$d/cache/vfsMeta" && [ $i -lt 3000 ]; do i=$((i + 1)); sleep 0.1; done
  [ $i -lt 3000 ] || echo "gave up waiting for uploads to finish at $t" >&2
  if awk -v t="$t" '$5 == t && / - fuse/ { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    $as fusermount3 -u "$t" 2>/dev/null || $as fusermount -u "$t" 2>/dev/null || $as umount -l "$t" 2>/dev/null
  fi
  i=0
  while pgrep -f -- "--config $d/rclone.conf" >/dev/null 2>&1; do
    i=$((i + 1)); if [ $i -ge 600 ]; then $as pkill -KILL -f -- "--config $d/rclone.conf"; break; fi; sleep 0.1
  done
  $as rmdir "$t" 2>/dev/null
  echo "unmounted $t"
done
$as rm -rf "$root"
true`;

// New keys for a mount: replaced at once (rename), read by rclone's SDK when the keys it holds expire. Argument: the
// mount's state dir; stdin: the keys. A mount that is gone (stopped meanwhile) is left alone.
const REKEY_SCRIPT = `set -eu
state=$1
if [ "$(id -u)" = 0 ]; then as=; elif sudo -n true 2>/dev/null; then as="sudo -n"; else echo "needs root or passwordless sudo" >&2; exit 3; fi
$as test -f "$state/keys.json" || { cat >/dev/null; echo gone; exit 0; }
$as sh -c 'umask 077; cat > "$1/keys.json.new" && mv -f "$1/keys.json.new" "$1/keys.json"' sh "$state"
echo rekeyed`;

function stateDirOf(instanceId: string, mountPath: string): string {
  return `${vmMountRoot(instanceId)}/${createHash('sha256').update(mountPath).digest('hex').slice(0, 12)}`;
}

/** Mounts every bucket on one VM, before setup runs there; a failure names the VM, the mount and rclone's words. */
export async function mountBucketsOnVm(node: VmNode, mounts: readonly VmBucketMount[], opts: { installTools: boolean }): Promise<void> {
  for (const m of mounts) {
    const remote = `sky:${`${m.bucket}/${m.prefix}`.replace(/\/+$/, '')}`;
    const argv = ['sh', '-c', MOUNT_SCRIPT, 'sh', m.mountPath, remote, stateDirOf(node.instanceId, m.mountPath), opts.installTools ? '1' : '0', m.rcloneConfig, ...rcloneModeFlags(m.mode, m.readOnly)];
    const r = await node.execCommand(argv, { stdin: m.keysJson, timeoutMs: 5 * 60_000 });
    if (r.exitCode !== 0 || !r.stdout.includes('mounted')) {
      throw new SkyportError(
        ErrorCode.ProviderUnavailable,
        `file_mounts '${m.mountPath}' (s3://${m.bucket}${m.prefix ? `/${m.prefix}` : ''}, ${m.mode}): mounting on ${node.address.label} failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').slice(-2).join(' ')}`,
        { kind: 'vm-mount-failed', scope: 'candidate', provider: 'aws' },
      );
    }
  }
}

/** Replaces the keys of the VM's mounts; returns how many were still mounted. */
export async function rekeyBucketsOnVm(node: VmNode, mounts: readonly VmBucketMount[]): Promise<number> {
  let rekeyed = 0;
  for (const m of mounts) {
    const r = await node.execCommand(['sh', '-c', REKEY_SCRIPT, 'sh', stateDirOf(node.instanceId, m.mountPath)], { stdin: m.keysJson, timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new Error(`new keys for ${m.mountPath} on ${node.address.label}: exit ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
    if (r.stdout.includes('rekeyed')) rekeyed++;
  }
  return rekeyed;
}

/** Unmounts the VM's buckets and deletes their keys; a VM with none answers at once. */
export async function unmountBucketsOnVm(node: VmNode): Promise<string[]> {
  const r = await node.execCommand(['sh', '-c', UNMOUNT_SCRIPT, 'sh', vmMountRoot(node.instanceId)], { timeoutMs: 30 * 60_000 });
  if (r.exitCode !== 0) throw new Error(`unmounting the buckets on ${node.address.label} exited ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('unmounted ')).map((l) => l.slice('unmounted '.length));
}
