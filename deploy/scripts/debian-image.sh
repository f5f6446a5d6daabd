# shellcheck shell=bash
# Shared by the buildah image scripts: a Debian bookworm image made here from apt's configured mirror
# (debootstrap --variant=minbase), with no Docker engine and no registry.
cache=${SKYPORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/skyport}
log() { printf '[image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "$(basename "$0"): $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "needs root (buildah's storage and debootstrap)"
for c in buildah debootstrap; do command -v "$c" >/dev/null || die "$c is missing (bash scripts/setup.sh installs it)"; done
mkdir -p "$cache"

# Overlay on this machine's filesystem when the kernel allows it, else vfs (full copies, slower).
storage=${SKYPORT_BUILDAH_DRIVER:-}
if [[ -z $storage ]]; then
  storage=vfs
  if buildah --storage-driver overlay info >/dev/null 2>&1; then storage=overlay; fi
fi
ba() { buildah --storage-driver "$storage" "$@"; }

# shellcheck source=../../scripts/lib/apt-mirror.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/apt-mirror.sh"

# debian_image <ref> <comma-separated packages> <configure-function>: builds <ref> unless local storage has it.
# The function gets the mounted root filesystem and the working container, and sets the image's config.
debian_image() {
  local ref=$1 packages=$2 configure=$3 ctr mnt
  ba inspect --type image "$ref" >/dev/null 2>&1 && return 0
  log "building $ref (debootstrap bookworm + $packages; about a minute)"
  ctr=$(ba from scratch)
  mnt=$(ba mount "$ctr")
  debootstrap --variant=minbase --include="$packages" bookworm "$mnt" "$(apt_mirror)" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; ba umount "$ctr" >/dev/null; ba rm "$ctr" >/dev/null; die "debootstrap failed"; }
  chroot "$mnt" apt-get clean
  rm -rf "$mnt"/var/lib/apt/lists/* "$mnt"/var/cache/apt/*.bin "$mnt"/var/log/*.log "$mnt"/var/log/apt/*
  : >"$mnt/etc/resolv.conf"
  ba config --os linux --arch amd64 --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env LANG=C.UTF-8 "$ctr"
  "$configure" "$mnt" "$ctr"
  ba umount "$ctr" >/dev/null
  ba commit --quiet "$ctr" "$ref" >/dev/null
  ba rm "$ctr" >/dev/null
}
