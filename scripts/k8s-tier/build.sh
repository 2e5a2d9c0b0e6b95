# Sourced by scripts/k8s-tier.sh: building the tier's binaries (etcd, the Kubernetes control
# plane, kubectl, kwok) from the Go module proxy into $BIN, and telling whether they are built.
# Uses the versions, folders and log() that k8s-tier.sh sets.

go_bin() {
  local go
  go=${GO:-$(command -v go || true)}
  [[ -z $go && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
  [[ -z $go && -x $WORK/../$GO_VERSION/bin/go ]] && go=$WORK/../$GO_VERSION/bin/go
  [[ -n $go ]] || { echo "Go is missing: run ./scripts/setup.sh --test, or install Go >= 1.21" >&2; exit 1; }
  echo "$go"
}

control_plane_built() {
  [[ -x $BIN/etcd && -x $BIN/kube-apiserver && -x $BIN/kube-controller-manager && -x $BIN/kube-scheduler ]] || return 1
  local v
  v=$("$BIN/kube-apiserver" --version 2>/dev/null) && [[ $v == "Kubernetes $K8S_VERSION" ]]
}

# Binaries present and stamped with the pinned versions: nothing to build.
built() {
  [[ -x $BIN/etcd && -x $BIN/kube-apiserver && -x $BIN/kube-controller-manager && -x $BIN/kube-scheduler && -x $BIN/kwok ]] || return 1
  [[ -f $SHARE/kwok/stage/pod/fast/pod-ready.yaml ]] || return 1
  [[ $BUILD_KUBECTL == 1 && ! -x $BIN/kubectl ]] && return 1
  # Captured first: `grep -q` closing the pipe early would fail the writer under pipefail.
  local v
  v=$("$BIN/kube-apiserver" --version 2>/dev/null) && [[ $v == "Kubernetes $K8S_VERSION" ]] || return 1
  v=$("$BIN/etcd" --version 2>/dev/null) && [[ $v == *"etcd Version: ${ETCD_VERSION#v}"$'\n'* ]] || return 1
  v=$("$BIN/kwok" --version 2>/dev/null) && [[ $v == *"$KWOK_VERSION"* ]] || return 1
}

build() {
  if built; then log "already built in $WORK ($K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION)"; return; fi
  local GO; GO=$(go_bin)
  # etcd 3.6.16 and kwok 0.8.0 need Go 1.26: an older Go (>= 1.21) fetches that exact toolchain
  # itself through the module proxy; a newer one builds as it is.
  local have; have=$(GOTOOLCHAIN=local "$GO" env GOVERSION 2>/dev/null | sed 's/^go//')
  if [[ $(printf '%s\n' 1.26 "$have" | sort -V | head -n1) != 1.26 ]]; then export GOTOOLCHAIN=$GO_VERSION; else export GOTOOLCHAIN=local; fi
  # One compile job at a time, at the lowest priority: the build must not disturb other work.
  export GOFLAGS="-p=${JOBS:-1} -buildvcs=false -trimpath" CGO_ENABLED=0
  local NICE=(nice -n 19)
  mkdir -p "$BIN" "$WORK/src/etcd" "$WORK/src/kube" "$WORK/logs"
  log "building into $WORK with $("$GO" version)"

  # etcd: `go install` refuses modules with replace directives, so a tiny module calls its main.
  cat > "$WORK/src/etcd/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  {
    printf 'module local/meshbench/etcd\n\ngo 1.26.0\n\nrequire (\n'
    for m in api/v3 client/pkg/v3 client/v3 pkg/v3 server/v3; do printf '\tgo.etcd.io/etcd/%s %s\n' "$m" "$ETCD_VERSION"; done
    printf ')\n'
  } > "$WORK/src/etcd/go.mod"
  log "etcd $ETCD_VERSION"
  (cd "$WORK/src/etcd" && "${NICE[@]}" "$GO" mod tidy && "${NICE[@]}" "$GO" build -ldflags "-s -w" -o "$BIN/etcd" .)

  local cmds="kube-apiserver kube-controller-manager kube-scheduler"
  [[ $BUILD_KUBECTL == 1 ]] && cmds+=" kubectl"
  build_kube "$GO" kube $cmds

  log "kwok $KWOK_VERSION"
  env GOBIN="$BIN" "${NICE[@]}" "$GO" install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  kdir=$(cd "$WORK" && "$GO" mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  rm -rf "$SHARE/kwok"; mkdir -p "$SHARE/kwok"
  (cd "$kdir/kustomize" && cp -r --parents stage/node stage/pod metrics "$SHARE/kwok/")
  chmod -R u+w "$SHARE/kwok"
  built || { echo "build finished but the binaries do not report the pinned versions" >&2; exit 1; }
  log "built"
}

# Kubernetes commands from a local module that requires k8s.io/kubernetes and pins its staging
# modules (the local-path replaces of its go.mod) to the matching v0.x tags. Each set of commands
# has its own module folder, so that the node's build can run while the tier's is under way.
build_kube() { # go folder cmd...
  local GO=$1 d=$WORK/src/$2 kdir stag minor bdate c kv ld="-s -w" mods; shift 2
  mkdir -p "$d"
  kdir=$(cd "$d" && "$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $kdir ]] || { echo "k8s.io/kubernetes@$K8S_VERSION is not downloadable" >&2; exit 1; }
  stag="v0.${K8S_VERSION#v1.}"
  minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  mapfile -t mods < <(sed -n '/^replace (/,/^)/p' "$kdir/go.mod" | awk '$2=="=>" && $3 ~ /^\.\/staging\// {print $1}')
  {
    printf 'module local/meshbench/kube\n\ngo 1.25.0\n\ngodebug default=go1.25\n\ntool (\n'
    for c in "$@"; do printf '\tk8s.io/kubernetes/cmd/%s\n' "$c"; done
    printf ')\n\nrequire k8s.io/kubernetes %s\n\nrequire (\n' "$K8S_VERSION"
    for c in "${mods[@]}"; do printf '\t%s %s\n' "$c" "$stag"; done
    printf ')\n\nreplace (\n'
    for c in "${mods[@]}"; do printf '\t%s => %s %s\n' "$c" "$c" "$stag"; done
    printf ')\n'
  } > "$d/go.mod"
  (cd "$d" && nice -n 19 "$GO" mod tidy)
  # Version stamping as hack/lib/version.sh does it, with the tag's time as build date, so that
  # /version says the real version and a rebuild is a no-op.
  bdate=$(cd "$d" && "$GO" list -m -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"Time": "\(.*\)",$/\1/p')
  for kv in "gitVersion=$K8S_VERSION" gitMajor=1 "gitMinor=$minor" gitTreeState=clean "buildDate=${bdate:-1970-01-01T00:00:00Z}"; do
    ld+=" -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
  done
  for c in "$@"; do
    log "$c $K8S_VERSION"
    # Built into a temporary name and renamed: a half-written binary never looks built.
    (cd "$d" && nice -n 19 "$GO" build -tags selinux,notest,grpcnotrace -ldflags "$ld" -o "$BIN/.$c.new" "k8s.io/kubernetes/cmd/$c")
    mv -f "$BIN/.$c.new" "$BIN/$c"
  done
}

# The real node's binaries (kubelet, kube-proxy), built like the control plane, with CGO_ENABLED=0
# too: upstream builds kubelet with cgo, but everything the tier asks of it works without (pods,
# probes, logs, exec, stats, cAdvisor; ../shared/kubelet/NOTES.md).
node_built() {
  [[ -x $BIN/kubelet && -x $BIN/kube-proxy ]] || return 1
  local v
  v=$("$BIN/kubelet" --version 2>/dev/null) && [[ $v == "Kubernetes $K8S_VERSION" ]] || return 1
  v=$("$BIN/kube-proxy" --version 2>/dev/null) && [[ $v == "Kubernetes $K8S_VERSION" ]] || return 1
}

# The real nodes' other parts from the Go module proxy: CoreDNS (the cluster's DNS, a host process
# with only the plugins a tier needs, so it builds in a fraction of the full set's time) and
# Fortio (the default workload's server, made into a local image: there is no registry here).
extras_built() {
  [[ -x $BIN/coredns && -x $BIN/fortio ]] || return 1
  local v
  v=$("$BIN/coredns" -version 2>/dev/null) && [[ $v == *"CoreDNS-${COREDNS_VERSION#v}"* ]] || return 1
  v=$("$BIN/coredns" -plugins 2>/dev/null) && [[ $v == *bind* ]] || return 1
  v=$("$BIN/fortio" version 2>/dev/null) && [[ $v == "${FORTIO_VERSION#v}"* ]] || return 1
}

build_extras() {
  local GO=$1 d=$WORK/src/coredns
  mkdir -p "$d" "$WORK/src/fortio"
  cat > "$d/main.go" <<'GO'
// CoreDNS with the plugins the test tier's cluster DNS uses, in the order of CoreDNS's plugin.cfg.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/whoami"
)

func init() {
	dnsserver.Directives = []string{"bind", "ready", "errors", "log", "loadbalance", "kubernetes", "whoami"}
}

func main() { coremain.Run() }
GO
  printf 'module local/meshbench/coredns\n\ngo 1.25.0\n\nrequire github.com/coredns/coredns %s\n' "$COREDNS_VERSION" > "$d/go.mod"
  log "coredns $COREDNS_VERSION"
  (cd "$d" && nice -n 19 "$GO" mod tidy && nice -n 19 "$GO" build -ldflags "-s -w" -o "$BIN/.coredns.new" . && mv -f "$BIN/.coredns.new" "$BIN/coredns")
  printf 'module local/meshbench/fortio\n\ngo 1.25.0\n\nrequire fortio.org/fortio %s\n' "$FORTIO_VERSION" > "$WORK/src/fortio/go.mod"
  printf 'package main\n\nimport _ "fortio.org/fortio"\n' > "$WORK/src/fortio/tools.go"
  log "fortio $FORTIO_VERSION"
  (cd "$WORK/src/fortio" && nice -n 19 "$GO" mod tidy && nice -n 19 "$GO" build -ldflags "-s -w" -o "$BIN/.fortio.new" fortio.org/fortio && mv -f "$BIN/.fortio.new" "$BIN/fortio")
}

build_node() {
  if node_built && extras_built; then log "kubelet, kube-proxy, coredns and fortio already built in $WORK ($K8S_VERSION)"; return; fi
  local GO; GO=$(go_bin)
  local have; have=$(GOTOOLCHAIN=local "$GO" env GOVERSION 2>/dev/null | sed 's/^go//')
  if [[ $(printf '%s\n' 1.26 "$have" | sort -V | head -n1) != 1.26 ]]; then export GOTOOLCHAIN=$GO_VERSION; else export GOTOOLCHAIN=local; fi
  export GOFLAGS="-p=${JOBS:-1} -buildvcs=false -trimpath" CGO_ENABLED=0
  mkdir -p "$BIN" "$WORK/logs"
  log "building kubelet and kube-proxy into $WORK with $("$GO" version)"
  node_built || build_kube "$GO" node kubelet kube-proxy
  extras_built || build_extras "$GO"
  node_built || { echo "build finished but kubelet/kube-proxy do not report $K8S_VERSION" >&2; exit 1; }
  extras_built || { echo "build finished but coredns/fortio do not report $COREDNS_VERSION/$FORTIO_VERSION" >&2; exit 1; }
  log "node built"
}
