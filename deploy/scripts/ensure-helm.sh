#!/usr/bin/env bash
# Prints the path of a Helm binary, building it from the Go module proxy when the per-user cache lacks it.
#   deploy/scripts/ensure-helm.sh            # path of helm (builds it first if missing; a few minutes on 2 cores)
#   HELM=/path/to/helm deploy/scripts/ensure-helm.sh   # use that binary instead
# The cache directory is keyed by version, so bumping SKYPORT_HELM_VERSION rebuilds.
set -euo pipefail
# shellcheck source=go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh"

SKYPORT_HELM_VERSION=${SKYPORT_HELM_VERSION:-v3.22.0}
dir=$(skyport_tool_cache)/helm-$SKYPORT_HELM_VERSION
bin=$dir/helm

if [[ -n ${HELM:-} ]]; then
  [[ -x $HELM ]] || { echo "ensure-helm.sh: HELM=$HELM is not an executable" >&2; exit 1; }
  echo "$HELM"
  exit 0
fi

build_helm() { # <tmp-dir>
  echo "ensure-helm.sh: building helm $SKYPORT_HELM_VERSION into $dir (takes a few minutes)"
  # Helm's release builds stamp the Kubernetes version it was built against (the default for `helm template`
  # and the lint deprecation checks); without it Helm assumes v1.20. Take it from Helm's own go.mod.
  local gomod k8s_minor ldflags pkg
  gomod=$(go_mod_path "helm.sh/helm/v3@$SKYPORT_HELM_VERSION" GoMod)
  k8s_minor=$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod" | head -1)
  [[ -n $k8s_minor ]] || { echo "ensure-helm.sh: could not read the client-go version from $gomod"; return 1; }
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$SKYPORT_HELM_VERSION"
  for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
    ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$k8s_minor"
  done
  CGO_ENABLED=0 GOBIN=$1 GOFLAGS=-buildvcs=false go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$SKYPORT_HELM_VERSION"
  mv "$1/helm" "$1/out"
}

go_tool_build "$dir" "$bin" build_helm
echo "$bin"
