#!/usr/bin/env bash
# Builds the two third-party images docker-compose.yml runs beside Skyport — PostgreSQL and Redis — from Debian
# packages with buildah, for machines that cannot pull postgres:16-alpine and redis:7-alpine (this one: nothing
# leaves it). Prints two lines for the environment of `podman-compose`:
#   SKYPORT_POSTGRES_IMAGE=localhost/skyport/postgres:<key>
#   SKYPORT_REDIS_IMAGE=localhost/skyport/redis:<key>
# The images keep the official images' contracts as the compose file uses them (POSTGRES_USER/PASSWORD/DB and
# a data volume at /var/lib/postgresql/data; `redis-server ...` as the command, redis-cli for the health check).
# Cached by recipe: a second run prints the same names at once. Needs root, buildah, debootstrap.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=debian-image.sh
source "$here/debian-image.sh"

key=$({ sed -n '/^# RECIPE/,/^# END-RECIPE/p' "${BASH_SOURCE[0]}"; cat "$here/debian-image.sh" "$here/../docker/compose-deps/postgres-entrypoint.sh"; apt_mirror; } | sha256sum | cut -c1-12)
pg_ref=localhost/skyport/postgres:$key
redis_ref=localhost/skyport/redis:$key

# RECIPE
postgres_config() { # <rootfs> <container>
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
echo "SKYPORT_POSTGRES_IMAGE=$pg_ref"
echo "SKYPORT_REDIS_IMAGE=$redis_ref"
