#!/usr/bin/env bash
# Build (once) and cache the binaries of the local Kubernetes control plane:
#   kube-apiserver, kube-controller-manager, kube-scheduler  (k8s.io/kubernetes, kube-build/)
#   etcd                                                    (go.etcd.io/etcd/server/v3, etcd-build/)
#   kwok                                                    (sigs.k8s.io/kwok, kwok-build/)
#   skyport-cluster-harness                                 (harness/, this repo)
#   kubelet                                                 (k8s.io/kubernetes, kube-build/; real layout)
#   skyport-gpu-plugin, skyport-registry-proxy, skyport-pause, skyport-s3-mount (node-tools/, this repo; real layout)
#   local-path-provisioner                                 (github.com/rancher/local-path-provisioner, local-path-build/; real layout)
# plus KWOK's default stages and CRD manifests, copied out of the kwok module at build time.
#
# Everything lands under ${XDG_CACHE_HOME:-$HOME/.cache}/skyport/<component>-<version>/ and a
# component whose directory holds a .complete stamp is not built again (warm run: < 1 s).
# Only the Go module proxy is used (through the committed go.mod/go.sum files).
#
# Usage: test/cluster/build.sh [--print-paths]
set -euo pipefail
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

export GOTOOLCHAIN=local GOFLAGS=-mod=readonly

log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Build into a temporary sibling directory and rename it into place, so an interrupted build
# never leaves a half-filled cache directory behind.
build_into() { # <final-dir> <function>
  local final=$1 fn=$2
  if [[ -f $final/.complete ]]; then return 0; fi
  local tmp="$final.tmp.$$" start=$SECONDS
  rm -rf "$tmp"; mkdir -p "$tmp"
  log "building $(basename "$final") (cold builds take minutes; see test/cluster/README.md)"
  "$fn" "$tmp" || { rm -rf "$tmp"; log "building $(basename "$final") failed"; return 1; }
  date -u +%FT%TZ >"$tmp/.complete"
  echo "build_seconds=$((SECONDS - start))" >>"$tmp/.complete"
  rm -rf "$final"; mv "$tmp" "$final"
  log "built $(basename "$final") in $((SECONDS - start))s"
}

