#!/usr/bin/env bash
# Installs what this machine is missing and builds Skyport. Idempotent and quick when nothing changed.
#   bash scripts/setup.sh            # everything, including the local Kubernetes binaries (cached)
#   SKYPORT_SKIP_KUBE_BUILD=1 ...    # without the Kubernetes binaries
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# 1. System packages: protoc for the gRPC contracts, Redis and PostgreSQL for the local stack.
missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then missing+=(postgresql); fi
command -v sshd >/dev/null 2>&1 || [[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)  # the dashboard's browser tests (playwright-core drives it)
# The local cluster's `real` layout (test/cluster/real-nodes.sh): containerd + runc (CRI runtime of the real
# kubelets), the CNI bridge/host-local plugins, a registry, and debootstrap/umoci/skopeo to build its images.
for p in containerd runc skopeo umoci debootstrap docker-registry; do command -v $p >/dev/null 2>&1 || missing+=($p); done
# The real layout's S3 mount driver (test/cluster/s3-mount.sh) mounts buckets with rclone over FUSE on the host.
command -v rclone >/dev/null 2>&1 || missing+=(rclone)
command -v fusermount >/dev/null 2>&1 || command -v fusermount3 >/dev/null 2>&1 || missing+=(fuse3)
command -v unpigz >/dev/null 2>&1 || missing+=(pigz)  # containerd unpacks gzip layers faster with it
[[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
# The self-hosted deployment's image (deploy/scripts/build-image.sh builds it rootless-free with buildah), the
# compose file under podman-compose, and zsh for the CLI's completion tests.
for p in buildah podman podman-compose zsh; do command -v $p >/dev/null 2>&1 || missing+=($p); done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing system packages: ${missing[*]}; install them (sudo apt-get install ${missing[*]}) and run this again" >&2
    exit 1
  fi
  step "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  # containerd and docker-registry ship system services (docker-registry's listens on all interfaces):
  # keep them from starting; the cluster scripts run their own instances on 127.0.0.1.
  rc_policy_added=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && rc_policy_added=1
  fi
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
  if [[ -n $rc_policy_added ]]; then rm -f /usr/sbin/policy-rc.d; fi
fi

# 2. Node dependencies, from the lock file.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 3. Generated gRPC types, then the whole TypeScript build (incremental).
step "building (protoc + tsc -b)"
bash libs/contracts/generate-proto.sh
npx tsc -b
# The web dashboard the api serves under /ui (a Vite bundle, outside the tsc -b graph); rebuilt when its sources change.
if [[ ! -f apps/dashboard/dist/index.html || -n $(find apps/dashboard/src apps/dashboard/index.html apps/dashboard/vite.config.mjs apps/dashboard/tsconfig.json libs/client/src -newer apps/dashboard/dist/index.html -print -quit) ]]; then
  npx tsc -p apps/dashboard && npx vite build apps/dashboard --logLevel warn
fi

# 4. The local Kubernetes control plane's binaries (built from source once, then cached per user).
if [[ -z ${SKYPORT_SKIP_KUBE_BUILD:-} && -f test/cluster/build.sh ]]; then
  step "local Kubernetes binaries (cached after the first build, which takes 15-30 minutes)"
  bash test/cluster/build.sh
  # the real layout's images (Debian packages -> OCI images in a registry storage dir; cached, cold ~2 min)
  if [[ $(id -u) -eq 0 && -f test/cluster/images.sh ]]; then
    step "local cluster images (cached after the first build)"
    bash test/cluster/images.sh >/dev/null
  fi
  # Helm and docker compose for the deployment tests, built from the Go module proxy once (a few minutes each on
  # 2 cores): built here, not in a test's set-up, where a cold build outlasted the 5-minute test timeout.
  step "helm and docker compose for the deployment tests (cached after the first build)"
  bash deploy/scripts/ensure-helm.sh >/dev/null
  bash deploy/scripts/ensure-compose.sh >/dev/null
  # The deployment tests' images: what does not change with the code (the Skyport image's runtime base and
  # production node_modules; the compose file's PostgreSQL and Redis), debootstrapped once. Cold, these took the
  # compose e2e past its 15-minute timeout on a fresh machine; the per-commit application layer stays in the tests.
  if [[ $(id -u) -eq 0 ]] && command -v buildah >/dev/null 2>&1; then
    step "deployment images' bases (cached after the first build)"
    bash deploy/scripts/build-image.sh --base-only >/dev/null
    bash deploy/scripts/build-compose-images.sh >/dev/null
  fi
fi
