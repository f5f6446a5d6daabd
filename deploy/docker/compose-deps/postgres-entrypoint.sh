#!/bin/sh
# Entry point of the Debian-package PostgreSQL image (deploy/scripts/build-compose-images.sh), with the official
# image's contract as docker-compose.yml uses it: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB make the
# cluster on first start in $PGDATA (a volume); later starts keep what is there. Started as root it runs the
# server as `postgres` (uid/gid 70, as in the official alpine image); started as uid 70 (the Helm chart's
# runAsUser) it runs as itself.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
bin=$(echo /usr/lib/postgresql/*/bin)
if [ "$(id -u)" = 0 ]; then
  as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
  mkdir -p "$PGDATA" /run/postgresql
  chown postgres:postgres "$PGDATA" /run/postgresql
else
  as_postgres() { "$@"; }
  mkdir -p "$PGDATA"
fi
chmod 0700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "postgres: set POSTGRES_PASSWORD" >&2; exit 1; }
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
  as_postgres "$bin/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\";" | as_postgres "$bin/postgres" --single -D "$PGDATA" postgres >/dev/null
  fi
fi
[ "${1:-}" = postgres ] && shift
if [ "$(id -u)" = 0 ]; then
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
