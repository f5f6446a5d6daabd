#!/usr/bin/env bash
# Builds the S3 mount driver's image (CSI node plugin s3.csi.skyport.dev, the Helm chart's storage.s3.mountDriver)
# with buildah and pushes it; prints the pushed reference on its last stdout line.
#
#   deploy/scripts/build-s3-mount-image.sh --registry 127.0.0.1:31990 [--creds USER:PASSWORD] [--repository skyport/s3-mount]
#
# Minimal: Debian bookworm (debootstrap from apt's mirror, as the Skyport image's base) with rclone, fuse3 (for
# fusermount) and ca-certificates from Debian packages, plus the driver binary built here from
# test/cluster/node-tools/s3-mount (the same program the real-node test clusters run on their hosts; Go modules
# from the Go module proxy's cache). The tag is a hash of what goes in: an unchanged tree is neither rebuilt nor
# pushed again. Needs root, buildah, debootstrap, go.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
src=$root/test/cluster/node-tools
registry="" creds="" repository=skyport/s3-mount
while (($#)); do
  case $1 in
  --registry) registry=$2; shift 2 ;;
  --creds) creds=$2; shift 2 ;;
  --repository) repository=$2; shift 2 ;;
  *) echo "build-s3-mount-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=debian-image.sh
source "$root/deploy/scripts/debian-image.sh"
[[ -n $registry ]] || die "--registry HOST:PORT is required"
command -v go >/dev/null || die "go is missing (the driver is built from test/cluster/node-tools/s3-mount)"

base_key=$({ sed -n '/^# BASE-RECIPE/,/^# END-BASE-RECIPE/p' "${BASH_SOURCE[0]}"; cat "$root/deploy/scripts/debian-image.sh"; apt_mirror; } | sha256sum | cut -c1-12)
base_ref=localhost/skyport/s3-mount-base:$base_key

# BASE-RECIPE (changing anything between these markers rebuilds the base)
s3_mount_base_config() { # <rootfs> <container>
  ba config --entrypoint '["/usr/local/bin/skyport-s3-mount"]' \
    --label org.opencontainers.image.description="rclone and fuse3 from Debian bookworm (Skyport S3 mount driver base)" "$2"
}
# END-BASE-RECIPE

exec 9>"$cache/.build-s3-mount-image.lock"
flock 9
debian_image "$base_ref" ca-certificates,rclone,fuse3 s3_mount_base_config

src_key=$( (cd "$src" && cat go.mod go.sum s3-mount/*.go) | sha256sum | cut -c1-12)
tag=$(printf '%s %s %s' "$base_key" "$(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-12)" "$src_key" | sha256sum | cut -c1-12)
ref=$registry/$repository:$tag
local_ref=localhost/$repository:$tag

creds_args=()
[[ -n $creds ]] && creds_args=(--creds "$creds")
if skopeo inspect --tls-verify=false "${creds_args[@]}" "docker://$ref" >/dev/null 2>&1; then
  log "$ref is already in the registry"
  echo "$ref"; exit 0
fi

if ! ba inspect --type image "$local_ref" >/dev/null 2>&1; then
  bin=$(mktemp -d "$cache/s3-mount-bin.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$bin'" EXIT
  log "go build of the driver (test/cluster/node-tools/s3-mount)"
  # static: nothing of this machine's libc goes into the image
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin/skyport-s3-mount" ./s3-mount) >&2
  ctr=$(ba from --quiet "$base_ref")
  ba copy --chmod 0755 "$ctr" "$bin/skyport-s3-mount" /usr/local/bin/skyport-s3-mount >/dev/null
  ba config --label org.opencontainers.image.description="Skyport S3 mount driver (CSI s3.csi.skyport.dev): rclone over FUSE" "$ctr"
  ba commit --quiet "$ctr" "$local_ref" >/dev/null
  ba rm "$ctr" >/dev/null
fi
# What the DaemonSet runs must be in it.
check=$(ba from --quiet "$local_ref")
mnt=$(ba mount "$check")
missing=""
for f in usr/local/bin/skyport-s3-mount usr/bin/rclone usr/bin/fusermount; do
  [[ -x $mnt/$f ]] || missing+=" /$f"
done
ba umount "$check" >/dev/null; ba rm "$check" >/dev/null
if [[ -n $missing ]]; then ba rmi "$local_ref" >/dev/null 2>&1 || true; die "the built image lacks$missing"; fi
ba push --quiet --tls-verify=false "${creds_args[@]}" "$local_ref" "docker://$ref"
# keep only this tag and the base in local storage
for old in $(ba images --format '{{.Name}}:{{.Tag}}' | grep "^localhost/$repository:" | grep -v ":$tag$"); do
  ba rmi "$old" >/dev/null 2>&1 || true
done
log "pushed $ref"
echo "$ref"
