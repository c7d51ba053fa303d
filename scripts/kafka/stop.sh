#!/usr/bin/env bash
# npm run kafka:stop — see kafka.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/kafka.sh" stop "$@"
