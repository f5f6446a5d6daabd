#!/usr/bin/env bash
# Builds the Skyport image with buildah (no Docker daemon) from deploy/docker/Dockerfile and pushes it to a
# registry; prints the pushed reference on its last stdout line.
#
#   deploy/scripts/build-image.sh --registry 127.0.0.1:31990 [--creds USER:PASSWORD] [--repository skyport/skyport]
#   deploy/scripts/build-image.sh --base-only   # only what does not change with the code (runtime base, production
#                                                # node_modules), for scripts/setup.sh to build once ahead of the tests
#
# Everything comes from this machine: the runtime base (`skyport/node-runtime`) is Debian bookworm (debootstrap
# from apt's mirror) with tini, ca-certificates and this machine's Node.js 20 binary; the application tree is the
# workspace's own build (scripts/setup.sh: tsc -b + the dashboard bundle) with production node_modules installed
# from npm's cache, laid out by assemble-runtime.mjs — the Dockerfile's `build` stage does the same from source
# where a Docker engine and network are at hand. The Dockerfile's runtime stage then runs under buildah with
# APP_FROM=context (the /app of the build context) and RUNTIME_IMAGE=the local base, without network.
#
# The tag is a hash of what goes in (base recipe, Dockerfile, this script, lock file, built packages): an unchanged
# tree is neither assembled nor rebuilt and, when the registry already has that tag, not pushed again. Needs root, buildah, debootstrap.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dockerfile=$root/deploy/docker/Dockerfile
registry="" creds="" repository=skyport/skyport base_only=""
while (($#)); do
  case $1 in
  --registry) registry=$2; shift 2 ;;
  --creds) creds=$2; shift 2 ;;
  --repository) repository=$2; shift 2 ;;
  --base-only) base_only=1; shift ;;
  *) echo "build-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=debian-image.sh
source "$root/deploy/scripts/debian-image.sh"
[[ -n $registry || -n $base_only ]] || die "--registry HOST:PORT is required"
[[ -f $root/apps/api/dist/main.js && -f $root/apps/dashboard/dist/index.html ]] ||
  die "the workspace is not built: run bash scripts/setup.sh first"

# ------------------------------------------------------------------------- 1. the runtime base
node_bin=$(readlink -f "$(command -v node)")
[[ $("$node_bin" --version) == v20.* ]] || die "Node.js 20 is required for the runtime base (found $("$node_bin" --version))"
base_key=$({ sed -n '/^# BASE-RECIPE/,/^# END-BASE-RECIPE/p' "${BASH_SOURCE[0]}"; cat "$root/deploy/scripts/debian-image.sh"; "$node_bin" --version; apt_mirror; } | sha256sum | cut -c1-12)
base_ref=localhost/skyport/node-runtime:$base_key

# BASE-RECIPE (changing anything between these markers rebuilds the base)
node_runtime_config() { # <rootfs> <container>
  install -m 0755 "$node_bin" "$1/usr/local/bin/node"
  # the image's user: uid 1000, no login shell, no home it can write
  echo 'skyport:x:1000:1000:Skyport:/nonexistent:/usr/sbin/nologin' >>"$1/etc/passwd"
  echo 'skyport:x:1000:' >>"$1/etc/group"
  ba config --entrypoint '["/usr/bin/tini","--"]' --cmd node \
    --label org.opencontainers.image.description="Node.js $("$node_bin" --version) on Debian bookworm (Skyport runtime base)" "$2"
}
# END-BASE-RECIPE

exec 9>"$cache/.build-image.lock"
flock 9
debian_image "$base_ref" ca-certificates,tini node_runtime_config

# ------------------------------------------------------------------------- 2. the application tree
# Production node_modules, once per lock file, installed from npm's cache (the workspace's `npm ci` filled it).
lock_key=$(cat "$root/package-lock.json" "$root/package.json" | sha256sum | cut -c1-12)
deps=$cache/image-deps-$lock_key
if [[ ! -f $deps/.complete ]]; then
  log "production node_modules for lock $lock_key (from npm's cache)"
  rm -rf "$deps"; mkdir -p "$deps"
  cp "$root/package.json" "$root/package-lock.json" "$deps/"
  (cd "$root" && for ws in $(node -p "require('./package.json').workspaces.join(' ')"); do
    for d in $ws; do [[ -f $d/package.json ]] && mkdir -p "$deps/$d" && cp "$d/package.json" "$deps/$d/"; done
  done)
  (cd "$deps" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error) >&2
  touch "$deps/.complete"
  for d in "$cache"/image-deps-*; do [[ $d != "$deps" ]] && rm -rf "$d"; done
