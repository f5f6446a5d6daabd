# shellcheck shell=bash
# Shared by ensure-helm.sh and ensure-compose.sh (sourced): a per-user cache of tools built from the Go module
# proxy, keyed by version, with one build at a time per tool and version.

skyport_tool_cache() { echo "${SKYPORT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skyport}"; }

# go_tool_build <dir> <binary-path> <build-function>: unless <binary-path> exists, takes the lock of <dir>,
# runs <build-function> <tmp-dir> (which leaves the binary at <tmp-dir>/out) and moves it into place.
go_tool_build() {
  local dir=$1 bin=$2 build=$3 tmp
  [[ -x $bin ]] && return 0
  command -v go >/dev/null || { echo "$(basename "$0"): building $(basename "$bin") needs the Go toolchain (go) on PATH" >&2; return 1; }
  mkdir -p "$dir" "$(dirname "$bin")"
  exec 9>"$dir.lock"
  flock 9
  if [[ ! -x $bin ]]; then
    tmp=$(mktemp -d "$dir/build.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    "$build" "$tmp" >&2
    mv "$tmp/out" "$bin"
  fi
  exec 9>&-
}

# The directory of a module version in the module cache (downloaded if needed), or its go.mod with "GoMod".
go_mod_path() { # <module@version> <Dir|GoMod>
  go mod download -json "$1" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\$/\\1/p"
}
