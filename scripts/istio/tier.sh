#!/usr/bin/env bash
# Istio on the real-node test tier (scripts/k8s-tier.sh start --nodes real), installed as a user's
# cluster has it: istiod as a pod with its sidecar injector (MutatingWebhookConfiguration, revision
# label istio.io/rev=default), the istio-cni node agent and ztunnel as DaemonSet pods, all from
# Istio's own charts (scripts/istio/operator.yaml, rendered by istioctl, adapted by render.ts).
#
#   scripts/istio/tier.sh up       builds what is missing (cached), imports the images into each
#                                  node, applies the install and waits for it; prints the times
#   scripts/istio/tier.sh down     removes it; the istio-cni agents take their CNI config entry,
#                                  iptables chains and ipsets with them, and what a killed agent
#                                  left is removed here (scripts/k8s-tier.sh stop calls this)
#   scripts/istio/tier.sh status   istiod's and the DaemonSets' pods
#
# Trials leave Istio installed; only `down` (or stopping the tier) removes it.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TIER=$REPO/scripts/k8s-tier.sh
KCFG=$("$TIER" kubeconfig --nodes real)
RUN=$(dirname "$KCFG")
BIN=$("$TIER" bin --nodes real)
export KUBECONFIG=$KCFG
kc() { "$BIN/kubectl" "$@"; }
log() { printf '[istio %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
NODE_BIN=$REPO/node_modules/.bin/node
[[ -x $NODE_BIN ]] || NODE_BIN=node
OUT=$RUN/istio

node_args() { # --node NAME=DIR for every node folder of the tier
  local d
  for d in "$RUN"/node-*/; do
    d=${d%/}
    echo "--node"; echo "tier-node-${d##*/node-}=$d"
  done
}

up() {
  "$TIER" status --nodes real > /dev/null || { echo "the real-node tier is not running: scripts/k8s-tier.sh start --nodes real" >&2; exit 1; }
  local t0=$SECONDS t ISTIO
  t=$SECONDS; ISTIO=$("$REPO/scripts/istio.sh" build); log "Istio binaries: $((SECONDS - t)) s"
  t=$SECONDS; "$REPO/scripts/istio/images.sh" build > /dev/null
  local socks=() d; for d in "$RUN"/node-*/; do socks+=("${d}containerd/containerd.sock"); done
  "$REPO/scripts/istio/images.sh" import "${socks[@]}"; log "images built and imported into ${#socks[@]} nodes: $((SECONDS - t)) s"
  mkdir -p "$OUT"
  local -a imgs=() nodes=(); local r
  while read -r r; do imgs+=(--image "$r"); done < <("$REPO/scripts/istio/images.sh" refs)
  mapfile -t nodes < <(node_args)
  "$NODE_BIN" "$REPO/scripts/istio/render.ts" --istioctl "$ISTIO/istioctl" --operator "$REPO/scripts/istio/operator.yaml" "${imgs[@]}" "${nodes[@]}" > "$OUT/install.yaml.tmp"
  mv "$OUT/install.yaml.tmp" "$OUT/install.yaml"
  t=$SECONDS
  kc create namespace istio-system --dry-run=client -o yaml | kc apply -f - > /dev/null
  # CRDs first: the rest may name their kinds.
  kc apply --server-side --force-conflicts -f "$OUT/install.yaml" > "$OUT/apply.log" 2>&1 || {
    sleep 2; kc apply --server-side --force-conflicts -f "$OUT/install.yaml" > "$OUT/apply.log" 2>&1 || { cat "$OUT/apply.log" >&2; exit 1; }
  }
  kc -n istio-system rollout status deploy/istiod --timeout=180s >&2
  local ds; for ds in $(kc -n istio-system get ds -o name); do kc -n istio-system rollout status "$ds" --timeout=180s >&2; done
  log "installed and ready: $((SECONDS - t)) s (all of up: $((SECONDS - t0)) s)"
}

down() {
  local d
  if "$TIER" status --nodes real > /dev/null 2>&1 && [[ -f $OUT/install.yaml ]]; then
    # The agents clean up on a graceful stop: their conflist entry, ISTIO_* chains, their ipset.
    kc delete -f "$OUT/install.yaml" --ignore-not-found --wait=true --timeout=90s > /dev/null 2>&1 || log "some Istio objects did not go in 90 s"
    kc delete mutatingwebhookconfiguration,validatingwebhookconfiguration -l app=sidecar-injector --ignore-not-found > /dev/null 2>&1 || true
  fi
  # What a killed agent leaves: its plugin and its entry in each node's conflist, its sockets.
  for d in "$RUN"/node-*/; do
    rm -f "${d}cni/bin/istio-cni" "${d}cni/net.d/ZZZ-istio-cni-kubeconfig" "${d}cni/net.d/istio-cni.log"
    rm -rf "${d}istio-cni" "${d}ztunnel"
    local f; for f in "${d}"cni/net.d/*.conflist; do
      [[ -f $f ]] || continue
      python3 - "$f" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
kept = [x for x in c.get("plugins", []) if x.get("type") != "istio-cni"]
if len(kept) != len(c.get("plugins", [])):
    c["plugins"] = kept; json.dump(c, open(p, "w"), indent=2)
PY
    done
  done
  # iptables: the ISTIO_* chains of the host netns (scripts/k8s-tier.sh stop removes them too).
  local ipt t c rule
  for ipt in iptables ip6tables; do
    for t in filter nat mangle raw; do
      { "$ipt-save" -t "$t" 2> /dev/null | grep -E '^-A [A-Z]+ .*-j ISTIO_' || true; } | while read -r rule; do eval "$ipt -t $t -D ${rule#-A }" 2> /dev/null || true; done
      for c in $("$ipt-save" -t "$t" 2> /dev/null | sed -n -E 's/^:(ISTIO_[^ ]*) .*/\1/p'); do "$ipt" -t "$t" -F "$c" 2> /dev/null || true; done
      for c in $("$ipt-save" -t "$t" 2> /dev/null | sed -n -E 's/^:(ISTIO_[^ ]*) .*/\1/p'); do "$ipt" -t "$t" -X "$c" 2> /dev/null || true; done
    done
  done
  if command -v ipset > /dev/null; then
    for c in $(ipset list -n 2> /dev/null | grep -E '^istio-' || true); do ipset destroy "$c" 2> /dev/null || log "ipset $c is still in use"; done
  else
    log "ipset is not installed, so leftover istio-* ipsets cannot be checked: apt-get install -y ipset"
  fi
  rm -f "$OUT/install.yaml"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) kc -n istio-system get pods -o wide ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
