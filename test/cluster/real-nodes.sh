# shellcheck shell=bash
# The `real` (and `mixed`) layout of test/cluster/cluster.sh: real kubelets with containerd + runc,
# a CNI bridge confined to this machine, the local registry and the fake-GPU device plugin.
# Sourced by cluster.sh (uses its helpers: log, die, start_proc, pid_alive, wait_until, port_free).
#
# Per cluster <name> with slot i and K real nodes:
#   nodes <name>-real-0 .. <name>-real-(K-1); node 0 also has 4 fake nvidia.com/gpu + GFD labels;
#   one containerd per node (a kubelet kills sandboxes it does not know, so nodes cannot share one);
#   kubelet ports 30000 + 20*i + 2*n (API) and +1 (healthz), all on 127.0.0.1 (below the ephemeral port range:
#   a client connection's local port there made a kubelet fail with "bind: address already in use");
#   bridge skp<i> with 10.88.<i>.1/24 on the host, pods in 10.88.<i>.64-254, ClusterIPs in 10.88.<i>.0/26 (host
#   addresses served by the harness), cluster DNS on 10.88.<i>.1; no NAT, no route out of the /24;
#   state under <stateDir>/real/ (disk) and /run/skyport/c-<hash>/ (sockets, runtime state).
# Machine-wide: the registry (127.0.0.1:31990, see registry_ensure) and the host settings the kubelet
# changes (sysctls, iptables, directories), restored when the last real cluster goes down.

# shellcheck source=local-path.sh
source "$SKYPORT_CLUSTER_SRC/local-path.sh"
# shellcheck source=s3-mount.sh
source "$SKYPORT_CLUSTER_SRC/s3-mount.sh"

REAL_MAX_NODES=8
REAL_GPU_COUNT=4
REAL_GPU_LABELS='nvidia.com/gpu.present=true,nvidia.com/gpu.product=NVIDIA-A100-SXM4-80GB,nvidia.com/gpu.count=4,nvidia.com/gpu.memory=81920,nvidia.com/gpu.family=ampere,nvidia.com/gpu.machine=skyport-fake-gpu'
REAL_RUN=/run/skyport
REGISTRY_PORT=${SKYPORT_REGISTRY_PORT:-$((PORT_BASE - 10))} # the registry (auth proxy); +1: docker-registry itself
REGISTRY_DIR=$SKYPORT_STATE/registry
REGISTRY_USER=skyport
CNI_BIN_DIR=${SKYPORT_CNI_BIN_DIR:-/usr/lib/cni}
# sysctls the kubelet's container manager sets (setupKernelTunables) — saved before, restored after
HOST_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
# directories the kubelet/containerd/CNI create outside their configured roots
HOST_DIRS=(/var/lib/kubelet /var/log/containers /run/containerd /var/lib/cni /run/netns)
KUBELET_IPTABLES_CHAINS=(filter:KUBE-FIREWALL mangle:KUBE-IPTABLES-HINT mangle:KUBE-KUBELET-CANARY nat:KUBE-KUBELET-CANARY filter:KUBE-KUBELET-CANARY)

real_run_dir() { echo "$REAL_RUN/c-$(echo -n "$1" | sha256sum | cut -c1-10)"; } # <cluster-dir>

real_preflight() {
  [[ $(id -u) == 0 ]] || die "the real layout needs root (kubelet, containerd, network bridge, cgroups)"
  local c
  for c in containerd containerd-shim-runc-v2 runc ip debootstrap umoci skopeo docker-registry; do
    command -v "$c" >/dev/null || die "$c is missing: run bash scripts/setup.sh (installs containerd, runc, containernetworking-plugins, docker-registry, skopeo, umoci, debootstrap)"
  done
  for c in bridge host-local loopback; do
    [[ -x $CNI_BIN_DIR/$c ]] || die "CNI plugin $CNI_BIN_DIR/$c is missing (apt-get install containernetworking-plugins)"
  done
  [[ -x $SKYPORT_KUBELET_DIR/kubelet ]] || die "kubelet not built ($SKYPORT_KUBELET_DIR); run test/cluster/build.sh"
  [[ -d /sys/fs/cgroup/pids || -f /sys/fs/cgroup/cgroup.controllers ]] || die "no cgroup filesystem at /sys/fs/cgroup"
}

