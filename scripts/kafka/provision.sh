#!/usr/bin/env bash
# Fetch the broker jars (used by .ci/run; start does it too) — see kafka.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/kafka.sh" provision "$@"
