#!/usr/bin/env bash
# Istio's Go parts for the Kubernetes test tier, built from the Go module proxy at ONE pinned
# pseudo-version of istio.io/istio (the one ../shared/istiod and ../shared/kubelet use):
#   pilot-discovery (istiod), pilot-agent (the sidecar's agent; it drives the upstream Envoy of
#   scripts/envoy.sh), install-cni (the istio-cni node agent), istio-cni (the CNI plugin it
#   installs on each node) and istioctl (used as an independent oracle: `istioctl analyze`).
#
#   scripts/istio.sh build      builds what is missing into the cache, then prints the folder;
#                               a second call answers in a second
#   scripts/istio.sh is-built   exit 0 when every binary is there with the pinned version stamp
#   scripts/istio.sh path       prints the folder; exit 1 when it is not built
#   scripts/istio.sh version    prints the version stamp the binaries carry
#   scripts/istio.sh pseudo-version   prints the istio.io/istio module version built
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/istio-<stamp>/. Why a pseudo-version: the proxy
# serves istio.io/istio only as pseudo-versions of master (no release tags are importable modules);
# the one pinned is master of 2026-08-27, VERSION 1.31, one minor above ztunnel 1.30.3, which
# Istio's version skew policy allows. istio.io/istio has no replace directives, so `go install
# module@version` works. CGO_ENABLED=0: static binaries that run in the tier's minimal images.
# Cold: about 10 min on an idle 2-core machine (pilot-discovery is most of it); one compile job at
# the lowest priority (JOBS=1) so that it does not disturb other work.
set -euo pipefail
PSEUDO="${ISTIO_PSEUDO_VERSION:-v0.0.0-20260827124520-eed52ebb66ad}"
STAMP="1.31-dev+${PSEUDO##*-}"
DEST="${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/istio-$STAMP"
# binary name -> package path inside istio.io/istio
declare -A PKG=(
  [pilot-discovery]=pilot/cmd/pilot-discovery
  [pilot-agent]=pilot/cmd/pilot-agent
  [install-cni]=cni/cmd/install-cni
  [istio-cni]=cni/cmd/istio-cni
  [istioctl]=istioctl/cmd/istioctl
)
ORDER=(pilot-agent istio-cni install-cni pilot-discovery istioctl)

go_bin() {
  local go=${GO:-$(command -v go || true)}
  [[ -z $go && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
  [[ -n $go ]] || { echo "istio build needs Go >= 1.25: run ./scripts/setup.sh --test, or install Go" >&2; exit 1; }
  echo "$go"
}

# A binary counts as built when it runs and reports the pinned stamp (install-cni and istio-cni
# have no version command; their stamp file is written only after a successful build).
one_built() {
  local b=$1 v
  [[ -x $DEST/$b ]] || return 1
  case $b in
    pilot-discovery|pilot-agent|istioctl)
      v=$("$DEST/$b" version --short --remote=false 2>/dev/null || "$DEST/$b" version --short 2>/dev/null) || return 1
      [[ $v == *"$STAMP"* ]] ;;
    *) [[ $(cat "$DEST/.$b.stamp" 2>/dev/null) == "$STAMP" ]] ;;
  esac
}

is_built() { local b; for b in "${ORDER[@]}"; do one_built "$b" || return 1; done; }

build() {
  if [[ -z ${FORCE:-} ]] && is_built; then echo "$DEST"; return 0; fi
  local GO; GO=$(go_bin)
  mkdir -p "$DEST"
  export GOBIN="$DEST" CGO_ENABLED=0 GOTOOLCHAIN=local
  export GOFLAGS="-p=${JOBS:-1} -buildvcs=false -trimpath"
  local LD="-s -w -X istio.io/istio/pkg/version.buildVersion=$STAMP -X istio.io/istio/pkg/version.buildStatus=Clean"
  local b t0 all=$SECONDS
  for b in "${ORDER[@]}"; do
    if [[ -z ${FORCE:-} ]] && one_built "$b"; then continue; fi
    t0=$SECONDS
    nice -n 19 "$GO" install -ldflags "$LD" "istio.io/istio/${PKG[$b]}@$PSEUDO"
    echo "$STAMP" > "$DEST/.$b.stamp"
    echo "[istio] $b: $((SECONDS - t0)) s" >&2
  done
  is_built || { echo "istio: the built binaries do not report $STAMP in $DEST" >&2; exit 1; }
  echo "[istio] built in $((SECONDS - all)) s" >&2
  echo "$DEST"
}

case "${1:-}" in
  build) build ;;
  is-built) is_built ;;
  path)
    if is_built; then echo "$DEST"; else echo "istio $STAMP is not built at $DEST: run scripts/istio.sh build" >&2; exit 1; fi ;;
  version) echo "$STAMP" ;;
  pseudo-version) echo "$PSEUDO" ;;
  *) echo "usage: $0 build|is-built|path|version|pseudo-version" >&2; exit 2 ;;
esac
