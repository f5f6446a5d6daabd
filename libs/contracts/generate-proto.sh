#!/usr/bin/env bash
# Generates TypeScript types and @grpc/grpc-js service definitions from proto/*.proto with ts-proto.
# The output (src/generated) is git-ignored and rebuilt by `nx run contracts:proto` (cached) or scripts/setup.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! command -v protoc >/dev/null 2>&1; then
  echo "protoc is missing: install Debian's protobuf-compiler (apt-get install protobuf-compiler), or run scripts/setup.sh" >&2
  exit 1
fi
out="$here/src/generated"
# Up to date when every .proto and this script are older than the generated files: keep them (and their
# mtimes), so `tsc -b` does not rebuild everything downstream.
if [[ -f "$out/.stamp" && -z "$(find "$here/proto" "$0" "$root/node_modules/ts-proto/package.json" -newer "$out/.stamp" 2>/dev/null)" ]]; then
  exit 0
fi
rm -rf "$out" && mkdir -p "$out"
protoc \
  --plugin=protoc-gen-ts_proto="$root/node_modules/.bin/protoc-gen-ts_proto" \
  --ts_proto_out="$out" \
  --ts_proto_opt=outputServices=grpc-js,env=node,esModuleInterop=true,forceLong=number,useOptionals=none,oneof=unions-value,importSuffix= \
  -I "$here/proto" "$here"/proto/*.proto
touch "$out/.stamp"
echo "generated $(ls "$out" | wc -l) files in libs/contracts/src/generated"
