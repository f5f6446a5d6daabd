#!/usr/bin/env bash
# Local Kubernetes clusters for Skyport's tests and quick start: a real etcd + kube-apiserver +
# kube-controller-manager + kube-scheduler (built from source by build.sh) with KWOK nodes.
# See test/cluster/README.md. Stable interface (used by tests and scripts/quickstart):
#
#   cluster.sh up [--name N] [--layout small|gpu|large|congested|real|mixed] [--nodes K]
#   cluster.sh down [--name N | --all]
#   cluster.sh kubeconfig            # path of the ONE kubeconfig with a context per running cluster
#   cluster.sh status [--name N] [--json]
#   cluster.sh context [--name N]    # prints the context name (skyport-N)
#   cluster.sh fail-pod NS/POD [--name N] [--exit-code C] [--reason R] [--message M]
#   cluster.sh image-pull-error NS/POD [--name N] [--backoff]
#   cluster.sh block-scheduling [--name N] / unblock-scheduling [--name N]
#   cluster.sh kubectl [--name N] -- ARGS...
#   cluster.sh registry [--json]     # the local registry (real layouts): HOST:PORT USER PASSWORD
#
# Safety: every component binds 127.0.0.1; service, node and LoadBalancer addresses are all inside
# 127.0.0.0/8, and so are KWOK pods' IPs; pods on real nodes (layouts real/mixed, see real-nodes.sh) live on
# a private bridge with no NAT and no route out. Nothing here connects anywhere but 127.0.0.1.
set -euo pipefail
[[ -n ${SKYPORT_CLUSTER_TRACE:-} ]] && set -x
# shellcheck source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PORT_BASE=${SKYPORT_CLUSTER_PORT_BASE:-32000} # cluster i uses PORT_BASE + 10*i ... + 10*i + 5
MAX_CLUSTERS=60
FROZEN_ANNOTATION=skyport.dev/kwok-frozen
# No cloud, node-IPAM or route controllers; the harness plays the service-LB part. The endpoint(slice)
# controllers are off because the API server rejects loopback (127.x) pod IPs in Endpoints/EndpointSlices:
# they would only retry and emit FailedToUpdateEndpointSlices warnings. Reach pods through port-forward.
# shellcheck source=real-nodes.sh
source "$SKYPORT_CLUSTER_SRC/real-nodes.sh"
KCM_CONTROLLERS='*,-node-ipam-controller,-cloud-node-lifecycle-controller,-node-route-controller,-service-lb-controller,-endpoints-controller,-endpointslice-controller,-endpointslice-mirroring-controller'

die() { echo "cluster.sh: $*" >&2; exit 1; }
log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

find_kubectl() {
  if [[ -n ${KUBECTL:-} ]]; then echo "$KUBECTL"; return; fi
  if [[ -x $SKYPORT_K8S_DIR/kubectl ]]; then echo "$SKYPORT_K8S_DIR/kubectl"; return; fi
  local k d best
  k=$(command -v kubectl) || die "kubectl not found (set KUBECTL=/path/to/kubectl)"
  # Debian's google-cloud-sdk kubectl is a version dispatcher: use the newest real binary.
  d=$(dirname "$(readlink -f "$k")")
  best=$(find "$d" -maxdepth 1 -name 'kubectl.1.*' 2>/dev/null | sort -V | tail -1)
  echo "${best:-$k}"
}
KUBECTL_BIN=$(find_kubectl)

valid_name() { [[ $1 =~ ^[a-z0-9]([-a-z0-9]{0,22}[a-z0-9])?$ ]]; }
cdir() { echo "$SKYPORT_CLUSTERS/$1"; }

# --------------------------------------------------------------------------- process helpers

pid_alive() { # <cluster-dir> <component>
  local f=$1/pids/$2.pid pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ -d /proc/$pid ]] || return 1
  # guard against pid reuse: the process must have been started for this cluster dir (or its short run dir, where
  # the real nodes' sockets live: real-nodes.sh)
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -e "$1" -e "$(real_run_dir "$1")/" >/dev/null || return 1
}

COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok harness)

# the control plane's components plus, on real layouts, each node's containerd/kubelet and the GPU plugin
cluster_components() { # <cluster-dir>
  echo "${COMPONENTS[@]}"
  if [[ -f $1/real/components ]]; then cat "$1/real/components"; fi
}

cluster_running() { # a completed `up` (no "starting" stamp left) and all components alive
  local d c; d=$(cdir "$1")
  [[ -f $d/cluster.env && ! -f $d/starting ]] || return 1
  for c in $(cluster_components "$d"); do pid_alive "$d" "$c" || return 1; done
}

start_proc() { # <cluster-dir> <component> <binary> args...
  local d=$1 name=$2; shift 2
  mkdir -p "$d/logs" "$d/pids"
  # setsid: the control plane outlives the shell that started it; `down` stops it by pid.
  # (lock fds 5-9 are closed so the daemons never hold this script's flocks)
  (cd "$d" && exec setsid "$@" >>"$d/logs/$name.log" 2>&1 </dev/null 5>&- 6>&- 7>&- 8>&- 9>&-) &
  echo $! >"$d/pids/$name.pid"
}

