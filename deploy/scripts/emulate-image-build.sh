#!/usr/bin/env bash
# For machines without a Docker engine: runs the `build` stage of deploy/docker/Dockerfile (its RUN lines, read
# from the Dockerfile, except the apt-get one: protoc must be installed here) in a copy of the build context, then
# smoke-runs the resulting /app tree the way the image runs it — as uid 1000, files not writable, HOME missing —
# against the local stack's PostgreSQL and Redis: migrations, then every service until its /healthz answers 200.
#   deploy/scripts/emulate-image-build.sh [WORKDIR]     (default: a new temp dir, removed afterwards)
#   SKYPORT_REUSE_BUILD=1 deploy/scripts/emulate-image-build.sh WORKDIR   # only the smoke run, on an earlier build
# Needs root (to drop to uid 1000), protoc, curl, and the local stack (`npm run stack -- up --no-kube`).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dockerfile=$root/deploy/docker/Dockerfile
work=${1:-}
cleanup_work=0
if [[ -z $work ]]; then work=$(mktemp -d /var/tmp/skyport-image.XXXXXX); cleanup_work=1; fi
mkdir -p "$work" && chmod 755 "$work" # uid 1000 must reach $work/app
pids=()
db=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n $db ]]; then psql "$pg_admin" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; fi
  if ((cleanup_work)); then rm -rf "$work"; fi
}
trap cleanup EXIT
log() { printf '[image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[[ $(id -u) == 0 ]] || { echo "emulate-image-build.sh: run as root (the services are started as uid 1000)" >&2; exit 1; }
command -v protoc >/dev/null || { echo "emulate-image-build.sh: protoc is missing (apt-get install protobuf-compiler)" >&2; exit 1; }

src=$work/src app=$work/app
if [[ -n ${SKYPORT_REUSE_BUILD:-} && -d $app ]]; then
  log "reusing $app (SKYPORT_REUSE_BUILD)"
else
# 1. The build context, minus what Dockerfile.dockerignore keeps out.
rm -rf "$src" "$app"
mkdir -p "$src"
excludes=()
while IFS= read -r pat; do
  [[ -z $pat || $pat == \#* ]] && continue
  if [[ $pat == \*\*/* ]]; then excludes+=("--no-anchored" "--exclude=${pat#\*\*/}"); else excludes+=("--anchored" "--exclude=./$pat"); fi
done <"$dockerfile.dockerignore"
(cd "$root" && tar -c "${excludes[@]}" .) | tar -x -C "$src"
log "build context: $(du -sh "$src" | cut -f1)"

# 2. The build stage's RUN lines, in order, with /src and /app mapped into the work dir.
mapfile -t runs < <(awk '
  /^FROM /{ stage = ($0 ~ / AS build$/) } 
  stage && /^RUN /{ line = substr($0, 5); while (line ~ /\\$/) { sub(/\\$/, "", line); getline nxt; line = line nxt } print line }
' "$dockerfile")
for cmd in "${runs[@]}"; do
  [[ $cmd == *apt-get* ]] && continue
  cmd=${cmd//\/src \/app/$src $app}
  log "RUN $cmd"
  (cd "$src" && bash -euo pipefail -c "$cmd") >&2
done
fi
log "runtime tree: $(du -sh "$app" | cut -f1) ($(du -sh "$app/node_modules" | cut -f1) node_modules)"

# 3. Run it as the image does: uid 1000, root-owned files, no writable home.
chown -R 0:0 "$app" && chmod -R go-w "$app"
# The local stack's addresses (tools/dev-stack defaults; scripts/test.sh exports the SKYPORT_TEST_* ones).
pg_url=${SKYPORT_TEST_DATABASE_URL:-postgres://skyport@127.0.0.1:26432/skyport}
redis_url=${SKYPORT_TEST_REDIS_URL:-redis://127.0.0.1:26379}
pg_admin=$pg_url
db=skyport_image_$$
psql "$pg_admin" -qc "CREATE DATABASE \"$db\"" >/dev/null
database_url=${pg_url%/*}/$db

# The services that talk to Kubernetes get a kubeconfig, as compose and the chart give them one: the local control
# plane's, copied where uid 1000 can read it.
kubeconfig_env=()
kc=${SKYPORT_TEST_KUBECONFIG:-$(bash "$root/test/cluster/cluster.sh" kubeconfig 2>/dev/null | tail -1 || true)}
if [[ -n $kc && -f $kc ]]; then
  install -m 0644 "$kc" "$work/kubeconfig"
  kubeconfig_env=(KUBECONFIG="$work/kubeconfig")
  [[ -n ${SKYPORT_TEST_KUBE_CONTEXT:-} ]] && kubeconfig_env+=(SKYPORT_ALLOWED_CONTEXTS="$SKYPORT_TEST_KUBE_CONTEXT")
fi

# Production mode needs the task-secrets key (compose and the chart take it from their settings).
secrets_key=$(openssl rand -base64 32)
as_app() { (cd "$app" && exec setpriv --reuid=1000 --regid=1000 --clear-groups env -i PATH="$PATH" HOME=/nonexistent NODE_ENV=production \
  SKYPORT_SECRETS_KEY="$secrets_key" SKYPORT_DATABASE_URL="$database_url" SKYPORT_REDIS_URL="$redis_url" SKYPORT_BIND_HOST=127.0.0.1 SKYPORT_LOG_LEVEL=warn "$@"); }

log "migrate"
as_app node libs/persistence/dist/cli/migrate.js run >&2

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_healthy() { # <name> <port>
  for _ in $(seq 150); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/healthz" || true) == 200 ]]; then log "$1: /healthz 200"; return 0; fi
    sleep 0.2
  done
  log "$1: no healthy /healthz on port $2"; return 1
}

# gRPC between the services is mutual TLS in production: a CA and a certificate per service, owned by uid 1000 (as
# the compose file's documented step and the chart's Secrets give them).
tls=$work/grpc-tls
GRPC_CERT_OWNER=1000:1000 bash "$root/deploy/scripts/grpc-certs.sh" "$tls" >&2

api_port=$(free_port) opt=$(free_port) prov=$(free_port) logsp=$(free_port)
grpc_env=(SKYPORT_OPTIMIZER_GRPC=127.0.0.1:$opt SKYPORT_PROVISIONER_GRPC=127.0.0.1:$prov SKYPORT_LOGS_GRPC=127.0.0.1:$logsp)
status=0
for svc in api optimizer provisioner logs autodown; do
  port=$(free_port)
  if [[ $svc == api ]]; then port=$api_port; extra=(SKYPORT_API_PORT=$port); else extra=(SKYPORT_HEALTH_PORT=$port); fi
  [[ $svc == autodown ]] || extra+=(SKYPORT_GRPC_TLS_CA="$tls/ca.crt" SKYPORT_GRPC_TLS_CERT="$tls/$svc.crt" SKYPORT_GRPC_TLS_KEY="$tls/$svc.key")
  as_app env "${grpc_env[@]}" "${extra[@]}" "${kubeconfig_env[@]}" node --enable-source-maps "apps/$svc/dist/main.js" >"$work/$svc.log" 2>&1 &
  pids+=($!)
  if ! wait_healthy "$svc" "$port"; then status=1; tail -20 "$work/$svc.log" >&2; fi
done
exit $status
