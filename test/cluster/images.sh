#!/usr/bin/env bash
# Build (once) and cache the container images of the `real` layout, from Debian packages only
# (apt's configured mirror is the only source; no image comes from outside this machine):
#
#   skyport/task:<tag>    the default task image: debootstrap --variant=minbase bookworm + bash, coreutils,
#                         python3 (pip, venv), tar, rsync, procps, curl, ca-certificates, openssh client/server
#   private/hello:<tag>   a small busybox image in a repository that needs the registry's credentials to pull
#   skyport/pause:<tag>   the pod sandbox image (node-tools/pause, built by build.sh)
#
# The result is a registry storage directory (docker-registry's filesystem layout) under
# $SKYPORT_CACHE/images-<key>/registry, <key> being a hash of this recipe; cluster.sh serves a copy of it.
# Prints the cache directory on stdout. Needs root (debootstrap), debootstrap, umoci, skopeo, docker-registry.
set -euo pipefail
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "images.sh: $*" >&2; exit 1; }

SUITE=bookworm
# Packages of the task image (debootstrap resolves their dependencies, not their recommendations).
TASK_PACKAGES=bash,coreutils,tar,gzip,xz-utils,rsync,procps,curl,ca-certificates,openssh-client,openssh-server,python3,python3-pip,python3-venv,less

# shellcheck source=../../scripts/lib/apt-mirror.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/apt-mirror.sh"

images_key() {
  { cat "${BASH_SOURCE[0]}"; apt_mirror; skyport_node_tools_key; } | sha256sum | cut -c1-12
}

