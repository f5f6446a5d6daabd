#!/usr/bin/env bash
# `podman`, as podman-compose 1.0.3 (Debian bookworm's) must call it for containers with `network_mode: host`:
#   podman-compose --podman-path deploy/compose/podman-host-network.sh -f <merged file> up -d --no-build
# That version attaches every container to the project's default network after `--network host` (the later
# `--net` wins, so the container ends up on a bridge with NAT) and creates that network first. With
# `--network host` present this drops the `--net`/`--network-alias` it adds, and it answers `network exists` for
# networks of the compose project so none is created. Every other call goes to podman unchanged.
set -euo pipefail
podman=${SKYPORT_PODMAN:-podman}
if [[ ${1:-} == network && ${2:-} == exists ]]; then exit 0; fi
if [[ ${1:-} == run || ${1:-} == create ]] && [[ " $* " == *" --network host "* ]]; then
  out=("$1"); shift
  while (($#)); do
    case $1 in
    --net | --network-alias) shift 2 ;;
    *) out+=("$1"); shift ;;
    esac
  done
  exec "$podman" "${out[@]}"
fi
exec "$podman" "$@"
