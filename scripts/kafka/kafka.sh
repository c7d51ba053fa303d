#!/usr/bin/env bash
# The one entry point of the local-broker scripts: bash scripts/kafka/kafka.sh start|stop|provision.
# Works from any directory; the implementation is scripts/kafka/cli.ts, run through jiti
# (a runtime dependency) so there is no build step and no second copy in shell.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "kafka: node not found; install Node.js 20+" >&2
  exit 1
fi
if [ ! -x "$root/node_modules/.bin/jiti" ]; then
  echo "kafka: $root/node_modules is missing; run npm ci first" >&2
  exit 1
fi
exec "$root/node_modules/.bin/jiti" "$root/scripts/kafka/cli.ts" "$@"
