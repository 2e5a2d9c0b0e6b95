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

# --- --ztunnel (also --test, whose tests run it): Istio's ambient data plane for the local platform's
# istio-ambient. Built once into ${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/ (about 10 min), then
# cached: a second set-up takes seconds. Running it needs root, iptables and python3 (the ZDS agent).
for arg in "$@"; do
  if [ "$arg" = "--ztunnel" ] || [ "$arg" = "--test" ]; then
    zt_missing=()
    command -v iptables-restore >/dev/null 2>&1 || zt_missing+=(iptables)
    command -v python3 >/dev/null 2>&1 || zt_missing+=(python3)
    if [ ${#zt_missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
      zt_root=()
      [ "$(id -u)" -eq 0 ] || zt_root=(sudo)
      "${zt_root[@]}" apt-get update -qq
      DEBIAN_FRONTEND=noninteractive "${zt_root[@]}" apt-get install -y -qq "${zt_missing[@]}" >/dev/null
    fi
    echo "ztunnel: $(scripts/ztunnel.sh build)"
    break
  fi
done