stop_cluster_procs() { # <cluster-dir>
  local d=$1 c pid i alive
  real_down "$d" # real nodes first (kubelets, containers, containerd), while the API server still runs
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    c=${COMPONENTS[$i]}
    if pid_alive "$d" "$c"; then kill -TERM "$(<"$d/pids/$c.pid")" 2>/dev/null || true; fi
    # etcd last and only after the API server is gone, so nothing logs storage errors
    if [[ $c == kube-apiserver || $c == etcd ]]; then
      for _ in $(seq 50); do pid_alive "$d" "$c" || break; sleep 0.1; done
    fi
  done
  for _ in $(seq 100); do
    alive=0
    for c in "${COMPONENTS[@]}"; do pid_alive "$d" "$c" && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for c in "${COMPONENTS[@]}"; do
    if pid_alive "$d" "$c"; then
      pid=$(<"$d/pids/$c.pid"); log "killing $c ($pid)"; kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$d/pids"
  stop_pod_processes "$d"
}

# Processes exec'd into this cluster's pods run on this machine, and no kubelet kills them when their pod goes:
# a job left running (a test that timed out, a benchmark's `sleep`) would outlive the cluster. Their process
# groups (jobs start in groups of their own) are ended with it; never this script's own group.
stop_pod_processes() { # <cluster-dir>
  local d=$1 pid pgid own
  own=$(ps -o pgid= $$ | tr -d ' ')
  for pid in $(pgrep -f -- "$d/pods/" || true); do
    pgid=$(ps -o pgid= "$pid" 2>/dev/null | tr -d ' ') || continue
    if [[ -n $pgid && $pgid != "$own" ]]; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
    kill -KILL "$pid" 2>/dev/null || true
  done
}

