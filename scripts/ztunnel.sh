#!/usr/bin/env bash
# ztunnel 1.30.3 (Istio's ambient data plane) for the local platform's istio-ambient mesh.
#
#   scripts/ztunnel.sh build   builds it once into the cache, then answers in a second: prints the path
#   scripts/ztunnel.sh path    prints the path of the cached binary; exit 1 when it is not built
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/ztunnel-1.30.3/ (binary `ztunnel`, cargo's target/
# folder beside the source, so a forced rebuild (FORCE=1) recompiles only what changed).
# Source: the tarball in ../shared/ztunnel/ beside the repository when present (this project's lab
# machines), else a shallow clone of tag 1.30.3 from https://github.com/istio/ztunnel. Either way
# scripts/ztunnel/Cargo.toml.patch drops the FIPS-only provider, a git dependency crates.io cannot
# serve. Built release, with the `testing` feature that FAKE_CA needs (setup code only; the proxy
# path is the production one). Needs cargo (Rust >= 1.90), protoc, cmake and a C compiler; about
# 6 min on 2 cores (JOBS=2), 10 min with JOBS=1.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ZVERSION=1.30.3
DEST="${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/ztunnel-$ZVERSION"
SHARED="${MESHBENCH_ZTUNNEL_SOURCE:-$REPO/../shared/ztunnel}"
PATCH="$REPO/scripts/ztunnel/Cargo.toml.patch"
JOBS="${JOBS:-$(nproc)}"

built() { [[ -x $DEST/ztunnel ]] && "$DEST/ztunnel" version 2>/dev/null | grep -q "Version:\"$ZVERSION\""; }

need() { # command, how to get it
  command -v "$1" >/dev/null 2>&1 || { echo "ztunnel build needs $1: $2" >&2; exit 1; }
}

fetch_source() {
  local src=$DEST/src
  [[ -f $src/Cargo.toml ]] && return 0
  rm -rf "$src.tmp" && mkdir -p "$src.tmp"
  if [[ -f $SHARED/ztunnel-$ZVERSION-src.tar.gz ]]; then
    echo "ztunnel: source from $SHARED/ztunnel-$ZVERSION-src.tar.gz" >&2
    tar -xzf "$SHARED/ztunnel-$ZVERSION-src.tar.gz" -C "$src.tmp" --strip-components=1
  else
    need git 'apt-get install -y git'
    echo "ztunnel: cloning tag $ZVERSION from https://github.com/istio/ztunnel" >&2
    git clone --quiet --depth 1 --branch "$ZVERSION" https://github.com/istio/ztunnel "$src.tmp"
  fi
  patch -d "$src.tmp" -p1 --forward < "$PATCH" >/dev/null
  mv "$src.tmp" "$src"
}

build() {
  if [[ -z ${FORCE:-} ]] && built; then echo "$DEST/ztunnel"; return 0; fi
  need cargo 'install Rust >= 1.90 from https://rustup.rs'
  local rust; rust=$(cargo --version | awk '{print $2}')
  if [[ $(printf '%s\n1.90.0\n' "$rust" | sort -V | head -n1) != 1.90.0 ]]; then
    echo "ztunnel build needs Rust >= 1.90, found cargo $rust: run \`rustup update\`" >&2; exit 1
  fi
  if ! command -v protoc >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null
  fi
  need protoc 'apt-get install -y protobuf-compiler'
  need cmake 'apt-get install -y cmake'
  need cc 'apt-get install -y build-essential'
  mkdir -p "$DEST"
  fetch_source
  local started=$SECONDS
  (
    cd "$DEST/src"
    cargo fetch --quiet # prunes the packages the patch dropped from Cargo.lock
    # VERSION is read by the source's build script, so `ztunnel version` says 1.30.3, not "unknown".
    VERSION="$ZVERSION" IGNORE_DIRTY_TREE=1 CARGO_TARGET_DIR="$DEST/target" CARGO_BUILD_JOBS="$JOBS" \
      cargo build --release --features testing --bin ztunnel
  )
  cp "$DEST/target/release/ztunnel" "$DEST/ztunnel.tmp" && mv "$DEST/ztunnel.tmp" "$DEST/ztunnel"
  built || { echo "the built binary does not report version $ZVERSION" >&2; exit 1; }
  echo "ztunnel: built in $((SECONDS - started)) s" >&2
  echo "$DEST/ztunnel"
}

case "${1:-}" in
  build) build ;;
  path)
    if built; then echo "$DEST/ztunnel"; else echo "ztunnel $ZVERSION is not built at $DEST: run scripts/ztunnel.sh build" >&2; exit 1; fi ;;
  *) echo "usage: $0 build|path" >&2; exit 2 ;;
esac
