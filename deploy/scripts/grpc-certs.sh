#!/usr/bin/env bash
# Makes the certificates for mutual TLS between Skyport's services (gRPC): a CA, and for each service a key and a
# certificate for both server and client auth whose DNS name `<service>.skyport.internal` is its identity (the
# services check it: e.g. only `api` may call Logs.Tail). Existing files are kept: run it again to add a service.
#
#   bash deploy/scripts/grpc-certs.sh <dir> [service...]      (default services: api optimizer provisioner logs)
#
# Writes <dir>/ca.crt, ca.key and <service>.crt, <service>.key; keys are mode 0600, the directory 0700.
# GRPC_CERT_OWNER=uid:gid chowns the files (run as root), e.g. to the uid the compose services run as.
# GRPC_CERT_DAYS sets the validity (default 825 days; the CA gets ten years).
set -euo pipefail
dir=${1:?usage: grpc-certs.sh <dir> [service...]}
shift
services=("$@")
[[ ${#services[@]} -gt 0 ]] || services=(api optimizer provisioner logs)
days=${GRPC_CERT_DAYS:-825}
command -v openssl >/dev/null || { echo "grpc-certs.sh: openssl is needed (apt-get install openssl)" >&2; exit 1; }

umask 077
mkdir -p "$dir"
chmod 0700 "$dir"
if [[ ! -s $dir/ca.crt ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=Skyport gRPC CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
fi
[[ -s $dir/ca.key ]] || { echo "grpc-certs.sh: $dir/ca.crt exists without ca.key: cannot sign new certificates" >&2; exit 1; }
for svc in "${services[@]}"; do
  [[ $svc =~ ^[a-z][a-z0-9-]*$ ]] || { echo "grpc-certs.sh: bad service name '$svc'" >&2; exit 1; }
  [[ -s $dir/$svc.crt && -s $dir/$svc.key ]] && continue
  ext=$(mktemp)
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s.skyport.internal\n' "$svc" >"$ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$svc" \
    -keyout "$dir/$svc.key" -out "$dir/$svc.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$svc.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days "$days" -extfile "$ext" -out "$dir/$svc.crt" 2>/dev/null
  rm -f "$dir/$svc.csr" "$ext"
done
chmod 0600 "$dir"/*.key
chmod 0644 "$dir"/*.crt
if [[ -n ${GRPC_CERT_OWNER:-} ]]; then chown -R "$GRPC_CERT_OWNER" "$dir"; fi