wait_until() { # <timeout-seconds> <description> <command...>
  local t=$1 what=$2; shift 2
  local end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --------------------------------------------------------------------------- certificates

gen_certs() { # <pki-dir> <service-ip>
  local p=$1 svcip=$2
  mkdir -p "$p"
  (
    cd "$p"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=skyport-local-ca" >/dev/null 2>&1
    cat >server.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$svcip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >client.ext
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=kube-apiserver" >/dev/null 2>&1
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile server.ext -out server.crt >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr \
      -subj "/O=system:masters/CN=skyport-admin" >/dev/null 2>&1
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile client.ext -out admin.crt >/dev/null 2>&1
    openssl genrsa -out sa.key 2048 >/dev/null 2>&1
    openssl rsa -in sa.key -pubout -out sa.pub >/dev/null 2>&1
    rm -f ./*.csr ./*.ext ./*.srl
  )
}

write_kubeconfig() { # <file> <name> <port> <pki>
  local f=$1 name=$2 port=$3 p=$4
  cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: skyport-$name
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority-data: $(base64 -w0 <"$p/ca.crt")
users:
- name: skyport-$name-admin
  user:
    client-certificate-data: $(base64 -w0 <"$p/admin.crt")
    client-key-data: $(base64 -w0 <"$p/admin.key")
contexts:
- name: skyport-$name
  context:
    cluster: skyport-$name
    user: skyport-$name-admin
current-context: skyport-$name
EOF
  chmod 600 "$f"
}

# Rebuild the merged kubeconfig from every running cluster (atomic rename).
merge_kubeconfigs() { # [preferred-current-context]
  local prefer=${1:-} files=() d name cur=""
  mkdir -p "$SKYPORT_STATE"
  for d in "$SKYPORT_CLUSTERS"/*/; do
    name=$(basename "$d")
    [[ -f $d/kubeconfig ]] && cluster_running "$name" && files+=("$d/kubeconfig")
  done
  local tmp="$SKYPORT_KUBECONFIG.tmp.$$"
  if ((${#files[@]} == 0)); then
    printf 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\ncurrent-context: ""\n' >"$tmp"
  else
    [[ -f $SKYPORT_KUBECONFIG ]] && cur=$(KUBECONFIG=$SKYPORT_KUBECONFIG "$KUBECTL_BIN" config current-context 2>/dev/null || true)
    KUBECONFIG=$(IFS=:; echo "${files[*]}") "$KUBECTL_BIN" config view --flatten >"$tmp"
    local want=${prefer:-$cur}
    if [[ -z $want ]] || ! KUBECONFIG=$tmp "$KUBECTL_BIN" config get-contexts "$want" >/dev/null 2>&1; then
      want=$(KUBECONFIG=$tmp "$KUBECTL_BIN" config get-contexts -o name | awk 'NR == 1')
    fi
    KUBECONFIG=$tmp "$KUBECTL_BIN" config use-context "$want" >/dev/null
  fi
  chmod 600 "$tmp"
  mv -f "$tmp" "$SKYPORT_KUBECONFIG"
}

# --------------------------------------------------------------------------- layouts

# emit_node <name> <cpu> <memory> <pods> <gpus> <instance-type> <extra-labels> <taint?>
emit_node() {
  local name=$1 cpu=$2 mem=$3 pods=$4 gpus=$5 itype=$6 labels=$7 taint=$8
  local gpuline=""
  ((gpus > 0)) && gpuline="    nvidia.com/gpu: \"$gpus\""
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: $itype
    topology.kubernetes.io/region: local
    topology.kubernetes.io/zone: local-a
    type: kwok
    skyport.dev/layout: $LAYOUT
$labels
spec:
EOF
  if [[ $taint == yes ]]; then
    printf '  taints:\n  - key: nvidia.com/gpu\n    value: present\n    effect: NoSchedule\n'
  fi
  # Created NotReady and without addresses: KWOK's node-initialize stage fills in the
  # InternalIP (127.0.0.1, from --node-ip), conditions and the kubelet endpoint port.
  cat <<EOF
status:
  capacity:
    cpu: "$cpu"
    memory: $mem
    pods: "$pods"
    ephemeral-storage: 500Gi
$gpuline
  allocatable:
    cpu: "$cpu"
    memory: $mem
    pods: "$pods"
    ephemeral-storage: 500Gi
$gpuline
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: $SKYPORT_K8S_VERSION
    kubeProxyVersion: $SKYPORT_K8S_VERSION
    containerRuntimeVersion: kwok://$SKYPORT_KWOK_VERSION
EOF
}

GKE_LABELS='    cloud.google.com/gke-accelerator: nvidia-tesla-a100
    cloud.google.com/gke-nodepool: a100-pool
    cloud.google.com/machine-family: a2'
GFD_LABELS='    nvidia.com/gpu.present: "true"
    nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB
    nvidia.com/gpu.count: "8"
    nvidia.com/gpu.memory: "81920"
    nvidia.com/gpu.family: ampere'

gen_nodes() { # <cluster> <layout> <nodes> -> YAML on stdout
  local c=$1 layout=$2 n=$3 i
  case $layout in
  small)
    for ((i = 0; i < n; i++)); do emit_node "$c-cpu-$i" 8 32Gi 110 0 n2-standard-8 "" no; done
    ;;
  gpu)
    for ((i = 0; i < n; i++)); do emit_node "$c-cpu-$i" 8 32Gi 110 0 n2-standard-8 "" no; done
    emit_node "$c-gpu-gke-0" 96 680Gi 110 8 a2-highgpu-8g "$GKE_LABELS" yes
    emit_node "$c-gpu-gfd-0" 96 1152Gi 110 8 p4de.24xlarge "$GFD_LABELS" yes
    ;;
  large)
    # every 4th node is a GPU node (GFD labels, 8 GPUs, tainted); the rest are 32 CPU / 128 GiB
    for ((i = 0; i < n; i++)); do
      if ((i % 4 == 3)); then
        emit_node "$c-node-$i" 96 1152Gi 110 8 p4de.24xlarge "$GFD_LABELS" yes
      else
        emit_node "$c-node-$i" 32 128Gi 110 0 n2-standard-32 "" no
      fi
    done
    ;;
  mixed)
    # beside the real nodes (real_up): two KWOK CPU nodes for scale-out and failure injection
    for ((i = 0; i < 2; i++)); do emit_node "$c-cpu-$i" 8 32Gi 110 0 n2-standard-8 "" no; done
    ;;
  real) ;;
  congested)
    # small pod slots so even pods without requests find no room (filled by gen_fillers)
    for ((i = 0; i < n; i++)); do emit_node "$c-cpu-$i" 8 32Gi 8 0 n2-standard-8 "" no; done
    emit_node "$c-gpu-gfd-0" 96 1152Gi 8 8 p4de.24xlarge "$GFD_LABELS" yes
    ;;
  esac
}

# congested: 8 pods per node, bound directly to the node, whose requests add up to its capacity
gen_fillers() { # <cluster> <nodes>
  local c=$1 n=$2 i j node res
  printf -- '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: skyport-congestion\n'
  for ((i = 0; i <= n; i++)); do
    if ((i == n)); then
      node="$c-gpu-gfd-0" res='{cpu: "12", memory: 144Gi, nvidia.com/gpu: "1"}'
    else
      node="$c-cpu-$i" res='{cpu: "1", memory: 4Gi}'
    fi
    for ((j = 0; j < 8; j++)); do
      cat <<EOF
---
apiVersion: v1
kind: Pod
metadata:
  name: filler-$node-$j
  namespace: skyport-congestion
  labels: {skyport.dev/filler: "true"}
spec:
  nodeName: $node
  automountServiceAccountToken: false
  tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
  containers:
  - name: filler
    image: registry.local/skyport/filler:latest
    resources: {requests: $res, limits: $res}
EOF
    done
  done
}

