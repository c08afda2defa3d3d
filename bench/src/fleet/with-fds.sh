#!/usr/bin/env bash
# The fleet runs inside the benchmark process: 10,000 TLS sockets need as many file descriptors.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec npx tsx src/fleet/main.ts "$@"