build_k8s() {
  local out=$1 v=${SKYPORT_K8S_VERSION#v}
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$SKYPORT_K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  (cd "$SKYPORT_CLUSTER_SRC/kube-build" &&
    go build -trimpath -ldflags "$ldflags" -o "$out/" \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler)
}

# The kubelet of the `real` layout (same wrapper module and version ldflags as the control plane).
build_kubelet() {
  local out=$1 v=${SKYPORT_K8S_VERSION#v}
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$SKYPORT_K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  (cd "$SKYPORT_CLUSTER_SRC/kube-build" &&
    go build -trimpath -ldflags "$ldflags" -o "$out/" k8s.io/kubernetes/cmd/kubelet)
}

build_node_tools() {
  local out=$1
  (cd "$SKYPORT_CLUSTER_SRC/node-tools" &&
    go build -trimpath -ldflags "-s -w" -o "$out/skyport-gpu-plugin" ./gpu-plugin &&
    go build -trimpath -ldflags "-s -w" -o "$out/skyport-registry-proxy" ./registry-proxy &&
    go build -trimpath -ldflags "-s -w" -o "$out/skyport-pause" ./pause &&
    go build -trimpath -ldflags "-s -w" -o "$out/skyport-s3-mount" ./s3-mount)
}

# The real layouts' volume provisioner (main package at the module's root; see local-path.sh).
build_local_path() {
  local out=$1
  (cd "$SKYPORT_CLUSTER_SRC/local-path-build" &&
    go build -trimpath -ldflags "-s -w" -o "$out/local-path-provisioner" github.com/rancher/local-path-provisioner)
}

build_etcd() {
  local out=$1
  (cd "$SKYPORT_CLUSTER_SRC/etcd-build" &&
    go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3)
}

build_kwok() {
  local out=$1 moddir
  (cd "$SKYPORT_CLUSTER_SRC/kwok-build" &&
    go build -trimpath -ldflags "-s -w" -o "$out/kwok" sigs.k8s.io/kwok/cmd/kwok)
  moddir=$(cd "$SKYPORT_CLUSTER_SRC/kwok-build" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  copy_kwok_share "$moddir" "$out"
}

# KWOK's own default stages (what kwokctl writes into kwok.yaml) and its CRDs, taken from the
# exact module version we build, so the repo holds no copy of them.
copy_kwok_share() { # <kwok-module-dir> <out>
  local m=$1 out=$2 f
  mkdir -p "$out/share/crds"
  {
    for f in stage/node/fast/node-initialize.yaml \
      stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
      stage/pod/fast/pod-ready.yaml stage/pod/fast/pod-complete.yaml stage/pod/fast/pod-delete.yaml; do
      echo "---"; cat "$m/kustomize/$f"
    done
  } >"$out/share/stages.yaml"
  for f in attaches clusterattaches execs clusterexecs logs clusterlogs portforwards clusterportforwards; do
    cp "$m/kustomize/crd/bases/kwok.x-k8s.io_$f.yaml" "$out/share/crds/"
  done
  chmod -R u+w "$out/share"
}

build_harness() {
  local out=$1
  (cd "$SKYPORT_CLUSTER_SRC/harness" &&
    go build -trimpath -ldflags "-s -w" -o "$out/skyport-cluster-harness" .)
}

main() {
  command -v go >/dev/null || { echo "build.sh: Go is required (go 1.26+)" >&2; exit 1; }
  mkdir -p "$SKYPORT_CACHE"
  # One build at a time per cache (parallel `cluster.sh up` calls wait here).
  exec 9>"$SKYPORT_CACHE/.build.lock"
  flock 9
  build_into "$SKYPORT_ETCD_DIR" build_etcd
  build_into "$SKYPORT_KWOK_DIR" build_kwok
  build_into "$(skyport_harness_dir)" build_harness
  build_into "$SKYPORT_K8S_DIR" build_k8s
  # The real layout's pieces (SKYPORT_SKIP_REAL_BUILD=1 skips them on machines that only use KWOK).
  if [[ -z ${SKYPORT_SKIP_REAL_BUILD:-} ]]; then
    build_into "$SKYPORT_KUBELET_DIR" build_kubelet
    build_into "$(skyport_node_tools_dir)" build_node_tools
    build_into "$SKYPORT_LOCAL_PATH_DIR" build_local_path
  fi
  # Drop builds of older sources.
  local d cur; cur=$(skyport_harness_dir)
  for d in "$SKYPORT_CACHE"/harness-*; do
    [[ -d $d && $d != "$cur" && $d != *.tmp.* ]] && rm -rf "$d"
  done
  local nt; nt=$(skyport_node_tools_dir)
  for d in "$SKYPORT_CACHE"/node-tools-*; do
    [[ -d $d && $d != "$nt" && $d != *.tmp.* ]] && rm -rf "$d"
  done
  if [[ ${1:-} == --print-paths ]]; then
    echo "kube-apiserver=$SKYPORT_K8S_DIR/kube-apiserver"
    echo "kube-controller-manager=$SKYPORT_K8S_DIR/kube-controller-manager"
    echo "kube-scheduler=$SKYPORT_K8S_DIR/kube-scheduler"
    echo "etcd=$SKYPORT_ETCD_DIR/etcd"
    echo "kwok=$SKYPORT_KWOK_DIR/kwok"
    echo "harness=$cur/skyport-cluster-harness"
    echo "kubelet=$SKYPORT_KUBELET_DIR/kubelet"
    echo "gpu-plugin=$nt/skyport-gpu-plugin"
    echo "registry-proxy=$nt/skyport-registry-proxy"
    echo "s3-mount=$nt/skyport-s3-mount"
  fi
}

main "$@"
