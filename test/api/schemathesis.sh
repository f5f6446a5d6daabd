#!/usr/bin/env bash
# Fuzzes a running Skyport api against its own OpenAPI document with schemathesis (from PyPI), authenticated,
# bounded in time. Fails on any 5xx, any answer that contradicts the document (status, content type, body
# schema, headers), or a request that hangs past --request-timeout.
#   test/api/schemathesis.sh BASE_URL TOKEN [MAX_EXAMPLES] [MAX_SECONDS]
# Streams (SSE) are left out: a follow stream never ends by design; their own tests cover them.
set -euo pipefail
base="${1:?usage: schemathesis.sh BASE_URL TOKEN [MAX_EXAMPLES] [MAX_SECONDS]}"
token="${2:?token required}"
examples="${3:-5}"
seconds="${4:-150}"

if ! command -v st >/dev/null 2>&1 && ! python3 -c 'import schemathesis' >/dev/null 2>&1; then
  echo "schemathesis is missing; installing it from PyPI" >&2
  python3 -m pip install --quiet 'schemathesis>=4.3,<5' >&2
fi
runner=(st)
command -v st >/dev/null 2>&1 || runner=(python3 -m schemathesis.cli)

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
cd "$workdir"
exec "${runner[@]}" run "$base/v1/openapi.json" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$examples" \
  --max-time "$seconds" \
  --request-timeout 10 \
  --exclude-path-regex '(/events$|/logs$|^/metrics$|/ssh$)' \
  --suppress-health-check all \
  --seed 1 \
  --workers 1 \
  --warnings off \
  --no-color
