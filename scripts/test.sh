#!/usr/bin/env bash
# The whole test suite: unit, integration (real Postgres, Redis and a local Kubernetes control plane) and
# end-to-end. `npm test` runs this; so does CI (.ci/run).
#   npm test                      # everything
#   npm test -- --unit            # only unit tests (nothing is started)
#   npm test -- --integration apps/api   # one kind, one folder
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

args=("$@")
[[ ${#args[@]} -eq 0 ]] && args=(--all)
if [[ ${args[0]} != --unit ]]; then
  printf '\033[1m==> starting the local stack (Postgres, Redis, Kubernetes)\033[0m\n' >&2
  # Assigned first: a stack that cannot start (its error is printed above) stops the run here.
  # --no-s3: the stack's moto (the quick start's S3) is not for tests: they start their own, and services started by
  # tests inherit this environment, where SKYPORT_S3_* would configure S3 behind their backs.
  stack_env=$(node tools/dev-stack/dist/cli.js env --no-s3)
  eval "$stack_env"
  export SKYPORT_TEST_DATABASE_URL=$SKYPORT_DATABASE_URL
  export SKYPORT_TEST_REDIS_URL=$SKYPORT_REDIS_URL
  export SKYPORT_TEST_KUBECONFIG=${KUBECONFIG:-}
  export SKYPORT_TEST_KUBE_CONTEXT=${SKYPORT_KUBE_CONTEXT:-}
  # Tests never touch a developer's own clusters: only the local control plane's kubeconfig is visible.
  unset SKYPORT_DATABASE_URL SKYPORT_REDIS_URL
fi
exec node scripts/run-tests.mjs "${args[@]}"
