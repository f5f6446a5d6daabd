#!/usr/bin/env bash
# Makes `docker compose` available: the machine's plugin if it has one, else the compose plugin built from the
# Go module proxy into the per-user cache. The docker CLI itself must be installed; `docker compose config`
# needs no engine.
#   eval "$(deploy/scripts/ensure-compose.sh --env)"   # exports DOCKER_BIN (and DOCKER_CONFIG for the cached plugin)
#   deploy/scripts/ensure-compose.sh                   # just builds if needed and prints the docker CLI's path
# The cache directory is keyed by version, so bumping SKYPORT_COMPOSE_VERSION rebuilds.
set -euo pipefail
# shellcheck source=go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh"

SKYPORT_COMPOSE_VERSION=${SKYPORT_COMPOSE_VERSION:-v2.40.3}
dir=$(skyport_tool_cache)/compose-$SKYPORT_COMPOSE_VERSION
plugin=$dir/cli-plugins/docker-compose
mode=${1:-}

docker_bin=$(command -v docker) || { echo "ensure-compose.sh: the docker CLI is not installed" >&2; exit 1; }

if docker compose version >/dev/null 2>&1; then
  if [[ $mode == --env ]]; then printf 'export DOCKER_BIN=%q\n' "$docker_bin"; else echo "$docker_bin"; fi
  exit 0
fi

build_compose() { # <tmp-dir>
  echo "ensure-compose.sh: building docker compose $SKYPORT_COMPOSE_VERSION into $dir (takes several minutes)"
  # Compose's go.mod has exclude directives, which `go install pkg@version` refuses: build the module's own
  # source tree (as its main module, with its go.sum) instead.
  local src
  src=$(go_mod_path "github.com/docker/compose/v2@$SKYPORT_COMPOSE_VERSION" Dir)
  [[ -d $src ]] || { echo "ensure-compose.sh: could not download github.com/docker/compose/v2@$SKYPORT_COMPOSE_VERSION"; return 1; }
  cp -r "$src" "$1/src" && chmod -R u+w "$1/src"
  (cd "$1/src" && CGO_ENABLED=0 GOFLAGS='-buildvcs=false -mod=mod' go build -trimpath \
    -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$SKYPORT_COMPOSE_VERSION" -o "$1/out" ./cmd)
}

go_tool_build "$dir" "$plugin" build_compose

# The docker CLI finds plugins under $DOCKER_CONFIG/cli-plugins: point it at the cache, not at ~/.docker.
if [[ $mode == --env ]]; then
  printf 'export DOCKER_CONFIG=%q\nexport DOCKER_BIN=%q\n' "$dir" "$docker_bin"
else
  echo "$docker_bin"
fi