# ingress-nginx stand-in: IngressClass "nginx" + the controller's LoadBalancer Service
gen_addons() {
  cat <<'EOF'
---
apiVersion: v1
kind: Namespace
metadata:
  name: ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
  labels:
    app.kubernetes.io/name: ingress-nginx
    app.kubernetes.io/component: controller
spec:
  type: LoadBalancer
  selector:
    app.kubernetes.io/name: ingress-nginx
    app.kubernetes.io/component: controller
  ports:
  - {name: http, port: 80, targetPort: 80, protocol: TCP}
  - {name: https, port: 443, targetPort: 443, protocol: TCP}
EOF
}

# --------------------------------------------------------------------------- up / down

allocate_index() { # prints a free cluster index (caller holds the state lock)
  local i used=" " f
  for f in "$SKYPORT_CLUSTERS"/*/cluster.env; do
    [[ -f $f ]] && used+="$(sed -n 's/^INDEX=//p' "$f") "
  done
  for ((i = 1; i <= MAX_CLUSTERS; i++)); do
    [[ $used == *" $i "* ]] && continue
    local b=$((PORT_BASE + 10 * i)) ok=1 p
    for p in $b $((b + 1)) $((b + 2)) $((b + 3)) $((b + 4)) $((b + 5)); do port_free "$p" || ok=0; done
    ((ok)) && { echo "$i"; return; }
  done
  die "no free cluster slot/ports (max $MAX_CLUSTERS clusters, ports from $PORT_BASE)"
}

# KWOK serves every pod's `logs --follow` from its one process, one inotify instance per follow, and the
# limit is per user and machine (default 128, shared with every cluster and kubelet here): with it, the
# 101st follow failed ("failed to create fsnotify watcher: too many open files") — a 100-node job's log
# watches (SKYPORT_JOB_START=pod) among them. A real node serves only its own pods' follows. Raised, never
# lowered (and not restored by `down`: a higher limit changes nothing for anything else).
raise_inotify_limit() {
  local f=/proc/sys/fs/inotify/max_user_instances want=8192
  if [[ -w $f ]] && (($(cat "$f") < want)); then
    echo "$want" >"$f" 2>/dev/null || log "could not raise $f to $want (logs --follow of many pods may fail)"
  fi
  return 0
}

cmd_up() {
  local name=default layout=small nodes=""
  while (($#)); do
    case $1 in
    --name) name=$2; shift 2 ;;
    --layout) layout=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    *) die "up: unknown argument $1" ;;
    esac
  done
  valid_name "$name" || die "invalid cluster name '$name' (lowercase letters, digits, '-', max 24)"
  case $layout in
  small | congested) nodes=${nodes:-4} ;;
  gpu) nodes=${nodes:-2} ;;
  large) nodes=${nodes:-100} ;;
  real) nodes=${nodes:-2} ;;
  mixed) nodes=${nodes:-1} ;;
  *) die "unknown layout '$layout' (small, gpu, large, congested, real, mixed)" ;;
  esac
  [[ $nodes =~ ^[0-9]+$ ]] && ((nodes >= 0 && nodes <= 1000)) || die "--nodes must be 0..1000"
  if [[ $layout == real || $layout == mixed ]]; then
    ((nodes >= 1 && nodes <= REAL_MAX_NODES)) || die "--nodes must be 1..$REAL_MAX_NODES for the $layout layout"
    real_preflight
  fi
  LAYOUT=$layout
  raise_inotify_limit

  local d; d=$(cdir "$name")
  mkdir -p "$SKYPORT_CLUSTERS/.locks"
  exec 8>"$SKYPORT_CLUSTERS/.locks/$name.lock"
  flock 8
  if cluster_running "$name"; then
    # shellcheck disable=SC1091
    local have; have=$(source "$d/cluster.env"; echo "$LAYOUT/$NODES")
    if [[ $have != "$layout/$nodes" ]]; then
      die "cluster '$name' is already up with layout $have (asked for $layout/$nodes); run 'down --name $name' first"
    fi
    merge_kubeconfigs
    log "cluster '$name' already up (context skyport-$name)"
    echo "$SKYPORT_KUBECONFIG"
    return 0
  fi

  local t0=$SECONDS
  "$SKYPORT_CLUSTER_SRC/build.sh"
  local harness_bin; harness_bin=$(skyport_harness_dir)/skyport-cluster-harness

  [[ -d $d ]] && stop_cluster_procs "$d"
  rm -rf "$d"
  exec 7>"$SKYPORT_CLUSTERS/.locks/alloc.lock"
  flock 7
  local idx; idx=$(allocate_index)
  mkdir -p "$d"
  # removed only when `up` completes: a failed `up` leaves it, so the next `up` starts the cluster afresh
  date -u +%FT%TZ >"$d/starting"
  local base=$((PORT_BASE + 10 * idx))
  local etcd_port=$base etcd_peer=$((base + 1)) api_port=$((base + 2)) kwok_port=$((base + 3))
  local kcm_port=$((base + 4)) sched_port=$((base + 5))
  # 127.0.0.0/8 address plan (per cluster index i): pods 127.(64+i).0.0/16,
  # services 127.(128+i).0.0/16, LoadBalancer ingress 127.(192+i).0.0/16, nodes 127.0.0.1.
  local pod_cidr="127.$((64 + idx)).0.0/16" svc_cidr="127.$((128 + idx)).0.0/16" lb_cidr="127.$((192 + idx)).0.0/16"
  # Real nodes: ClusterIPs are the first quarter of the pods' /24 (pods take the rest), served by the harness on
  # the host's bridge (no kube-proxy: the host forwards nothing); the kubernetes Service gets <net>.1, the host's
  # own bridge address. See real-nodes.sh and harness/service_proxy.go.
  local real_net="" controllers=$KCM_CONTROLLERS harness_routing=()
  if [[ $layout == real || $layout == mixed ]]; then
    real_net=${SKYPORT_REAL_POD_NET:-10.88.$idx}
    svc_cidr="$real_net.0/26"
    controllers=${KCM_CONTROLLERS/,-endpointslice-controller/}
    harness_routing=(--proxy-service-cidr="$svc_cidr" --proxy-pod-subnet="$real_net.0/24"
      --proxy-apiserver="127.0.0.1:$api_port" --dns-addr="$real_net.1:53")
  fi
  cat >"$d/cluster.env" <<EOF
NAME=$name
LAYOUT=$layout
NODES=$nodes
INDEX=$idx
CONTEXT=skyport-$name
API_SERVER=https://127.0.0.1:$api_port
ETCD_PORT=$etcd_port
ETCD_PEER_PORT=$etcd_peer
API_PORT=$api_port
KWOK_PORT=$kwok_port
KCM_PORT=$kcm_port
SCHEDULER_PORT=$sched_port
POD_CIDR=$pod_cidr
SERVICE_CIDR=$svc_cidr
LB_CIDR=$lb_cidr
EOF
  flock -u 7
  log "starting cluster '$name' (layout $layout, index $idx, apiserver 127.0.0.1:$api_port)"
  local pki=$d/pki kc=$d/kubeconfig
  gen_certs "$pki" "${real_net:-127.$((128 + idx)).0}.1"
  write_kubeconfig "$kc" "$name" "$api_port" "$pki"
  mkdir -p "$d/pods"

  start_proc "$d" etcd "$SKYPORT_ETCD_DIR/etcd" \
    --name=skyport-$name --data-dir="$d/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer" \
    --initial-cluster="skyport-$name=http://127.0.0.1:$etcd_peer" --initial-cluster-state=new \
    --listen-metrics-urls="" --unsafe-no-fsync=true --quota-backend-bytes=4294967296 \
    --auto-compaction-mode=periodic --auto-compaction-retention=5m --log-level=warn
  wait_until 30 etcd curl -sf --max-time 1 "http://127.0.0.1:$etcd_port/health" ||
    { tail -20 "$d/logs/etcd.log" >&2; die "etcd did not become healthy"; }

  start_proc "$d" kube-apiserver "$SKYPORT_K8S_DIR/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --service-cluster-ip-range="$svc_cidr" --endpoint-reconciler-type=none \
    --tls-cert-file="$pki/server.crt" --tls-private-key-file="$pki/server.key" \
    --client-ca-file="$pki/ca.crt" \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --kubelet-client-certificate="$pki/admin.crt" --kubelet-client-key="$pki/admin.key" \
    --kubelet-preferred-address-types=InternalIP \
    --authorization-mode=Node,RBAC --allow-privileged=true \
    --profiling=false --v=1
  wait_until 60 apiserver curl -sf --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://127.0.0.1:$api_port/readyz" ||
    { tail -30 "$d/logs/kube-apiserver.log" >&2; die "kube-apiserver did not become ready"; }

  log "kube-apiserver ready after $((SECONDS - t0))s"
  local k=("$KUBECTL_BIN" --kubeconfig "$kc" --request-timeout=60s)
  # KWOK exec/logs/attach/port-forward CRDs (copied from the kwok module by build.sh)
  "${k[@]}" apply --server-side -f "$SKYPORT_KWOK_DIR/share/crds/" >/dev/null
  wait_until 30 crds "${k[@]}" wait --for=condition=Established --timeout=5s \
    crd/execs.kwok.x-k8s.io crd/logs.kwok.x-k8s.io crd/attaches.kwok.x-k8s.io crd/portforwards.kwok.x-k8s.io \
    crd/clusterexecs.kwok.x-k8s.io crd/clusterlogs.kwok.x-k8s.io crd/clusterattaches.kwok.x-k8s.io crd/clusterportforwards.kwok.x-k8s.io ||
    die "KWOK CRDs not established"

  start_proc "$d" kube-controller-manager "$SKYPORT_K8S_DIR/kube-controller-manager" \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --use-service-account-credentials=false \
    --allocate-node-cidrs=false --cluster-cidr="$pod_cidr" --service-cluster-ip-range="$svc_cidr" \
    --controllers="$controllers" \
    --kube-api-qps=200 --kube-api-burst=400 --profiling=false --v=1
  start_proc "$d" kube-scheduler "$SKYPORT_K8S_DIR/kube-scheduler" \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$sched_port" --leader-elect=false \
    --kube-api-qps=200 --kube-api-burst=400 --profiling=false --v=1

  # KWOK: default stages (node-initialize, heartbeat-with-lease, pod ready/complete/delete) from the
  # kwok module; kubelet endpoint on 127.0.0.1:$kwok_port; pod IPs from the 127.x pod CIDR.
  {
    # (a KwokConfiguration in the file is not defaulted: spell out what kwok's defaults would be)
    cat <<'EOF'
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  enableDebuggingHandlers: true
  enableProfilingHandler: false
  enableContentionProfiling: false
  podPlayStageParallelism: 4
  nodePlayStageParallelism: 4
  nodeLeaseParallelism: 4
  podsOnNodeSyncParallelism: 1
  enablePodsOnNodeSyncListPager: true
  enablePodsOnNodeSyncStreamWatch: false
EOF
    cat "$SKYPORT_KWOK_DIR/share/stages.yaml"
  } >"$d/kwok.yaml"
  start_proc "$d" kwok "$SKYPORT_KWOK_DIR/kwok" \
    --config="$d/kwok.yaml" --kubeconfig="$kc" \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr="127.$((64 + idx)).0.1/16" --node-ip=127.0.0.1 --node-name=localhost \
    --node-port="$kwok_port" --server-address="127.0.0.1:$kwok_port" \
    --tls-cert-file="$pki/server.crt" --tls-private-key-file="$pki/server.key" \
    --node-lease-duration-seconds=40 \
    --disregard-status-with-annotation-selector="$FROZEN_ANNOTATION=true" \
    --enable-crds=Exec,ClusterExec,Logs,ClusterLogs,Attach,ClusterAttach,PortForward,ClusterPortForward
  start_proc "$d" harness "$harness_bin" \
    --kubeconfig="$kc" --state-dir="$d" --lb-cidr="$lb_cidr" "${harness_routing[@]}"

  gen_addons | "${k[@]}" apply -f - >/dev/null
  gen_nodes "$name" "$layout" "$nodes" >"$d/nodes.yaml"
  local total; total=$(grep -c '^kind: Node' "$d/nodes.yaml" || true)
  if ((total > 0)); then
    create_parallel "$d/nodes.yaml" "$total" "${k[@]}" || die "creating nodes failed"
  fi
  if [[ $layout == real || $layout == mixed ]]; then
    real_up "$d" "$name" "$idx" "$nodes" "${k[@]}"
    total=$((total + nodes))
  fi
  log "$total nodes created after $((SECONDS - t0))s; waiting for them to be Ready"
  wait_until $((60 + total / 2)) nodes all_nodes_ready "$total" "${k[@]}" ||
    die "nodes did not become Ready (see $d/logs/kwok.log, $d/logs/kubelet-*.log)"
  if [[ $layout == real || $layout == mixed ]]; then real_wait_gpu "$name" "${k[@]}"; s3_mount_wait "$d" "$name" "${k[@]}"; real_prepull "$d"; fi
  # the default ServiceAccount must exist before pods can be created
  wait_until 60 serviceaccount "${k[@]}" get serviceaccount default -n default || die "no default ServiceAccount"
  if [[ $layout == congested ]]; then
    gen_fillers "$name" "$nodes" | "${k[@]}" create -f - >/dev/null
    wait_until 120 fillers bash -c "! '${k[*]}' get pods -n skyport-congestion --no-headers | grep -v ' Running '" ||
      die "filler pods did not reach Running"
  fi
  for c in $(cluster_components "$d"); do pid_alive "$d" "$c" || die "$c exited (see $d/logs/$c.log)"; done
  rm -f "$d/starting"
  locked_merge "skyport-$name"
  log "cluster '$name' up in $((SECONDS - t0))s: context skyport-$name, $total nodes"
  echo "$SKYPORT_KUBECONFIG"
}

all_nodes_ready() { # <expected-count> <kubectl argv...>  (one list call; fine for 1,000 nodes)
  local want=$1; shift
  local n
  n=$("$@" get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^True$')
  ((n >= want))
}

# kubectl create, in up to 4 parallel chunks of at most 100 objects (large layouts: 1,000 nodes)
create_parallel() { # <yaml-file> <object-count> <kubectl argv...>
  local f=$1 n=$2; shift 2
  local chunk=$(((n + 3) / 4)) pids=() rc=0 part
  ((chunk > 100)) || chunk=100
  rm -f "$f".part-*
  awk -v c="$chunk" -v out="$f.part-" '/^---$/ {i++} {print > (out sprintf("%04d", int((i - 1) / c)))}' "$f"
  for part in "$f".part-*; do
    "$@" create -f "$part" >/dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  rm -f "$f".part-*
  return $rc
}

locked_merge() {
  mkdir -p "$SKYPORT_CLUSTERS/.locks"
  exec 7>"$SKYPORT_CLUSTERS/.locks/alloc.lock"
  flock 7
  merge_kubeconfigs "$@"
  flock -u 7
}

cmd_down() {
  local names=() all=0
  while (($#)); do
    case $1 in
    --name) names+=("$2"); shift 2 ;;
    --all) all=1; shift ;;
    *) die "down: unknown argument $1" ;;
    esac
  done
  if ((all)); then
    local d
    for d in "$SKYPORT_CLUSTERS"/*/; do [[ -d $d ]] && names+=("$(basename "$d")"); done
  elif ((${#names[@]} == 0)); then
    names=(default)
  fi
  local n
  mkdir -p "$SKYPORT_CLUSTERS/.locks"
  for n in "${names[@]}"; do
    valid_name "$n" || die "invalid cluster name '$n'"
    local d; d=$(cdir "$n")
    [[ -d $d ]] || { log "cluster '$n' is not up"; continue; }
    (
      exec 8>"$SKYPORT_CLUSTERS/.locks/$n.lock"
      flock 8
      stop_cluster_procs "$d"
      rm -rf "$d"
    )
    log "cluster '$n' down"
  done
  # `down --all` also stops the registry (`cluster.sh registry` may have started it without a real cluster)
  if ((all)) && registry_running; then
    (exec 5>"$SKYPORT_CLUSTERS/.locks/registry.lock"; flock 5; registry_stop_procs)
    log "registry stopped"
  fi
  locked_merge
}

cmd_kubeconfig() {
  [[ -f $SKYPORT_KUBECONFIG ]] || locked_merge
  echo "$SKYPORT_KUBECONFIG"
}

cmd_status() {
  local only="" json=0
  while (($#)); do
    case $1 in
    --name) only=$2; shift 2 ;;
    --json) json=1; shift ;;
    *) die "status: unknown argument $1" ;;
    esac
  done
  local d n state first=1
  ((json)) && printf '['
  for d in "$SKYPORT_CLUSTERS"/*/; do
    [[ -f $d/cluster.env ]] || continue
    n=$(basename "$d")
    [[ -n $only && $n != "$only" ]] && continue
    state=stopped
    if cluster_running "$n"; then state=running
    else for c in $(cluster_components "$d"); do pid_alive "$d" "$c" && state=degraded; done; fi
    (
      # shellcheck disable=SC1091
      source "$d/cluster.env"
      local extra="" REGISTRY="" DEFAULT_IMAGE="" PRIVATE_IMAGE="" GPU_NODE="" REAL_SUBNET=""
      if [[ -f $d/real/real.env ]]; then
        # shellcheck disable=SC1091
        source "$d/real/real.env"
        extra=$(printf ',"registry":"%s","defaultImage":"%s","privateImage":"%s","gpuNode":"%s","podSubnet":"%s"' \
          "$REGISTRY" "$DEFAULT_IMAGE" "$PRIVATE_IMAGE" "$GPU_NODE" "$REAL_SUBNET")
      fi
      if ((json)); then
        ((first)) || printf ','
        printf '{"name":"%s","state":"%s","layout":"%s","nodes":%s,"context":"%s","server":"%s","kubeconfig":"%s","stateDir":"%s"%s}' \
          "$NAME" "$state" "$LAYOUT" "$NODES" "$CONTEXT" "$API_SERVER" "$SKYPORT_KUBECONFIG" "${d%/}" "$extra"
      else
        printf '%-16s %-9s layout=%-10s nodes=%-5s context=%-22s server=%s%s\n' "$NAME" "$state" "$LAYOUT" "$NODES" "$CONTEXT" "$API_SERVER" \
          "${DEFAULT_IMAGE:+ image=$DEFAULT_IMAGE}"
      fi
    )
    first=0
  done
  ((json)) && printf ']\n'
  if ((!json && first)); then echo "no clusters"; fi
  if [[ -n $only ]] && [[ ! -f $(cdir "$only")/cluster.env ]]; then return 1; fi
  return 0
}

# ---------------------------------------------------------------------- failure injection

kc_for() { # <name> -> kubectl argv in KARGS
  local d; d=$(cdir "$1")
  cluster_running "$1" || die "cluster '$1' is not running"
  KARGS=("$KUBECTL_BIN" --kubeconfig "$d/kubeconfig")
}

pod_arg() { # NS/POD -> NS POD
  [[ $1 == */* ]] || die "expected NAMESPACE/POD, got '$1'"
  PNS=${1%%/*} PNAME=${1#*/}
}

