#!/usr/bin/env bash
# npm run kafka:start — see kafka.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/kafka.sh" start "$@"