# ------------------------------------------------------------------------------------ registry

registry_running() { pid_alive "$REGISTRY_DIR" docker-registry && pid_alive "$REGISTRY_DIR" registry-proxy; }

# Starts the machine's registry if it is not running (building the images first if they are not cached):
# docker-registry on 127.0.0.1:$((REGISTRY_PORT+1)) without auth, behind skyport-registry-proxy on
# 127.0.0.1:$REGISTRY_PORT (anonymous pulls except private/*, basic auth for the rest).
registry_ensure() {
  mkdir -p "$SKYPORT_CLUSTERS/.locks" "$REGISTRY_DIR"
  (
    exec 6>"$SKYPORT_CLUSTERS/.locks/registry.lock"
    flock 6
    local images; images=$("$SKYPORT_CLUSTER_SRC/images.sh") || die "building the images failed"
    if registry_running && [[ $(cat "$REGISTRY_DIR/images-dir" 2>/dev/null) == "$images" ]]; then exit 0; fi
    registry_stop_procs
    local p=$REGISTRY_PORT q=$((REGISTRY_PORT + 1))
    port_free "$p" && port_free "$q" || die "registry ports 127.0.0.1:$p/$q are in use (SKYPORT_REGISTRY_PORT moves them)"
    # the registry writes into its storage (uploads, link files): serve a hard-linked copy of the cache
    rm -rf "$REGISTRY_DIR/storage"
    cp -al "$images/registry" "$REGISTRY_DIR/storage"
    [[ -s $REGISTRY_DIR/password ]] || (umask 077; openssl rand -hex 16 >"$REGISTRY_DIR/password")
    cat >"$REGISTRY_DIR/config.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $REGISTRY_DIR/storage}
  delete: {enabled: true}
  cache: {blobdescriptor: inmemory}
http:
  addr: 127.0.0.1:$q
  secret: $(openssl rand -hex 16)
EOF
    local nt; nt=$(skyport_node_tools_dir)
    start_proc "$REGISTRY_DIR" docker-registry docker-registry serve "$REGISTRY_DIR/config.yml"
    start_proc "$REGISTRY_DIR" registry-proxy "$nt/skyport-registry-proxy" --listen "127.0.0.1:$p" \
      --upstream "127.0.0.1:$q" --user "$REGISTRY_USER" --password-file "$REGISTRY_DIR/password" --private private/
    wait_until 20 registry curl -sf --max-time 1 -u "$REGISTRY_USER:$(<"$REGISTRY_DIR/password")" "http://127.0.0.1:$p/v2/" ||
      { tail -5 "$REGISTRY_DIR"/logs/*.log >&2; die "the registry did not start (logs: $REGISTRY_DIR/logs)"; }
    # shellcheck disable=SC1091
    source "$images/images.env"
    cat >"$REGISTRY_DIR/registry.env" <<EOF
REGISTRY=127.0.0.1:$p
REGISTRY_USER=$REGISTRY_USER
REGISTRY_PASSWORD=$(<"$REGISTRY_DIR/password")
DEFAULT_IMAGE=127.0.0.1:$p/$TASK_REPO:$IMAGES_TAG
PRIVATE_IMAGE=127.0.0.1:$p/$PRIVATE_REPO:$IMAGES_TAG
PAUSE_IMAGE=127.0.0.1:$p/$PAUSE_REPO:$IMAGES_TAG
EOF
    echo "$images" >"$REGISTRY_DIR/images-dir"
    log "registry on 127.0.0.1:$p (default image $TASK_REPO:$IMAGES_TAG)"
  ) || exit 1
}

registry_stop_procs() {
  local c pid
  for c in registry-proxy docker-registry; do
    if pid_alive "$REGISTRY_DIR" "$c"; then
      pid=$(<"$REGISTRY_DIR/pids/$c.pid"); kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 30); do pid_alive "$REGISTRY_DIR" "$c" || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$REGISTRY_DIR/pids" "$REGISTRY_DIR/storage" "$REGISTRY_DIR/images-dir" "$REGISTRY_DIR/registry.env"
}

cmd_registry() {
  local json=0
  while (($#)); do case $1 in --json) json=1; shift ;; *) die "registry: unknown argument $1" ;; esac; done
  [[ $(id -u) == 0 ]] || die "the registry's images are built with debootstrap, which needs root"
  "$SKYPORT_CLUSTER_SRC/build.sh"
  registry_ensure
  # shellcheck disable=SC1091
  source "$REGISTRY_DIR/registry.env"
  if ((json)); then
    printf '{"registry":"%s","user":"%s","password":"%s","defaultImage":"%s","privateImage":"%s"}\n' \
      "$REGISTRY" "$REGISTRY_USER" "$REGISTRY_PASSWORD" "$DEFAULT_IMAGE" "$PRIVATE_IMAGE"
  else
    echo "$REGISTRY $REGISTRY_USER $REGISTRY_PASSWORD"
  fi
}

# ------------------------------------------------------------------------------ host settings

# Saved once, before the first real cluster of this machine starts; restored after the last one stops.
host_settings_save() {
  local f=$REAL_RUN/host-settings.orig s d t c
  mkdir -p "$REAL_RUN"
  [[ -f $f ]] && return 0
  {
    for s in "${HOST_SYSCTLS[@]}"; do echo "sysctl $s $(sysctl -n "$s")"; done
    for d in "${HOST_DIRS[@]}"; do [[ -e $d ]] && echo "dir $d"; done
    if command -v iptables >/dev/null; then
      for c in "${KUBELET_IPTABLES_CHAINS[@]}"; do
        t=${c%%:*}
        iptables -t "$t" -S "${c#*:}" >/dev/null 2>&1 && echo "chain $c"
      done
    fi
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

host_settings_restore() {
  local f=$REAL_RUN/host-settings.orig kind a b d c t chain
  [[ -f $f ]] || return 0
  while read -r kind a b; do
    [[ $kind == sysctl ]] && { sysctl -qw "$a=$b" >/dev/null 2>&1 || log "could not restore $a=$b"; }
  done <"$f"
  for d in "${HOST_DIRS[@]}"; do
    grep -qx "dir $d" "$f" && continue
    [[ -e $d ]] || continue
    case $d in
    /var/lib/kubelet) rm -rf /var/lib/kubelet/device-plugins; rmdir /var/lib/kubelet 2>/dev/null || true ;;
    /run/netns | /var/log/containers) rmdir "$d" 2>/dev/null || true ;;
    *) rm -rf "$d" ;;
    esac
  done
  # the kubelet only touches iptables when it finds the binary (it runs without /usr/sbin on its PATH); clean up anyway
  if command -v iptables >/dev/null; then
    for c in "${KUBELET_IPTABLES_CHAINS[@]}"; do
      grep -qx "chain $c" "$f" && continue
      t=${c%%:*} chain=${c#*:}
      iptables -t "$t" -S "$chain" >/dev/null 2>&1 || continue
      iptables -t "$t" -S | grep -E -- "-j $chain( |$)" | sed 's/^-A /-D /' | while read -r rule; do
        # shellcheck disable=SC2086
        iptables -t "$t" $rule 2>/dev/null || true
      done
      iptables -t "$t" -F "$chain" 2>/dev/null || true
      iptables -t "$t" -X "$chain" 2>/dev/null || true
    done
  fi
  rm -f "$f"
}

# ------------------------------------------------------------------------------------ network

ip4_int() { local IFS=.; read -r a b c d <<<"$1"; echo $(((a << 24) | (b << 16) | (c << 8) | d)); }

# Refuse a pod subnet that overlaps any route of this machine (other than our own bridge's).
check_subnet_free() { # <cidr> <own-bridge>
  local net=${1%/*} len=${1#*/} own=$2 r rnet rlen a b sa sb
  a=$(ip4_int "$net")
  while read -r r _ dev _; do
    [[ $dev == "$own" ]] && continue
    [[ $r == default ]] && r=0.0.0.0/0
    [[ $r == */* ]] || r=$r/32
    rnet=${r%/*} rlen=${r#*/}
    [[ $rnet =~ ^[0-9.]+$ ]] || continue
    b=$(ip4_int "$rnet")
    ((rlen == 0)) && continue # the default route covers everything; what matters is no specific overlap
    local l=$((len < rlen ? len : rlen))
    sa=$((a >> (32 - l))) sb=$((b >> (32 - l)))
    ((sa == sb)) && die "pod subnet $1 overlaps the route $r of this machine; pick another SKYPORT_REAL_POD_NET"
  done < <(ip -4 route show table all | awk '$1 != "broadcast" && $1 != "local" && $1 != "multicast" && $1 != "unreachable" {dev=""; for (i = 1; i < NF; i++) if ($i == "dev") dev=$(i+1); print $1, "dev", dev, "x"}')
  return 0
}

setup_bridge() { # <bridge> <gateway-ip/len>
  local br=$1 gw=$2
  ip link del "$br" 2>/dev/null || true
  ip link add "$br" type bridge
  # never a router: packets from pods are not forwarded anywhere (ip_forward itself is left alone)
  echo 0 >"/proc/sys/net/ipv4/conf/$br/forwarding"
  [[ -e /proc/sys/net/ipv6/conf/$br/disable_ipv6 ]] && echo 1 >"/proc/sys/net/ipv6/conf/$br/disable_ipv6"
  # the host's address on the bridge: host <-> pod (kubelet probes, tools on this machine); not a gateway
  ip addr add "$gw" dev "$br"
  ip link set "$br" up
}

# ------------------------------------------------------------------------------------ nodes

make_node_cert() { # <pki> <node> <out-dir>
  local p=$1 node=$2 o=$3
  (
    umask 077
    openssl ecparam -name prime256v1 -genkey -noout -out "$o/kubelet-client.key" 2>/dev/null
    openssl req -new -key "$o/kubelet-client.key" -subj "/O=system:nodes/CN=system:node:$node" -out "$o/c.csr" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$o/c.ext"
    openssl x509 -req -in "$o/c.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -CAserial "$o/c.srl" \
      -days 3650 -extfile "$o/c.ext" -out "$o/kubelet-client.crt" 2>/dev/null
    rm -f "$o/c.csr" "$o/c.ext" "$o/c.srl"
  )
}

write_containerd_config() { # <node-dir> <run-dir> <cni-conf-dir> <certs-dir> <pause-image>
  local nd=$1 run=$2 conf=$3 certs=$4 pause=$5
  cat >"$nd/containerd.toml" <<EOF
version = 2
root = "$nd/containerd"
state = "$run/state"
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$run/containerd.sock"
[ttrpc]
  address = "$run/containerd.sock.ttrpc"
[debug]
  address = ""
  level = "warn"
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  sandbox_image = "$pause"
  # no capability to lower oom_score_adj here: runc fails "can't get final child's PID from pipe: EOF" without it
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  max_concurrent_downloads = 3
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$run/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$conf"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$certs"
EOF
}

write_kubelet_config() { # <node-dir> <run-dir> <pki> <cgroup-root> <port> <healthz-port> <resolv.conf> <dns-ip>
  local nd=$1 run=$2 p=$3 cg=$4 port=$5 hport=$6 resolv=$7 dns_ip=$8
  cat >"$nd/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $hport
tlsCertFile: $p/server.crt
tlsPrivateKeyFile: $p/server.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $p/ca.crt}
# only the API server (admin client certificate of this cluster's CA) can reach it, on 127.0.0.1
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix://$run/containerd.sock
imageServiceEndpoint: unix://$run/containerd.sock
# containerd 1.6 has no CRI RuntimeConfig call: the kubelet needs the driver spelled out
cgroupDriver: cgroupfs
cgroupRoot: $cg
cgroupsPerQOS: true
enforceNodeAllocatable: [pods]
failCgroupV1: false
failSwapOn: false
podLogsDir: $nd/pod-logs
volumePluginDir: $nd/volume-plugins
resolvConf: $resolv
clusterDomain: cluster.local
# the harness's cluster DNS on the host's bridge address: cluster.local only, anything else is refused
clusterDNS: [$dns_ip]
makeIPTablesUtilChains: false
serializeImagePulls: false
maxPods: 110
evictionHard: {memory.available: 100Mi, nodefs.available: "1%", nodefs.inodesFree: "1%", imagefs.available: "1%", imagefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
kubeAPIQPS: 50
kubeAPIBurst: 100
rotateCertificates: false
shutdownGracePeriod: 0s
EOF
}

# the top directories of every cgroup hierarchy (v1: one per controller; v2: the unified root itself)
cgroup_hierarchies() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then echo /sys/fs/cgroup/; return; fi
  local h
  for h in /sys/fs/cgroup/*/; do [[ -L ${h%/} ]] || echo "$h"; done
}

make_cgroup_root() { # <cgroup-root>
  local cg=$1 h
  for h in $(cgroup_hierarchies); do
    [[ -L ${h%/} ]] && continue
    mkdir -p "$h${cg#/}" 2>/dev/null || continue
    if [[ -f ${h}cpuset.cpus ]]; then
      cat "${h}cpuset.cpus" >"$h${cg#/}/cpuset.cpus"
      cat "${h}cpuset.mems" >"$h${cg#/}/cpuset.mems"
    fi
  done
}

real_node_names() { # <cluster> <count>
  local i; for ((i = 0; i < $2; i++)); do echo "$1-real-$i"; done
}

# Starts K real nodes beside the running control plane of cluster <name> and waits until the API
# server has them (Ready is awaited by cmd_up). Appends the node processes to $d/real/components.
real_up() { # <cluster-dir> <name> <index> <count> <kubectl argv...>
  local d=$1 name=$2 idx=$3 count=$4; shift 4
  local k=("$@") rd=$d/real
  local run; run=$(real_run_dir "$d")
  local br=skp$idx net=${SKYPORT_REAL_POD_NET:-10.88.$idx}
  local subnet=$net.0/24 gw=$net.1/24 t0=$SECONDS
  real_preflight
  registry_ensure
  # shellcheck disable=SC1091
  source "$REGISTRY_DIR/registry.env"
  check_subnet_free "$subnet" "$br"
  mkdir -p "$rd" "$run" "$rd/net.d" "$rd/certs.d/$REGISTRY" "$rd/ipam"
  cat >"$rd/real.env" <<EOF
REAL_NODES=$count
REAL_BRIDGE=$br
REAL_SUBNET=$subnet
REAL_RUN_DIR=$run
REGISTRY=$REGISTRY
DEFAULT_IMAGE=$DEFAULT_IMAGE
PRIVATE_IMAGE=$PRIVATE_IMAGE
GPU_NODE=$name-real-0
EOF
  (exec 6>"$REAL_RUN/.host.lock"; flock 6; host_settings_save)
  setup_bridge "$br" "$gw"
  # ClusterIPs (<net>.0/26, see cluster.sh) are this host's addresses on the bridge: the harness accepts
  # connections to them and relays each to an endpoint (harness/service_proxy.go); pods take <net>.64 and up
  ip route replace local "$net.0/26" dev "$br" table local
  # one bridge for all of this cluster's nodes; no ipMasq, no isGateway (that would turn on ip_forward),
  # no routes: a pod reaches only the other pods of the subnet (and the host's bridge address)
  cat >"$rd/net.d/10-skyport.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "skyport-$name",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$br",
      "isGateway": false,
      "isDefaultGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$rd/ipam",
        "ranges": [[{"subnet": "$subnet", "rangeStart": "$net.64", "rangeEnd": "$net.254"}]]
      }
    }
  ]
}
EOF
  # containerd reads certs.d/<host:port>/hosts.toml (plain http registry on 127.0.0.1)
  cat >"$rd/certs.d/$REGISTRY/hosts.toml" <<EOF
server = "http://$REGISTRY"
[host."http://$REGISTRY"]
  capabilities = ["pull", "resolve"]
EOF
  : >"$rd/resolv.conf"
  local i node nd nrun ports=$((${SKYPORT_KUBELET_PORT_BASE:-30000} + 20 * idx)) comps=()
  for ((i = 0; i < count; i++)); do
    node=$name-real-$i nd=$rd/n$i nrun=$run/n$i
    mkdir -p "$nd/root" "$nd/pod-logs" "$nd/volume-plugins" "$nrun"
    write_containerd_config "$nd" "$nrun" "$rd/net.d" "$rd/certs.d" "$PAUSE_IMAGE"
    make_cgroup_root "/skyport-$name-n$i"
    write_kubelet_config "$nd" "$nrun" "$d/pki" "/skyport-$name-n$i" $((ports + 2 * i)) $((ports + 2 * i + 1)) "$rd/resolv.conf" "$net.1"
    make_node_cert "$d/pki" "$node" "$nd"
    cat >"$nd/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "$(sed -n 's/^API_SERVER=//p' "$d/cluster.env")", certificate-authority: $d/pki/ca.crt}
users:
- name: node
  user: {client-certificate: $nd/kubelet-client.crt, client-key: $nd/kubelet-client.key}
contexts:
- name: node
  context: {cluster: local, user: node}
current-context: node
EOF
    start_proc "$d" "containerd-$i" containerd --config "$nd/containerd.toml"
    comps+=("containerd-$i")
  done
  for ((i = 0; i < count; i++)); do
    wait_until 20 containerd test -S "$run/n$i/containerd.sock" ||
      { tail -20 "$d/logs/containerd-$i.log" >&2; die "containerd of node $i did not start"; }
  done
  for ((i = 0; i < count; i++)); do
    node=$name-real-$i nd=$rd/n$i
    local labels="type=real,skyport.dev/layout=$LAYOUT,topology.kubernetes.io/region=local,topology.kubernetes.io/zone=local-a,node.kubernetes.io/instance-type=skyport-real"
    ((i == 0)) && labels+=",$REAL_GPU_LABELS"
    # PATH without /usr/sbin: the kubelet then finds no iptables and leaves the host's firewall alone.
    # --cloud-provider=external + no --node-ip: the kubelet refuses 127.0.0.1 as its node IP, so real_up sets
    # the node's InternalIP itself and removes the "uninitialized" taint (both survive a kubelet restart).
    local kroot; kroot=$(s3_mount_kubelet_root "$nd" "$run/n$i") || exit 1
    start_proc "$d" "kubelet-$i" env PATH=/usr/local/bin:/usr/bin "$SKYPORT_KUBELET_DIR/kubelet" \
      --config="$nd/kubelet.yaml" --kubeconfig="$nd/kubeconfig" --root-dir="$kroot" \
      --hostname-override="$node" --cloud-provider=external --node-labels="$labels" --v=1
    comps+=("kubelet-$i")
  done
  local nt; nt=$(skyport_node_tools_dir)
  # the kubelet's short root (s3-mount.sh): its socket path must not grow with the checkout's path
  start_proc "$d" gpu-plugin "$nt/skyport-gpu-plugin" --registry-dir="$run/n0/kr/plugins_registry" \
    --node="$name-real-0" --count="$REAL_GPU_COUNT"
  comps+=(gpu-plugin)
  local s3comps; s3comps=$(s3_mount_up "$d" "$name" "$count" "$run" "${k[@]}") || exit 1
  # shellcheck disable=SC2206
  comps+=($s3comps)
  echo "${comps[*]}" >"$rd/components"
  # Node objects appear when the kubelets register: give them their address, lift the taint.
  local pending=() n
  mapfile -t pending < <(real_node_names "$name" "$count")
  local end=$((SECONDS + 60))
  while ((${#pending[@]})); do
    ((SECONDS < end)) || die "real nodes did not register: ${pending[*]} (see $d/logs/kubelet-*.log)"
    for c in "${comps[@]}"; do
      pid_alive "$d" "$c" || { tail -5 "$d/logs/$c.log" >&2; die "$c exited (see $d/logs/$c.log)"; }
    done
    local left=()
    for n in "${pending[@]}"; do
      if "${k[@]}" get node "$n" >/dev/null 2>&1; then
        "${k[@]}" patch node "$n" --subresource=status --type=merge \
          -p "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"},{\"type\":\"Hostname\",\"address\":\"$n\"}]}}" >/dev/null &&
          "${k[@]}" taint node "$n" node.cloudprovider.kubernetes.io/uninitialized- >/dev/null 2>&1 || true
        "${k[@]}" get node "$n" -o jsonpath='{.status.addresses[0].address}' 2>/dev/null | grep -q 127.0.0.1 || left+=("$n")
      else
        left+=("$n")
      fi
    done
    pending=("${left[@]}")
    ((${#pending[@]})) && sleep 0.2
  done
  for c in "${comps[@]}"; do pid_alive "$d" "$c" || die "$c exited (see $d/logs/$c.log)"; done
  log "$count real nodes registered after $((SECONDS - t0))s"
  local_path_up "$d" "${k[@]}"
}

gpus_advertised() { # <node> <kubectl argv...>
  local n=$1; shift
  [[ $("$@" get node "$n" -o jsonpath='{.status.allocatable.nvidia\.com/gpu}') == "$REAL_GPU_COUNT" ]]
}

# Pulls the default image into every node's containerd in the background (unless SKYPORT_REAL_PREPULL=0), so
# the first pods do not each wait for a pull. The kubelet treats it as a preloaded image (no credentials
# involved: the default image is public), and a pod created meanwhile shares the pull in progress.
real_prepull() { # <cluster-dir>
  [[ ${SKYPORT_REAL_PREPULL:-1} == 0 ]] && return 0
  local d=$1 i REAL_NODES REAL_RUN_DIR DEFAULT_IMAGE
  # shellcheck disable=SC1091
  source "$d/real/real.env"
  for ((i = 0; i < REAL_NODES; i++)); do
    (setsid ctr --address "$REAL_RUN_DIR/n$i/containerd.sock" -n k8s.io images pull --plain-http "$DEFAULT_IMAGE" \
      >>"$d/logs/prepull-$i.log" 2>&1 </dev/null 5>&- 6>&- 7>&- 8>&- 9>&- &)
  done
}

real_wait_gpu() { # <name> <kubectl argv...>
  local name=$1; shift
  wait_until 60 gpus gpus_advertised "$name-real-0" "$@" ||
    die "node $name-real-0 did not advertise $REAL_GPU_COUNT nvidia.com/gpu (see logs/gpu-plugin.log, logs/kubelet-0.log)"
}

# pids of every process in a cgroup subtree (any hierarchy that has it)
cgroup_pids() { # <cgroup-root>
  local h
  for h in /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/unified /sys/fs/cgroup; do
    if [[ -d $h/${1#/} ]]; then
      find "$h/${1#/}" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u
      return
    fi
  done
}

# Stops every process of the real nodes (kubelets, device plugin, containers, shims, containerd) and
# removes what they left on the host: mounts, network namespaces, cgroups, the bridge, log links.
real_down() { # <cluster-dir>
  local d=$1 rd=$1/real
  [[ -f $rd/real.env ]] || return 0
  local REAL_NODES REAL_BRIDGE REAL_RUN_DIR
  # shellcheck disable=SC1091
  source "$rd/real.env"
  local NAME; NAME=$(sed -n 's/^NAME=//p' "$d/cluster.env" 2>/dev/null)
  [[ -n $NAME ]] || NAME=$(basename "$d")
  local c i pid pids=() nsinodes=() f
  local_path_down "$d"
  # 1. the kubelets and the plugin first, so nothing restarts containers
  for c in gpu-plugin $(seq -f 'kubelet-%g' 0 $((REAL_NODES - 1))); do
    pid_alive "$d" "$c" && kill -TERM "$(<"$d/pids/$c.pid")" 2>/dev/null || true
  done
  for _ in $(seq 50); do
    local alive=0
    for c in gpu-plugin $(seq -f 'kubelet-%g' 0 $((REAL_NODES - 1))); do pid_alive "$d" "$c" && alive=1; done
    ((alive)) || break; sleep 0.1
  done
  for c in gpu-plugin $(seq -f 'kubelet-%g' 0 $((REAL_NODES - 1))); do
    pid_alive "$d" "$c" && kill -KILL "$(<"$d/pids/$c.pid")" 2>/dev/null || true
  done
  # 2. every container process (found through the nodes' cgroups), remembering their network namespaces
  for ((i = 0; i < REAL_NODES; i++)); do
    for _ in $(seq 50); do
      mapfile -t pids < <(cgroup_pids "/skyport-$NAME-n$i")
      ((${#pids[@]})) || break
      for pid in "${pids[@]}"; do
        f=$(readlink "/proc/$pid/ns/net" 2>/dev/null) && nsinodes+=("${f//[^0-9]/}")
        kill -KILL "$pid" 2>/dev/null || true
      done
      sleep 0.1
    done
  done
  s3_mount_down "$d" "$REAL_NODES"
  # 3. background pulls, shims (one per pod; they outlive containerd), then containerd
  for pid in $(pgrep -f -- "ctr --address $REAL_RUN_DIR/" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  for ((i = 0; i < REAL_NODES; i++)); do
    for pid in $(pgrep -f -- "-address $REAL_RUN_DIR/n$i/containerd.sock" || true); do kill -KILL "$pid" 2>/dev/null || true; done
    pid_alive "$d" "containerd-$i" && kill -TERM "$(<"$d/pids/containerd-$i.pid")" 2>/dev/null || true
  done
  for ((i = 0; i < REAL_NODES; i++)); do
    for _ in $(seq 50); do pid_alive "$d" "containerd-$i" || break; sleep 0.1; done
    pid_alive "$d" "containerd-$i" && kill -KILL "$(<"$d/pids/containerd-$i.pid")" 2>/dev/null || true
  done
  # 4. network namespaces of the pods (bind mounts under /run/netns)
  for f in /run/netns/*; do
    [[ -e $f ]] || continue
    local ino; ino=$(stat -L -c %i "$f" 2>/dev/null) || continue
    if [[ " ${nsinodes[*]} " == *" $ino "* ]]; then
      umount "$f" 2>/dev/null || true; rm -f "$f"
    fi
  done
  # 5. mounts under the nodes' directories (overlay rootfs, shm, volumes), deepest first
  awk -v a="$rd/" -v b="$REAL_RUN_DIR/" 'index($2, a) == 1 || index($2, b) == 1 {print $2}' /proc/mounts | sort -r |
    while read -r f; do umount -l "$f" 2>/dev/null || true; done
  # 6. cgroups, deepest first
  for ((i = 0; i < REAL_NODES; i++)); do
    for f in $(cgroup_hierarchies | sed "s|\$|skyport-$NAME-n$i|"); do
      [[ -d $f ]] && find "$f" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
  done
  # 7. the bridge (its veths died with the namespaces), log links, CNI result cache
  [[ -n $REAL_BRIDGE ]] && ip link del "$REAL_BRIDGE" 2>/dev/null || true
  for f in /var/log/containers/*; do
    [[ -L $f && $(readlink "$f") == "$rd/"* ]] && rm -f "$f"
  done
  rm -f /var/lib/cni/results/"skyport-$NAME"-* 2>/dev/null
  rm -rf "$REAL_RUN_DIR"
  # The nodes' image stores (hundreds of MB of small files) take 10+ s to delete on a busy disk: move them
  # aside (nothing is mounted there any more) and delete them in the background.
  local trash=$SKYPORT_STATE/.trash/real-$NAME-$$-$RANDOM
  mkdir -p "$SKYPORT_STATE/.trash"
  if mv "$rd" "$trash" 2>/dev/null; then
    (setsid rm -rf "$trash" >/dev/null 2>&1 </dev/null 5>&- 6>&- 7>&- 8>&- 9>&- &)
  else
    rm -rf "$rd"
  fi
  # 8. machine-wide: the last real cluster restores the host settings and stops the registry
  (
    exec 6>"$REAL_RUN/.host.lock"; flock 6
    local other=0 e
    for e in "$SKYPORT_CLUSTERS"/*/real/real.env; do [[ -f $e ]] && other=1; done
    for e in "$REAL_RUN"/c-*; do [[ -d $e ]] && other=1; done
    if ((!other)); then
      host_settings_restore
      exec 5>"$SKYPORT_CLUSTERS/.locks/registry.lock"; flock 5
      registry_stop_procs
    fi
  )
  return 0
}
