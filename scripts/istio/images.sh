#!/usr/bin/env bash
# Istio's images for the real-node tier, made without any registry: one-layer docker-archive
# tarballs written by scripts/k8s-tier/mkimage.py, imported into each node's containerd.
#
#   scripts/istio/images.sh build              writes the tarballs (once per input), prints the folder
#   scripts/istio/images.sh import SOCKET...   imports them into the containerd at each SOCKET
#   scripts/istio/images.sh refs               prints the image references, one `role=ref` a line
#
# The images (hub localhost/meshbench/istio, the names Istio's charts expect):
#   proxyv2:TAG     pilot-agent (scripts/istio.sh) + UPSTREAM Envoy 1.40.0 from PyPI's wheel
#                   (scripts/envoy.sh), not Istio's own istio/proxy build: istiod must not send
#                   Istio-only filters to it (see scripts/istio/operator.yaml); Envoy's bootstrap
#                   template from the same istio.io/istio module; Debian's iptables for istio-init
#   pilot:TAG       pilot-discovery (istiod)
#   install-cni:TAG install-cni + the istio-cni plugin + Debian's iptables (nft and legacy), its
#                   libraries and xtables modules (they need libm), /host/proc -> /proc (this
#                   machine refuses /proc/1/ns/* even to root: the agent uses its own PID 1, which
#                   is in the host netns since the pod is hostNetwork)
#   ztunnel:1.30.3  the project's own ztunnel build (scripts/ztunnel.sh) + its glibc libraries
# What should be shared with scripts/k8s-tier/nodes.sh once both are merged: the ldd walk (libs())
# and the tar + .ref import loop; both are small and written the same way there.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ISTIO=$("$REPO/scripts/istio.sh" path)
STAMP=$("$REPO/scripts/istio.sh" version)
TAG=${STAMP//+/-} # an image tag has no '+'
HUB=localhost/meshbench/istio
OUT=$ISTIO/images
MKIMAGE=$REPO/scripts/k8s-tier/mkimage.py
ZTUNNEL_VERSION=1.30.3

refs() {
  echo "proxy=$HUB/proxyv2:$TAG"
  echo "pilot=$HUB/pilot:$TAG"
  echo "install-cni=$HUB/install-cni:$TAG"
  echo "ztunnel=$HUB/ztunnel:$ZTUNNEL_VERSION"
}
ref_of() { refs | sed -n "s/^$1=//p"; }

libs() { # the shared libraries of the given binaries, as --file arguments at their own paths
  # (ldd heads each file's list with "FILE:" when given several: only the indented lines are libraries.)
  ldd "$@" 2> /dev/null | grep $'^\t' | grep -o '/[^ ]*' | sort -u | while read -r l; do echo "--file=$(readlink -f "$l"):$l:0755"; done
}

iptables_files() { # Debian's iptables multi-binaries, their links, modules and libraries
  local m n
  echo --file=/usr/sbin/xtables-nft-multi:/usr/sbin/xtables-nft-multi:0755
  echo --file=/usr/sbin/xtables-legacy-multi:/usr/sbin/xtables-legacy-multi:0755
  for m in /usr/lib/x86_64-linux-gnu/xtables/*.so; do echo "--file=$m:$m:0644"; done
  for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore \
    iptables-nft iptables-nft-save iptables-nft-restore ip6tables-nft ip6tables-nft-save ip6tables-nft-restore; do
    echo "--link=xtables-nft-multi:/usr/sbin/$n"
  done
  for n in iptables-legacy iptables-legacy-save iptables-legacy-restore ip6tables-legacy ip6tables-legacy-save ip6tables-legacy-restore; do
    echo "--link=xtables-legacy-multi:/usr/sbin/$n"
  done
  libs /usr/sbin/xtables-nft-multi /usr/sbin/xtables-legacy-multi /usr/lib/x86_64-linux-gnu/xtables/*.so
  echo --file=/etc/protocols:/etc/protocols:0644
  echo --file=/etc/services:/etc/services:0644
}

# One image, rebuilt only when its inputs change (the tarball is named by their hash).
image() { # role, then mkimage arguments
  local role=$1 ref sum; shift
  ref=$(ref_of "$role")
  # The files' contents count, not only their names.
  sum=$( { printf '%s\n' "$ref" "$@"; sha256sum "$MKIMAGE"; for a in "$@"; do if [[ $a == --file=* ]]; then a=${a#--file=}; sha256sum "${a%%:*}"; fi; done; } | sha256sum | cut -c1-12)
  if [[ ! -f $OUT/$role-$sum.tar ]]; then
    rm -f "$OUT/$role"-*.tar "$OUT/$role"-*.tar.ref
    python3 "$MKIMAGE" "$OUT/$role-$sum.tar.tmp" "$ref" "$@" >&2
    mv "$OUT/$role-$sum.tar.tmp" "$OUT/$role-$sum.tar"
    echo "$ref" > "$OUT/$role-$sum.tar.ref"
  fi
}

build() {
  local envoy ztunnel go mod
  envoy=$("$REPO/scripts/envoy.sh" path 2> /dev/null) || { echo "Envoy 1.40.0 is not installed: run scripts/envoy.sh install" >&2; exit 1; }
  ztunnel=$("$REPO/scripts/ztunnel.sh" path) || exit 1
  command -v xtables-nft-multi > /dev/null || [[ -x /usr/sbin/xtables-nft-multi ]] || { echo "the images need Debian's iptables: apt-get install -y iptables" >&2; exit 1; }
  go=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
  mod=$("$go" env GOMODCACHE)/istio.io/istio@$("$REPO/scripts/istio.sh" pseudo-version)
  [[ -f $mod/tools/packaging/common/envoy_bootstrap.json ]] || { echo "Envoy's bootstrap template is not in $mod: run scripts/istio.sh build" >&2; exit 1; }
  mkdir -p "$OUT"
  local -a ipt; mapfile -t ipt < <(iptables_files)
  local -a el; mapfile -t el < <(libs "$envoy")
  image proxy --file="$ISTIO/pilot-agent:/usr/local/bin/pilot-agent:0755" --file="$envoy:/usr/local/bin/envoy:0755" \
    --file="$mod/tools/packaging/common/envoy_bootstrap.json:/var/lib/istio/envoy/envoy_bootstrap_tmpl.json:0644" \
    "${el[@]}" "${ipt[@]}" --entrypoint '["/usr/local/bin/pilot-agent"]' \
    --env PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  image pilot --file="$ISTIO/pilot-discovery:/usr/local/bin/pilot-discovery:0755" \
    --entrypoint '["/usr/local/bin/pilot-discovery"]' --user 1337:1337
  image install-cni --file="$ISTIO/install-cni:/usr/local/bin/install-cni:0755" --file="$ISTIO/istio-cni:/opt/cni/bin/istio-cni:0755" \
    "${ipt[@]}" --link=/proc:/host/proc --entrypoint '["/usr/local/bin/install-cni"]' \
    --env PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  local -a zl; mapfile -t zl < <(libs "$ztunnel")
  image ztunnel --file="$ztunnel:/usr/local/bin/ztunnel:0755" "${zl[@]}" \
    --entrypoint '["/usr/local/bin/ztunnel"]' --cmd '["proxy","ztunnel"]' --env PATH=/usr/local/bin:/usr/bin:/bin
  echo "$OUT"
}

import() {
  (($#)) || { echo "import needs the containerd socket of each node" >&2; exit 2; }
  local sock t ref have
  for sock in "$@"; do
    have=$(ctr -a "$sock" -n k8s.io images ls -q 2> /dev/null) || { echo "no containerd answers at $sock" >&2; exit 1; }
    for t in "$OUT"/*.tar; do
      ref=$(cat "$t.ref")
      grep -qx "$ref" <<< "$have" || ctr -a "$sock" -n k8s.io images import --all-platforms "$t" > /dev/null
    done
  done
}

case ${1:-} in
  build) build ;;
  import) shift; import "$@" ;;
  refs) refs ;;
  *) echo "usage: $0 build | import SOCKET... | refs" >&2; exit 2 ;;
esac
