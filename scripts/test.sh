#!/usr/bin/env bash
# The test command: set up what is missing, typecheck every workspace, then run every test (unit,
# integration against real PostgreSQL / Redis / SMTP / TLS, end to end) in one vitest run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
TURBO_TELEMETRY_DISABLED=1 npx turbo run typecheck --output-logs=errors-only
npx vitest run "$@"
