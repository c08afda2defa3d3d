#!/usr/bin/env bash
# The run command: set up what is missing, then start the whole platform (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
exec npx tsx packages/devstack/src/dev/main.ts "$@"
