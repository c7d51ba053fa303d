#!/usr/bin/env bash
# The local Schema Registry: bash scripts/registry/registry.sh provision|start|stop (see cli.ts).
# Run through jiti, like scripts/kafka/kafka.sh, so there is no build step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ ! -x "$root/node_modules/.bin/jiti" ]; then
  echo "registry: $root/node_modules is missing; run npm ci first" >&2
  exit 1
fi
exec "$root/node_modules/.bin/jiti" "$root/scripts/registry/cli.ts" "$@"
