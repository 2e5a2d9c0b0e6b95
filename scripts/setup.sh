#!/usr/bin/env bash
# One-time set-up of a fresh machine: HAProxy and openssl (the local platform's sidecars and
# certificates) from the system packages, then the npm dependencies, which bring Node 24.
# With --test, also Chromium, which the test of the HTML report drives.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "meshbench needs: ${missing[*]}. Install them with your package manager, then run this again." >&2
    exit 1
  fi
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  echo "Installing ${missing[*]} with apt-get..."
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "HAProxy: $(haproxy -v | head -n 1)"

npm ci --no-audit --no-fund
echo "Node for meshbench: $(node_modules/.bin/node --version)"
