#!/usr/bin/env bash
# The quick start: installs what is missing, builds, starts the local stack (Postgres, Redis, a local
# Kubernetes control plane with simulated nodes) and every Skyport service, then launches examples/hello.yaml.
#   npm run quickstart            # then: npx skyport status / logs hello / down hello
#   npm run stack -- down         # stops everything it started
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

bash scripts/setup.sh
step "starting the local stack"
eval "$(node tools/dev-stack/dist/cli.js env)"
step "applying database migrations"
node libs/persistence/dist/cli/migrate.js run
step "starting the Skyport services"
node tools/dev-stack/dist/cli.js up --services
export SKYPORT_API_URL=http://127.0.0.1:26580
if [[ -f .skyport/admin-token ]]; then export SKYPORT_TOKEN=$(<.skyport/admin-token); fi
step "launching examples/hello.yaml on cluster 'hello'"
node apps/cli/bin/skyport.js launch -c hello examples/hello.yaml -y
cat >&2 <<'TXT'

Next:
  export SKYPORT_API_URL=http://127.0.0.1:26580 SKYPORT_TOKEN=$(cat .skyport/admin-token 2>/dev/null)
  npx skyport status            # clusters
  npx skyport logs hello        # the job's output
  kubectl --kubeconfig "$(bash test/cluster/cluster.sh kubeconfig)" get pods -l skyport.dev/cluster=hello
  npx skyport down hello        # tear it down
  npm run stack -- down         # stop everything the quick start started
TXT
