# shellcheck shell=bash
# The S3 mount driver of the real layout (node-tools/s3-mount, CSI driver s3.csi.skyport.dev): one plugin per real
# node, registered with that node's kubelet through its plugin watcher, mounting buckets with rclone over FUSE on
# the host for Skyport's `file_mounts` in MOUNT / MOUNT_CACHED mode. Sourced by real-nodes.sh.
#
# S3 settings (the plugins refuse an endpoint that is not on loopback):
#   SKYPORT_S3_MOUNT_ENDPOINT  default http://127.0.0.1:${SKYPORT_TEST_MOTO_PORT:-26450} (test/cloud/moto.sh)
#   SKYPORT_S3_MOUNT_ACCESS_KEY_ID / SKYPORT_S3_MOUNT_SECRET_ACCESS_KEY  default testing/testing (moto takes any)
# Which pods get a volume (the plugins refuse any other pod's, naming it):
#   SKYPORT_S3_MOUNT_TASK_NAMESPACES  default `default` (the test kubeconfig's namespace, where tasks go); comma-separated
#   SKYPORT_S3_MOUNT_TASK_SERVICE_ACCOUNT  default `default` (task pods run as their namespace's default account)
# SKYPORT_S3_MOUNT_ON_HOST=0: no plugin on the host and no CSIDriver (a test installs the Helm chart's DaemonSet
# instead); each kubelet's root is then a shared mount, as /var/lib/kubelet is on a real node, since the driver pod
# mounts into it with Bidirectional propagation (containerd refuses that on a private mount).
#
# Unix socket paths are limited to 107 bytes and a checkout's path can be long (CI's is longer than a developer's),
# so the kubelet's plugin watcher directory must be short: each kubelet's --root-dir is <run-dir>/n<i>/kr, a bind
# mount of the node's root directory on disk (real_down unmounts everything under the run directory).

S3_MOUNT_DRIVER=s3.csi.skyport.dev
SOCKET_PATH_MAX=107

# Fails (naming the path) when a unix socket path would not fit in sun_path.
socket_path_fits() { # <what> <path>
  ((${#2} <= SOCKET_PATH_MAX)) || die "the $1 socket path $2 is ${#2} bytes, above the $SOCKET_PATH_MAX-byte limit of unix socket paths (SKYPORT_REAL_RUN_DIR-style short directories are needed)"
}

# Prints the kubelet root directory of node <i>: a short path under the run directory, bind-mounted from the disk.
s3_mount_kubelet_root() { # <node-dir> <node-run-dir>
  local nd=$1 nrun=$2 kr=$2/kr
  mkdir -p "$nd/root" "$kr"
  mountpoint -q "$kr" || mount --bind "$nd/root" "$kr" || die "could not bind-mount $nd/root at $kr"
  if [[ ${SKYPORT_S3_MOUNT_ON_HOST:-1} == 0 ]]; then mount --make-shared "$kr" || die "could not make $kr a shared mount"; fi
  socket_path_fits "plugin registration" "$kr/plugins_registry/$S3_MOUNT_DRIVER-reg.sock"
  echo "$kr"
}

# Starts one plugin per real node and declares the driver (ephemeral inline volumes only). Prints the components.
s3_mount_up() { # <cluster-dir> <name> <count> <run-dir> <kubectl argv...>
  local d=$1 name=$2 count=$3 run=$4; shift 4
  local i nt sock; nt=$(skyport_node_tools_dir)
  [[ ${SKYPORT_S3_MOUNT_ON_HOST:-1} == 0 ]] && return 0
  command -v rclone >/dev/null || die "rclone is missing (the S3 mount driver needs it): run bash scripts/setup.sh"
  [[ -e /dev/fuse ]] || die "/dev/fuse is missing (the S3 mount driver mounts buckets with FUSE on this machine)"
  for ((i = 0; i < count; i++)); do
    sock=$run/n$i/s3.sock
    socket_path_fits "S3 mount driver" "$sock"
    start_proc "$d" "s3-mount-$i" env \
      SKYPORT_S3_MOUNT_ENDPOINT="${SKYPORT_S3_MOUNT_ENDPOINT:-http://127.0.0.1:${SKYPORT_TEST_MOTO_PORT:-26450}}" \
      AWS_ACCESS_KEY_ID="${SKYPORT_S3_MOUNT_ACCESS_KEY_ID:-testing}" \
      AWS_SECRET_ACCESS_KEY="${SKYPORT_S3_MOUNT_SECRET_ACCESS_KEY:-testing}" \
      AWS_REGION="${SKYPORT_S3_MOUNT_REGION:-us-east-1}" \
      "$nt/skyport-s3-mount" --registry-dir="$run/n$i/kr/plugins_registry" --csi-socket="$sock" \
      --node="$name-real-$i" --state-dir="$d/real/n$i/s3-mount" \
      --task-namespaces="${SKYPORT_S3_MOUNT_TASK_NAMESPACES:-default}" \
      --task-service-account="${SKYPORT_S3_MOUNT_TASK_SERVICE_ACCOUNT:-default}"
    echo "s3-mount-$i"
  done
  "$@" apply -f - >/dev/null <<EOF || die "could not create the CSIDriver $S3_MOUNT_DRIVER"
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: $S3_MOUNT_DRIVER}
spec: {attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: [Ephemeral], fsGroupPolicy: None}
EOF
}

s3_mount_registered() { # <node> <kubectl argv...>
  local n=$1; shift
  "$@" get csinode "$n" -o jsonpath='{.spec.drivers[*].name}' 2>/dev/null | grep -qw "$S3_MOUNT_DRIVER"
}

# Waits until every real node's CSINode lists the driver (what the provisioner checks before a MOUNT launch).
s3_mount_wait() { # <cluster-dir> <name> <kubectl argv...>
  local d=$1 name=$2 n; shift 2
  [[ -f $d/real/real.env && ${SKYPORT_S3_MOUNT_ON_HOST:-1} != 0 ]] || return 0
  for n in $(real_node_names "$name" "$(sed -n 's/^REAL_NODES=//p' "$d/real/real.env")"); do
    wait_until 60 csinode s3_mount_registered "$n" "$@" ||
      die "node $n did not register $S3_MOUNT_DRIVER (see logs/s3-mount-*.log, logs/kubelet-*.log)"
  done
}

# Stops the plugins: each unmounts its buckets on SIGTERM (MOUNT_CACHED writes are flushed), then rclone exits.
s3_mount_down() { # <cluster-dir> <count>
  local d=$1 count=$2 i c
  for ((i = 0; i < count; i++)); do
    c=s3-mount-$i
    pid_alive "$d" "$c" && kill -TERM "$(<"$d/pids/$c.pid")" 2>/dev/null || true
  done
  for ((i = 0; i < count; i++)); do
    c=s3-mount-$i
    for _ in $(seq 100); do pid_alive "$d" "$c" || break; sleep 0.1; done
    pid_alive "$d" "$c" && kill -KILL "$(<"$d/pids/$c.pid")" 2>/dev/null || true
  done
  # rclone dies with its plugin (parent-death signal); a mount it left is detached by real_down's unmount step
  for c in $(pgrep -f -- "rclone mount sky:.* $(real_run_dir "$d")/" || true); do kill -KILL "$c" 2>/dev/null || true; done
  return 0
}