# tar of a root filesystem as a layer (uncompressed; umoci compresses it), owned by root
layer_tar() { # <rootfs> <out.tar>
  tar -C "$1" --numeric-owner --owner=0 --group=0 --xattrs \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' --exclude='./tmp/*' \
    -cf "$2" .
}

oci_image() { # <oci-dir> <tag> <layer.tar> umoci-config-args...
  local oci=$1 tag=$2 layer=$3; shift 3
  [[ -d $oci ]] || umoci init --layout "$oci"
  umoci new --image "$oci:$tag"
  umoci raw add-layer --image "$oci:$tag" "$layer"
  umoci config --image "$oci:$tag" --os linux --architecture amd64 --author skyport "$@"
}

build_task_rootfs() { # <rootfs>
  local r=$1
  log "debootstrap $SUITE (minbase + $TASK_PACKAGES) from $(apt_mirror)"
  debootstrap --variant=minbase --include="$TASK_PACKAGES" "$SUITE" "$r" "$(apt_mirror)" >"$r.log" 2>&1 ||
    { tail -20 "$r.log" >&2; die "debootstrap failed (log: $r.log)"; }
  # debootstrap leaves /proc and /sys mounted when interrupted; never tar a mounted tree
  grep -q " $r/" /proc/mounts && die "mounts left under $r"
  chroot "$r" apt-get clean
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/log/*.log "$r"/var/log/apt/*
  # host-specific files debootstrap copied in; the runtime provides them
  : >"$r/etc/resolv.conf"
  echo skyport-task >"$r/etc/hostname"
  # no baked-in ssh host keys: every container must make its own (ssh-keygen -A) before sshd starts
  rm -f "$r"/etc/ssh/ssh_host_*
  mkdir -p "$r/run/sshd"
}

build_hello_rootfs() { # <rootfs> <workdir>
  local r=$1 w=$2 c
  (cd "$w" && apt-get download busybox-static >/dev/null 2>&1) || die "apt-get download busybox-static failed"
  dpkg-deb -x "$w"/busybox-static_*.deb "$w/bb"
  mkdir -p "$r/bin" "$r/tmp" "$r/etc"
  cp "$w/bb/bin/busybox" "$r/bin/busybox"
  for c in sh echo cat ls sleep env id wget; do ln -s busybox "$r/bin/$c"; done
  echo 'root:x:0:0:root:/:/bin/sh' >"$r/etc/passwd"
}

# push every image of the OCI layout into a registry storage dir, through a throwaway registry
push_all() { # <oci-dir> <storage-dir> <tag>
  local oci=$1 storage=$2 tag=$3 port tmpd pid img
  tmpd=$(mktemp -d)
  for ((port = 45000 + RANDOM % 4000; ; port++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  cat >"$tmpd/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $storage}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$tmpd/config.yml" >"$tmpd/registry.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
  for img in task:skyport/task hello:private/hello pause:skyport/pause; do
    skopeo copy --quiet --dest-tls-verify=false "oci:$oci:${img%%:*}" "docker://127.0.0.1:$port/${img#*:}:$tag" ||
      { kill "$pid"; cat "$tmpd/registry.log" >&2; die "pushing ${img#*:} failed"; }
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$tmpd"
}

main() {
  [[ $(id -u) == 0 ]] || die "needs root (debootstrap)"
  local c
  for c in debootstrap umoci skopeo docker-registry; do
    command -v "$c" >/dev/null || die "$c is missing (bash scripts/setup.sh installs it)"
  done
  local pause; pause=$(skyport_node_tools_dir)/skyport-pause
  [[ -x $pause ]] || die "$pause is missing: run test/cluster/build.sh first"
  local key out
  key=$(images_key)
  out=$SKYPORT_CACHE/images-$key
  mkdir -p "$SKYPORT_CACHE"
  exec 9>"$SKYPORT_CACHE/.images.lock"
  flock 9
  if [[ ! -f $out/.complete ]]; then
    local tmp="$out.tmp.$$" start=$SECONDS
    rm -rf "$tmp"; mkdir -p "$tmp/work"
    trap 'umount -R "'"$tmp"'/task-rootfs/proc" "'"$tmp"'/task-rootfs/sys" 2>/dev/null; rm -rf "'"$tmp"'"' EXIT
    log "building images-$key (cold: about a minute)"
    build_task_rootfs "$tmp/task-rootfs"
    layer_tar "$tmp/task-rootfs" "$tmp/work/task.tar"
    rm -rf "$tmp/task-rootfs"
    oci_image "$tmp/oci" task "$tmp/work/task.tar" \
      --config.cmd /bin/bash --config.workingdir /root --config.user 0:0 \
      --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --config.env LANG=C.UTF-8 \
      --config.label org.opencontainers.image.description="Skyport default task image (Debian $SUITE)"
    build_hello_rootfs "$tmp/hello-rootfs" "$tmp/work"
    layer_tar "$tmp/hello-rootfs" "$tmp/work/hello.tar"
    oci_image "$tmp/oci" hello "$tmp/work/hello.tar" \
      --config.cmd /bin/sh --config.cmd -c --config.cmd 'echo hello from the private image' \
      --config.env PATH=/bin
    mkdir -p "$tmp/pause-rootfs"
    cp "$pause" "$tmp/pause-rootfs/pause"
    layer_tar "$tmp/pause-rootfs" "$tmp/work/pause.tar"
    oci_image "$tmp/oci" pause "$tmp/work/pause.tar" --config.entrypoint /pause
    mkdir -p "$tmp/registry"
    push_all "$tmp/oci" "$tmp/registry" "$key"
    rm -rf "$tmp/work" "$tmp/oci" "$tmp/hello-rootfs" "$tmp/pause-rootfs"
    cat >"$tmp/images.env" <<EOF
IMAGES_TAG=$key
TASK_REPO=skyport/task
PRIVATE_REPO=private/hello
PAUSE_REPO=skyport/pause
EOF
    date -u +%FT%TZ >"$tmp/.complete"
    echo "build_seconds=$((SECONDS - start))" >>"$tmp/.complete"
    rm -rf "$out"; mv "$tmp" "$out"
    trap - EXIT
    log "built images-$key in $((SECONDS - start))s"
    for c in "$SKYPORT_CACHE"/images-*; do
      [[ -d $c && $c != "$out" && $c != *.tmp.* ]] && rm -rf "$c"
    done
  fi
  echo "$out"
}

main "$@"