# Make a pod fail: phase Failed, every container terminated with the exit code. A terminal phase
# is never revisited by KWOK's stages or accepted back by the API server.
cmd_fail_pod() {
  local name=default target="" code=1 reason=Error msg="failure injected by test/cluster/cluster.sh"
  while (($#)); do
    case $1 in
    --name) name=$2; shift 2 ;;
    --exit-code) code=$2; shift 2 ;;
    --reason) reason=$2; shift 2 ;;
    --message) msg=$2; shift 2 ;;
    *) target=$1; shift ;;
    esac
  done
  pod_arg "$target"; kc_for "$name"
  local now; now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local pod; pod=$("${KARGS[@]}" get pod -n "$PNS" "$PNAME" -o json)
  local patch
  patch=$(jq -c --arg now "$now" --argjson code "$code" --arg reason "$reason" --arg msg "$msg" '{status: {
      phase: "Failed", reason: $reason, message: $msg,
      conditions: [ {type: "Ready", status: "False", reason: "PodFailed", lastTransitionTime: $now},
                    {type: "ContainersReady", status: "False", reason: "PodFailed", lastTransitionTime: $now} ],
      containerStatuses: [ .spec.containers[] | {name, image, imageID: "", ready: false, restartCount: 0,
        started: false, state: {terminated: {exitCode: $code, reason: $reason, message: $msg,
        startedAt: $now, finishedAt: $now}}} ] }}' <<<"$pod")
  "${KARGS[@]}" patch pod -n "$PNS" "$PNAME" --subresource=status --type=merge -p "$patch" >/dev/null
  echo "pod $PNS/$PNAME failed (exit code $code, reason $reason)"
}

