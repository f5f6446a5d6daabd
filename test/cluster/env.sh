# shellcheck shell=bash
# Shared settings for test/cluster/build.sh and test/cluster/cluster.sh (sourced, not run).
#
# Versions are pinned here and in the wrapper modules' go.mod files (kube-build/, etcd-build/,
# kwok-build/). Bump both together; the cache directory is keyed by version so a bump rebuilds.

SKYPORT_K8S_VERSION=v1.36.1
SKYPORT_ETCD_VERSION=v3.6.8
SKYPORT_KWOK_VERSION=v0.8.0
SKYPORT_LOCAL_PATH_VERSION=v0.0.30

SKYPORT_CLUSTER_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SKYPORT_REPO_ROOT=$(cd "$SKYPORT_CLUSTER_SRC/../.." && pwd)

# Per-user binary cache (outside the repo). SKYPORT_CACHE_DIR overrides the whole path.
SKYPORT_CACHE=${SKYPORT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skyport}
SKYPORT_K8S_DIR=$SKYPORT_CACHE/k8s-$SKYPORT_K8S_VERSION
SKYPORT_ETCD_DIR=$SKYPORT_CACHE/etcd-$SKYPORT_ETCD_VERSION
SKYPORT_KWOK_DIR=$SKYPORT_CACHE/kwok-$SKYPORT_KWOK_VERSION

# The harness (LoadBalancer/ingress status + per-pod KWOK exec/logs/port-forward objects) is
# small and changes with the repo, so its cache key is a hash of its sources.
skyport_harness_key() {
  (cd "$SKYPORT_CLUSTER_SRC/harness" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)
}
skyport_harness_dir() { echo "$SKYPORT_CACHE/harness-$(skyport_harness_key)"; }

# The real layout: kubelet (same version as the control plane) and the small Go tools of node-tools/.
SKYPORT_KUBELET_DIR=$SKYPORT_CACHE/kubelet-$SKYPORT_K8S_VERSION
# ... and their volume provisioner (rancher's local-path-provisioner, local-path-build/; see local-path.sh).
SKYPORT_LOCAL_PATH_DIR=$SKYPORT_CACHE/local-path-provisioner-$SKYPORT_LOCAL_PATH_VERSION
skyport_node_tools_key() {
  (cd "$SKYPORT_CLUSTER_SRC/node-tools" && cat go.mod go.sum ./*/*.go | sha256sum | cut -c1-12)
}
skyport_node_tools_dir() { echo "$SKYPORT_CACHE/node-tools-$(skyport_node_tools_key)"; }

# Project-local, git-ignored cluster state (data dirs, logs, pid files, merged kubeconfig).
SKYPORT_STATE=${SKYPORT_CLUSTER_HOME:-$SKYPORT_REPO_ROOT/.skyport}
SKYPORT_CLUSTERS=$SKYPORT_STATE/clusters
SKYPORT_KUBECONFIG=$SKYPORT_STATE/kubeconfig

export CGO_ENABLED=0
