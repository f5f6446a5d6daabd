# shellcheck shell=bash
# The real layouts' volume provisioner: rancher's local-path-provisioner (built from its Go module by build.sh,
# local-path-build/), run as a process of the cluster beside the harness, with the cluster's admin kubeconfig.
# Sourced by real-nodes.sh (uses cluster.sh's helpers: log, die, start_proc, pid_alive).
#
# StorageClass `local-path` is the cluster's default (WaitForFirstConsumer, reclaim Delete): a claim binds once a
# pod using it is scheduled, to a directory under <stateDir>/real/volumes/ — every node is this machine, so the
# directories are on its disk, and `down` deletes them with the rest of the cluster's state. The provisioner makes
# and removes a volume's directory through a short "helper" pod on the claim's node (the upstream design): it runs
# the default task image, which the registry already serves and `up` pre-pulls on every node.

LOCAL_PATH_NS=local-path-storage
LOCAL_PATH_SA=local-path-provisioner-service-account

# The objects the provisioner reads (its ConfigMap: the node paths, the helper pod, the setup/teardown scripts the
# helper pods mount) and the StorageClass. Same names and scripts as upstream's deploy/local-path-storage.yaml.
local_path_manifest() { # <volumes-dir> <helper-image>
  local dir=$1 image=$2
  cat <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $LOCAL_PATH_NS
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: $LOCAL_PATH_SA
  namespace: $LOCAL_PATH_NS
automountServiceAccountToken: false
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-path-config
  namespace: $LOCAL_PATH_NS
data:
  config.json: |-
    {"nodePathMap": [{"node": "DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths": ["$dir"]}]}
  setup: |-
    #!/bin/sh
    set -eu
    mkdir -m 0777 -p "\$VOL_DIR"
  teardown: |-
    #!/bin/sh
    set -eu
    rm -rf "\$VOL_DIR"
  helperPod.yaml: |-
    apiVersion: v1
    kind: Pod
    metadata:
      name: helper-pod
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 0
      containers:
      - name: helper-pod
        image: $image
        imagePullPolicy: IfNotPresent
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
EOF
}

# Applies the objects and starts the provisioner; appends its component to <cluster-dir>/real/components so
# `status` reports the cluster degraded if it dies and `down` stops it. One `kubectl apply` and a process start.
local_path_up() { # <cluster-dir> <kubectl argv...>
  local d=$1; shift
  local rd=$d/real t0=$SECONDS DEFAULT_IMAGE
  # shellcheck disable=SC1091
  source "$rd/real.env"
  mkdir -p "$rd/volumes"
  local_path_manifest "$rd/volumes" "$DEFAULT_IMAGE" | "$@" apply -f - >/dev/null ||
    die "applying the local-path provisioner's objects failed"
  start_proc "$d" local-path "$SKYPORT_LOCAL_PATH_DIR/local-path-provisioner" start \
    --kubeconfig "$d/kubeconfig" --namespace "$LOCAL_PATH_NS" --service-account-name "$LOCAL_PATH_SA"
  echo local-path >>"$rd/components"
  log "local-path provisioner started after $((SECONDS - t0))s (default StorageClass local-path)"
}

# Stops the provisioner before the kubelets go, so it starts no helper pod on a node that is stopping.
local_path_down() { # <cluster-dir>
  local d=$1
  pid_alive "$d" local-path || return 0
  local pid; pid=$(<"$d/pids/local-path.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 30); do pid_alive "$d" local-path || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  return 0
}
