#!/usr/bin/env bash
# The quick start: installs what is missing, builds, starts the local stack (Postgres, Redis, a local
# Kubernetes control plane whose nodes are real kubelets running containers, with a local image registry) and
# every Skyport service, then launches examples/hello.yaml in a container pulled from that registry.
#   npm run quickstart                             # then: npx skyport status / logs hello / down hello
#   SKYPORT_KUBE_LAYOUT=small npm run quickstart   # simulated (KWOK) nodes instead: no containers, no images
#   npm run stack -- down                          # stops everything it started
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

layout=${SKYPORT_KUBE_LAYOUT:-real}
bash scripts/setup.sh
step "starting the local stack (Kubernetes layout: $layout)"
eval "$(node tools/dev-stack/dist/cli.js env --layout "$layout")"
step "applying database migrations"
node libs/persistence/dist/cli/migrate.js run
step "starting the Skyport services"
node tools/dev-stack/dist/cli.js up --services --layout "$layout"
export SKYPORT_API_URL=http://127.0.0.1:26580
if [[ -f .skyport/admin-token ]]; then export SKYPORT_TOKEN=$(<.skyport/admin-token); fi
step "launching examples/hello.yaml on cluster 'hello'"
node apps/cli/bin/skyport.js launch -c hello examples/hello.yaml -y
cat >&2 <<'TXT'

Next:
  export SKYPORT_API_URL=http://127.0.0.1:26580 SKYPORT_TOKEN=$(cat .skyport/admin-token 2>/dev/null)
  npx skyport status            # clusters
  npx skyport logs hello        # the job's output
  kubectl --kubeconfig "$(bash test/cluster/cluster.sh kubeconfig)" --context "$SKYPORT_KUBE_CONTEXT" get pods -l skyport.dev/cluster=hello
  npx skyport down hello        # tear it down
  npm run stack -- down         # stop everything the quick start started
TXT