# Make a pod look like its image cannot be pulled: Pending, container waiting ErrImagePull (or
# ImagePullBackOff). KWOK is told to leave the pod alone via the $FROZEN_ANNOTATION annotation.
cmd_image_pull_error() {
  local name=default target="" reason=ErrImagePull
  while (($#)); do
    case $1 in
    --name) name=$2; shift 2 ;;
    --backoff) reason=ImagePullBackOff; shift ;;
    *) target=$1; shift ;;
    esac
  done
  pod_arg "$target"; kc_for "$name"
  "${KARGS[@]}" annotate pod -n "$PNS" "$PNAME" --overwrite "$FROZEN_ANNOTATION=true" >/dev/null
  local now; now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local pod; pod=$("${KARGS[@]}" get pod -n "$PNS" "$PNAME" -o json)
  local patch
  patch=$(jq -c --arg now "$now" --arg reason "$reason" '{status: {
      phase: "Pending",
      conditions: [ {type: "PodScheduled", status: "True", lastTransitionTime: $now},
                    {type: "Initialized", status: "True", lastTransitionTime: $now},
                    {type: "Ready", status: "False", reason: "ContainersNotReady",
                     message: "containers with unready status: [\([.spec.containers[].name] | join(" "))]", lastTransitionTime: $now},
                    {type: "ContainersReady", status: "False", reason: "ContainersNotReady", lastTransitionTime: $now} ],
      containerStatuses: [ .spec.containers[] | {name, image, imageID: "", ready: false, restartCount: 0,
        started: false, state: {waiting: {reason: $reason,
        message: (if $reason == "ErrImagePull" then "failed to pull and unpack image \"\(.image)\": not found" else "Back-off pulling image \"\(.image)\"" end)}}} ] }}' <<<"$pod")
  "${KARGS[@]}" patch pod -n "$PNS" "$PNAME" --subresource=status --type=merge -p "$patch" >/dev/null
  echo "pod $PNS/$PNAME now $reason"
}

