#!/usr/bin/env bash
# Builds the two third-party images docker-compose.yml runs beside Skyport — PostgreSQL and Redis — from Debian
# packages with buildah, for machines that cannot pull postgres:16-alpine and redis:7-alpine (this one: nothing
# leaves it). Prints two lines for the environment of `podman-compose`:
#   SKYPORT_POSTGRES_IMAGE=localhost/skyport/postgres:<key>
#   SKYPORT_REDIS_IMAGE=localhost/skyport/redis:<key>
# The images keep the official images' contracts as the compose file uses them (POSTGRES_USER/PASSWORD/DB and
# a data volume at /var/lib/postgresql/data; `redis-server ...` as the command, redis-cli for the health check).
# Cached by recipe: a second run prints the same names at once. Needs root, buildah, debootstrap.
#   --push HOST:PORT [--creds USER:PASSWORD]   also push both to that registry and print the pushed names
#                                               (the Helm chart's in-cluster postgresql/redis can run them)
set -euo pipefail
push="" creds=""
while (($#)); do
  case $1 in
  --push) push=$2; shift 2 ;;
  --creds) creds=$2; shift 2 ;;
  *) echo "build-compose-images.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=debian-image.sh
source "$here/debian-image.sh"

key=$({ sed -n '/^# RECIPE/,/^# END-RECIPE/p' "${BASH_SOURCE[0]}"; cat "$here/debian-image.sh" "$here/../docker/compose-deps/postgres-entrypoint.sh"; apt_mirror; } | sha256sum | cut -c1-12)
pg_ref=localhost/skyport/postgres:$key
redis_ref=localhost/skyport/redis:$key

# RECIPE
postgres_config() { # <rootfs> <container>
  # uid/gid 70 for postgres, as in the official alpine image (the Helm chart runs it as that uid)
  local old; old=$(chroot "$1" id -u postgres)
  chroot "$1" groupmod -g 70 postgres
  chroot "$1" usermod -u 70 -g 70 postgres
  find "$1" -xdev -uid "$old" -exec chown -h 70:70 {} +
  install -m 0755 "$here/../docker/compose-deps/postgres-entrypoint.sh" "$1/usr/local/bin/postgres-entrypoint"
  ba config --env PGDATA=/var/lib/postgresql/data --entrypoint '["/usr/local/bin/postgres-entrypoint"]' --cmd postgres \
    --port 5432 --label org.opencontainers.image.description="PostgreSQL from Debian bookworm (Skyport compose)" "$2"
}
redis_config() { # <rootfs> <container>
  ba config --entrypoint '[]' --cmd redis-server --workingdir /data --port 6379 \
    --label org.opencontainers.image.description="Redis from Debian bookworm (Skyport compose)" "$2"
  mkdir -p "$1/data"
}
# END-RECIPE

debian_image "$pg_ref" postgresql,postgresql-client postgres_config
debian_image "$redis_ref" redis-server,redis-tools redis_config
if [[ -n $push ]]; then
  creds_args=()
  [[ -n $creds ]] && creds_args=(--creds "$creds")
  for ref in "$pg_ref" "$redis_ref"; do
    ba push --quiet --tls-verify=false "${creds_args[@]}" "$ref" "docker://$push/${ref#localhost/}"
  done
  pg_ref=$push/${pg_ref#localhost/} redis_ref=$push/${redis_ref#localhost/}
fi
echo "SKYPORT_POSTGRES_IMAGE=$pg_ref"
echo "SKYPORT_REDIS_IMAGE=$redis_ref"