fi
[[ -z $base_only ]] || exit 0

# The workspace's built packages that go in (test-only and tooling workspaces stay out): package.json plus what
# its "files" list ships (dist by default).
shipped=()
for group in libs apps; do
  for ws in "$root/$group"/*/; do
    ws=${ws%/}
    [[ $group/$(basename "$ws") == apps/cli ]] && continue
    [[ -f $ws/package.json && -d $ws/dist ]] || continue
    shipped+=("$group/$(basename "$ws")/package.json")
    for entry in $(node -p "(require('$ws/package.json').files ?? ['dist']).join(' ')"); do
      [[ -e $ws/$entry ]] && shipped+=("$group/$(basename "$ws")/$entry")
    done
  done
done
# The tag is a hash of every input, computed without assembling anything: an unchanged tree costs a second.
src_key=$( (cd "$root" && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "${shipped[@]}" deploy/docker/assemble-runtime.mjs) | sha256sum | cut -c1-12)
tag=$(printf '%s %s %s %s' "$base_key" "$(cat "$dockerfile" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)" "$lock_key" "$src_key" | sha256sum | cut -c1-12)
ref=$registry/$repository:$tag
local_ref=localhost/$repository:$tag

creds_args=()
[[ -n $creds ]] && creds_args=(--creds "$creds")
if skopeo inspect --tls-verify=false "${creds_args[@]}" "docker://$ref" >/dev/null 2>&1; then
  log "$ref is already in the registry"
  echo "$ref"; exit 0
fi

ctx=$cache/image-context
if ! ba inspect --type image "$local_ref" >/dev/null 2>&1; then
  rm -rf "$ctx"; mkdir -p "$ctx/src"
  # the built packages beside the production dependencies, then assemble-runtime's layout
  cp -a "$deps/node_modules" "$ctx/src/node_modules"
  cp "$root/package.json" "$root/package-lock.json" "$ctx/src/"
  (cd "$root" && cp -a --parents "${shipped[@]}" "$ctx/src/")
  node "$root/deploy/docker/assemble-runtime.mjs" "$ctx/src" "$ctx/app" >&2
  rm -rf "$ctx/src"
  log "application tree $(du -sh "$ctx/app" | cut -f1), tag $tag"
fi

# ------------------------------------------------------------------------- 3. buildah + push
if ! ba inspect --type image "$local_ref" >/dev/null 2>&1; then
  log "buildah build ($storage) of $local_ref"
  start=$SECONDS
  dangling_before=$(ba images -q --filter dangling=true | sort)
  # The Dockerfile's .dockerignore is for a repository-root context (it drops every dist/ and node_modules/):
  # this context is the assembled /app, which must go in whole.
  : >"$cache/context.dockerignore"
  ba build --quiet --network none --isolation oci --layers=false \
    -f "$dockerfile" --ignorefile "$cache/context.dockerignore" --target skyport \
    --build-arg APP_FROM=context --build-arg RUNTIME_IMAGE="$base_ref" \
    -t "$local_ref" "$ctx" >/dev/null
  log "built in $((SECONDS - start))s"
  # the multi-stage build's unnamed stage images (the context and app stages), not anyone else's
  for id in $(comm -13 <(echo "$dangling_before") <(ba images -q --filter dangling=true | sort)); do
    ba rmi "$id" >/dev/null 2>&1 || true
  done
fi
# What a deployment needs must be in it: every service's entry point, the migrations and the dashboard.
check=$(ba from --quiet "$local_ref")
mnt=$(ba mount "$check")
missing=""
for f in apps/api/dist/main.js apps/optimizer/dist/main.js apps/provisioner/dist/main.js apps/logs/dist/main.js \
  apps/autodown/dist/main.js libs/persistence/dist/cli/migrate.js apps/dashboard/dist/index.html; do
  [[ -f $mnt/app/$f ]] || missing+=" $f"
done
ba umount "$check" >/dev/null; ba rm "$check" >/dev/null
if [[ -n $missing ]]; then ba rmi "$local_ref" >/dev/null 2>&1 || true; die "the built image lacks$missing"; fi
ba push --quiet --tls-verify=false "${creds_args[@]}" "$local_ref" "docker://$ref"
# keep only this tag and the base in local storage
for old in $(ba images --format '{{.Name}}:{{.Tag}}' | grep "^localhost/$repository:" | grep -v ":$tag$"); do
  ba rmi "$old" >/dev/null 2>&1 || true
done
rm -rf "$ctx"
log "pushed $ref"
echo "$ref"