cmd_block_scheduling() { # taint every node so nothing new can be scheduled
  local name=default
  while (($#)); do case $1 in --name) name=$2; shift 2 ;; *) die "unknown argument $1" ;; esac; done
  kc_for "$name"
  "${KARGS[@]}" taint nodes --all --overwrite skyport.dev/blocked=true:NoSchedule >/dev/null
  echo "scheduling blocked on all nodes of '$name' (taint skyport.dev/blocked=true:NoSchedule)"
}

cmd_unblock_scheduling() {
  local name=default
  while (($#)); do case $1 in --name) name=$2; shift 2 ;; *) die "unknown argument $1" ;; esac; done
  kc_for "$name"
  "${KARGS[@]}" taint nodes --all skyport.dev/blocked:NoSchedule- >/dev/null 2>&1 || true
  echo "scheduling unblocked on '$name'"
}

cmd_context() {
  local name=default
  while (($#)); do case $1 in --name) name=$2; shift 2 ;; *) die "unknown argument $1" ;; esac; done
  echo "skyport-$name"
}

cmd_kubectl() {
  local name=default
  while (($#)); do
    case $1 in
    --name) name=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
    esac
  done
  kc_for "$name"
  exec "${KARGS[@]}" "$@"
}

usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

main() {
  local cmd=${1:-}; shift || true
  case $cmd in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  kubeconfig) cmd_kubeconfig "$@" ;;
  status) cmd_status "$@" ;;
  context) cmd_context "$@" ;;
  fail-pod) cmd_fail_pod "$@" ;;
  image-pull-error) cmd_image_pull_error "$@" ;;
  block-scheduling) cmd_block_scheduling "$@" ;;
  unblock-scheduling) cmd_unblock_scheduling "$@" ;;
  kubectl) cmd_kubectl "$@" ;;
  registry) cmd_registry "$@" ;;
  -h | --help | help | "") usage ;;
  *) die "unknown command '$cmd' (try --help)" ;;
  esac
}

main "$@"
exit $?
