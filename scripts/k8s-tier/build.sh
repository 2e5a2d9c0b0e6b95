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

  # Kubernetes: a module that requires k8s.io/kubernetes and pins its staging modules (the
  # local-path replaces of its go.mod) to the matching v0.x tags.
  local d=$WORK/src/kube kdir stag minor bdate cmds c kv ld="-s -w"
  kdir=$(cd "$d" && "$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $kdir ]] || { echo "k8s.io/kubernetes@$K8S_VERSION is not downloadable" >&2; exit 1; }
  stag="v0.${K8S_VERSION#v1.}"
  minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  mapfile -t mods < <(sed -n '/^replace (/,/^)/p' "$kdir/go.mod" | awk '$2=="=>" && $3 ~ /^\.\/staging\// {print $1}')
  cmds="kube-apiserver kube-controller-manager kube-scheduler"
  [[ $BUILD_KUBECTL == 1 ]] && cmds+=" kubectl"
  {
    printf 'module local/meshbench/kube\n\ngo 1.25.0\n\ngodebug default=go1.25\n\ntool (\n'
    for c in $cmds; do printf '\tk8s.io/kubernetes/cmd/%s\n' "$c"; done
    printf ')\n\nrequire k8s.io/kubernetes %s\n\nrequire (\n' "$K8S_VERSION"
    for m in "${mods[@]}"; do printf '\t%s %s\n' "$m" "$stag"; done
    printf ')\n\nreplace (\n'
    for m in "${mods[@]}"; do printf '\t%s => %s %s\n' "$m" "$m" "$stag"; done
    printf ')\n'
  } > "$d/go.mod"
  (cd "$d" && "${NICE[@]}" "$GO" mod tidy)
  # Version stamping as hack/lib/version.sh does it, with the tag's time as build date, so that
  # /version says the real version and a rebuild is a no-op.
  bdate=$(cd "$d" && "$GO" list -m -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"Time": "\(.*\)",$/\1/p')
  for kv in "gitVersion=$K8S_VERSION" gitMajor=1 "gitMinor=$minor" gitTreeState=clean "buildDate=${bdate:-1970-01-01T00:00:00Z}"; do
    ld+=" -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
  done
  for c in $cmds; do
    log "$c $K8S_VERSION"
    (cd "$d" && "${NICE[@]}" "$GO" build -tags selinux,notest,grpcnotrace -ldflags "$ld" -o "$BIN/$c" "k8s.io/kubernetes/cmd/$c")
  done

  log "kwok $KWOK_VERSION"
  env GOBIN="$BIN" "${NICE[@]}" "$GO" install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  kdir=$(cd "$WORK" && "$GO" mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  rm -rf "$SHARE/kwok"; mkdir -p "$SHARE/kwok"
  (cd "$kdir/kustomize" && cp -r --parents stage/node stage/pod metrics "$SHARE/kwok/")
  chmod -R u+w "$SHARE/kwok"
  built || { echo "build finished but the binaries do not report the pinned versions" >&2; exit 1; }
  log "built"
}
