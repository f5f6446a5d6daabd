#!/usr/bin/env bash
# The local EC2 endpoint for tests: moto's server (PyPI `moto[server]`) on 127.0.0.1, plus Debian's
# openssh-server, which the SSH tests start per suite as a foreground `sshd` on 127.0.0.1.
#
#   bash test/cloud/moto.sh up      install what is missing, start moto if it is not answering, print env
#   bash test/cloud/moto.sh env     print `export SKYPORT_TEST_AWS_ENDPOINT=...` (nothing is started)
#   bash test/cloud/moto.sh status  exit 0 when moto answers
#   bash test/cloud/moto.sh down    stop the moto this script started
#
# Idempotent: `up` on a running moto only prints its address. State (pid, log) lives under
# .skyport/moto/ (git-ignored). Port: SKYPORT_TEST_MOTO_PORT (default 26450).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${SKYPORT_MOTO_DIR:-$ROOT/.skyport/moto}"
PORT="${SKYPORT_TEST_MOTO_PORT:-26450}"
URL="http://127.0.0.1:${PORT}"

answers() {
  # Any HTTP answer from moto's dashboard path counts; a refused connection prints 000.
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${URL}/moto-api/" 2>/dev/null || true)"
  [[ -n "$code" && "$code" != 000 ]]
}

find_moto_server() {
  command -v moto_server 2>/dev/null && return 0
  local py
  for py in python3 python; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import moto.server' 2>/dev/null; then
      echo "$py -m moto.server"
      return 0
    fi
  done
  return 1
}

ensure_moto() {
  if find_moto_server >/dev/null; then return 0; fi
  local pip
  pip="$(command -v pip3 || command -v pip || true)"
  if [[ -z "$pip" ]]; then
    echo "moto.sh: no pip found; install Python 3 and pip, then: pip install 'moto[server]'" >&2
    exit 1
  fi
  echo "moto.sh: installing moto[server] from PyPI..." >&2
  "$pip" install -q 'moto[server]' >&2
  hash -r
  find_moto_server >/dev/null || { echo "moto.sh: moto installed but moto_server not found on PATH" >&2; exit 1; }
}

ensure_sshd() {
  [[ -x /usr/sbin/sshd ]] && return 0
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "moto.sh: the SSH tests need Debian's openssh-server (sudo apt-get install -y openssh-server)" >&2
    return 0
  fi
  echo "moto.sh: installing openssh-server (SSH tests run a local sshd on 127.0.0.1)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null 2>&1 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null 2>&1; } ||
    echo "moto.sh: apt-get install openssh-server failed; SSH tests will say so" >&2
  # The package's own service is not wanted: tests start their own sshd on a loopback port.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now ssh >/dev/null 2>&1 || true; fi
}

print_env() {
  echo "export SKYPORT_TEST_AWS_ENDPOINT=${URL}"
}

up() {
  ensure_sshd
  if answers; then print_env; return 0; fi
  ensure_moto
  mkdir -p "$STATE"
  local cmd
  cmd="$(find_moto_server)"
  # Unknown instance types fail as on AWS (InvalidInstanceType) instead of being accepted.
  MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true \
    nohup $cmd -H 127.0.0.1 -p "$PORT" >"$STATE/moto.log" 2>&1 </dev/null &
  echo $! >"$STATE/moto.pid"
  for _ in $(seq 1 150); do
    if answers; then print_env; return 0; fi
    if ! kill -0 "$(cat "$STATE/moto.pid")" 2>/dev/null; then
      echo "moto.sh: moto_server exited; see $STATE/moto.log:" >&2
      tail -n 5 "$STATE/moto.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "moto.sh: moto did not answer on ${URL} within 30 s; see $STATE/moto.log" >&2
  exit 1
}

down() {
  if [[ -f "$STATE/moto.pid" ]]; then
    local pid
    pid="$(cat "$STATE/moto.pid")"
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$STATE/moto.pid"
  fi
}

case "${1:-up}" in
  up) up ;;
  env) print_env ;;
  status) answers ;;
  down) down ;;
  *) echo "usage: $0 up|env|status|down" >&2; exit 2 ;;
esac
