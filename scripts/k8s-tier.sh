#!/usr/bin/env bash
# A real Kubernetes control plane on this machine, without containers, for meshbench's tests:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler (and kubectl) built from the Go
# module proxy, plus kwok, whose fake nodes make pods Running and Jobs Complete.
#
#   scripts/k8s-tier.sh build    # once per version: ~11 min cold on 2 cores, ~4 s with warm Go caches
#   scripts/k8s-tier.sh start    # ~5-10 s; prints `export KUBECONFIG=...` on stdout
#   scripts/k8s-tier.sh status | stop | reset | kubeconfig | bin | is-built
#
# Everything lives in ${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/k8s-tier-<version>/, outside the
# clone, so that a fresh clone on the same machine (CI) reuses the binaries. Every process listens
# on 127.0.0.1 only; the fake nodes' address 192.0.2.10 (TEST-NET-1) is never dialled.
#
# Adapted from the spike in shared/k8s-tier (build.sh, tier.sh, egress-proxy.mjs; NOTES.md there
# has the measurements), made self-contained: a user's machine has no shared folder.
# The two snags, and their fixes here:
#   - the apiserver's node proxy refuses loopback node addresses ("address not allowed"): nodes get
#     192.0.2.10 and the apiserver's "cluster" egress goes through a CONNECT proxy on a unix
#     socket, which splices it to kwok on 127.0.0.1 (written out below as egress-proxy.mjs);
#   - the kwok binary ships no stages: the build copies kwok's default stage YAMLs from its module
#     source, and start concatenates kwokctl's default set into kwok's --config.
# Needs: bash, curl, openssl, Node >= 20 (the repository's own Node 24 is used when present), and
# for `build` Go >= 1.21 (GOTOOLCHAIN then brings the Go 1.26 that etcd 3.6.16 and kwok 0.8.0 need).
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.35.4}      # k8s.io/kubernetes tag
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}    # go.etcd.io/etcd/server/v3 tag
KWOK_VERSION=${KWOK_VERSION:-v0.8.0}     # sigs.k8s.io/kwok tag
GO_VERSION=${GO_VERSION:-go1.26.8}       # toolchain GOTOOLCHAIN fetches when the local Go is older
WORK=${MESHBENCH_TIER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/k8s-tier-$K8S_VERSION}
BIN=$WORK/bin
# A second tier beside the first needs its own run folder and ports (e.g. MESHBENCH_TIER_RUN=... API_PORT=...).
RUN=${MESHBENCH_TIER_RUN:-$WORK/run}
SHARE=$WORK/share
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_KUBECTL=${BUILD_KUBECTL:-1}
# Ports apart from the usual ones (and from the spike's), so that another tier on the machine does not collide.
ETCD_PORT=${ETCD_PORT:-12379}
ETCD_PEER_PORT=${ETCD_PEER_PORT:-12380}
API_PORT=${API_PORT:-16443}
KCM_PORT=${KCM_PORT:-20257}
SCHED_PORT=${SCHED_PORT:-20259}
KWOK_PORT=${KWOK_PORT:-20247}
# Two nodes, so that the load generator's anti-affinity (never on the workload's node) can be met.
NODES=${NODES:-"kwok-node-0 kwok-node-1"}
NODE_IP=${NODE_IP:-192.0.2.10}
if [[ -z ${NODE_BIN:-} ]]; then
  if [[ -x $REPO/node_modules/.bin/node ]]; then NODE_BIN=$REPO/node_modules/.bin/node; else NODE_BIN=node; fi
fi
PKI=$RUN/pki
LOGS=$RUN/logs
PIDS=$RUN/pids
KCFG=$RUN/admin.kubeconfig
API=https://127.0.0.1:$API_PORT

log() { printf '[k8s-tier %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---------------------------------------------------------------- build

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

# ---------------------------------------------------------------- start / stop

gen_pki() {
  [[ -f $PKI/done ]] && return 0
  mkdir -p "$PKI"
  (
    cd "$PKI"
    q() { "$@" 2>/dev/null; }
    q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=meshbench-tier-ca"
    sign() { # name subject extensions
      q openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
      printf '%s\n' "$3" > "$1.ext"
      q openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$1.ext" -out "$1.crt"
      rm -f "$1.csr"
    }
    local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
    sign apiserver /CN=kube-apiserver "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1"
    sign admin /O=system:masters/CN=kubernetes-admin "$client"
    sign apiserver-kubelet-client /O=system:masters/CN=kube-apiserver-kubelet-client "$client"
    sign kwok /CN=kwok "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:$NODE_IP"
    q openssl req -x509 -newkey rsa:2048 -nodes -keyout front-proxy-ca.key -out front-proxy-ca.crt -days 3650 -subj /CN=meshbench-tier-front-proxy-ca
    q openssl req -new -newkey rsa:2048 -nodes -keyout front-proxy-client.key -out front-proxy-client.csr -subj /CN=front-proxy-client
    printf '%s\n' "$client" > front-proxy-client.ext
    q openssl x509 -req -in front-proxy-client.csr -CA front-proxy-ca.crt -CAkey front-proxy-ca.key -CAcreateserial -days 3650 -extfile front-proxy-client.ext -out front-proxy-client.crt
    q openssl genrsa -out sa.key 2048
    q openssl rsa -in sa.key -pubout -out sa.pub
    chmod 600 ./*.key
    touch done
  )
}

write_files() {
  local b64; b64() { base64 -w0 < "$1"; }
  umask 077
  cat > "$KCFG" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: meshbench-tier
  cluster: {server: "$API", certificate-authority-data: $(b64 "$PKI/ca.crt")}
users:
- name: meshbench-tier-admin
  user: {client-certificate-data: $(b64 "$PKI/admin.crt"), client-key-data: $(b64 "$PKI/admin.key")}
contexts:
- name: meshbench-tier
  context: {cluster: meshbench-tier, user: meshbench-tier-admin, namespace: default}
current-context: meshbench-tier
EOF
  umask 022
  cat > "$RUN/egress.yaml" <<EOF
apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection: {proxyProtocol: HTTPConnect, transport: {uds: {udsName: $RUN/egress.sock}}}
EOF
  local k=$SHARE/kwok first=${NODES%% *} f
  {
    # kwokctl's default stages: nodes become Ready and heartbeat; pods become Ready, Job pods complete, deleted pods go.
    for f in stage/node/fast/node-initialize.yaml stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
             stage/pod/fast/pod-ready.yaml stage/pod/fast/pod-complete.yaml stage/pod/fast/pod-delete.yaml \
             metrics/usage/usage-from-annotation.yaml metrics/resource/metrics-resource.yaml; do
      echo "---"; cat "$k/$f"
    done
    # The node proxy asks for a plain /metrics/resource (no node name): a Metric without
    # {nodeName} in its path serves the node it is named after, so one such node per kwok.
    echo "---"
    sed -e "s|^  name: metrics-resource|  name: $first|" \
        -e 's|path: "/metrics/nodes/{nodeName}/metrics/resource"|path: "/metrics/resource"|' "$k/metrics/resource/metrics-resource.yaml"
    printf -- '---\napiVersion: kwok.x-k8s.io/v1alpha1\nkind: ClusterLogs\nmetadata: {name: all-pods}\nspec:\n  logs:\n  - {logsFile: %s, follow: false}\n' "$RUN/pod.log"
  } > "$RUN/kwok.yaml"
  # Pod logs in CRI format; a test may overwrite the file to serve a loader's output.
  [[ -f $RUN/pod.log ]] || printf '%s stdout F hello from a kwok pod\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000000000Z)" > "$RUN/pod.log"
  # The egress proxy: CONNECT NODE_IP:PORT on a unix socket, spliced to kwok on loopback; any other target is refused.
  cat > "$RUN/egress-proxy.mjs" <<'JS'
import fs from 'node:fs';
import net from 'node:net';
const [sock, ...maps] = process.argv.slice(2);
const routes = new Map(maps.map((m) => { const [from, to] = m.split('='); const i = to.lastIndexOf(':'); return [from, { host: to.slice(0, i), port: Number(to.slice(i + 1)) }]; }));
for (const { host } of routes.values()) if (!/^(127\.|localhost$)/.test(host)) throw new Error(`refusing non-loopback target ${host}`);
try { fs.unlinkSync(sock); } catch {}
const server = net.createServer((client) => {
  let buf = Buffer.alloc(0);
  const onData = (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) { if (buf.length > 8192) client.destroy(); return; }
    client.off('data', onData);
    const m = /^CONNECT (\S+) HTTP\/1\.[01]\r\n/.exec(buf.subarray(0, end + 2).toString('latin1'));
    const route = m && routes.get(m[1]);
    if (!route) { console.error(`denied: ${m ? m[1] : 'malformed request'}`); client.end('HTTP/1.1 403 Forbidden\r\n\r\n'); return; }
    const upstream = net.connect(route.port, route.host, () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      const rest = buf.subarray(end + 4);
      if (rest.length) upstream.write(rest);
      client.pipe(upstream).pipe(client);
    });
    const close = () => { client.destroy(); upstream.destroy(); };
    upstream.on('error', (e) => { if (!client.writableEnded) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'); console.error(`upstream ${m[1]}: ${e.message}`); close(); });
    client.on('error', close); upstream.on('close', close); client.on('close', close);
  };
  client.on('data', onData);
  client.on('error', () => client.destroy());
});
server.listen(sock, () => fs.chmodSync(sock, 0o600));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); try { fs.unlinkSync(sock); } catch {} process.exit(0); });
JS
}

# A recorded pid counts only while it lives and still runs what was started (pid reuse).
alive() { # pid name
  [[ -r /proc/$1/stat && -r /proc/$1/cmdline ]] || return 1
  [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]] || return 1
  local cmd; { cmd=$(tr '\0' ' ' < "/proc/$1/cmdline"); } 2>/dev/null || return 1
  [[ $cmd == *"$2"* ]]
}
running() { [[ -f $PIDS/$1.pid ]] && alive "$(cat "$PIDS/$1.pid")" "$1"; }

launch() { # name cmd...
  local name=$1 pid i; shift
  if running "$name"; then return; fi
  setsid "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$PIDS/$name.pid"
  for ((i = 0; i < 100; i++)); do alive "$pid" "$name" && break; sleep 0.02; done
}

wait_for() { # name seconds cmd...
  local name=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" > /dev/null 2>&1 && return 0
    running "$name" || { log "$name died; the end of $LOGS/$name.log:"; tail -20 "$LOGS/$name.log" >&2; return 1; }
    sleep 0.2
  done
  log "$name not ready after ${secs}s; the end of $LOGS/$name.log:"; tail -20 "$LOGS/$name.log" >&2; return 1
}

apicurl() { curl -sS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"; }
node_ready() { apicurl "$API/api/v1/nodes/$1" | "$NODE_BIN" -e '
const n = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.exit(n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? 0 : 1);'; }
default_sa() { apicurl -f -o /dev/null "$API/api/v1/namespaces/default/serviceaccounts/default"; }
create_node() { # name
  local code
  code=$(apicurl -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$API/api/v1/nodes" -d @- <<EOF
{"apiVersion":"v1","kind":"Node","metadata":{"name":"$1",
 "annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},
 "labels":{"kubernetes.io/hostname":"$1","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","type":"kwok"}},
 "spec":{},
 "status":{"allocatable":{"cpu":"32","memory":"256Gi","pods":"1000"},"capacity":{"cpu":"32","memory":"256Gi","pods":"1000"}}}
EOF
  )
  [[ $code == 201 || $code == 409 ]] || { log "creating node $1: HTTP $code"; return 1; }
}

start() {
  built || { echo "the tier is not built in $WORK: run scripts/k8s-tier.sh build (or ./scripts/setup.sh --test)" >&2; exit 1; }
  mkdir -p "$RUN" "$LOGS" "$PIDS"
  local t0=$SECONDS n
  gen_pki
  write_files
  launch etcd "$BIN/etcd" --name meshbench --data-dir "$RUN/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "meshbench=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --quota-backend-bytes=2147483648 --log-level=warn
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
  launch egress-proxy "$NODE_BIN" "$RUN/egress-proxy.mjs" "$RUN/egress.sock" "$NODE_IP:$KWOK_PORT=127.0.0.1:$KWOK_PORT"
  wait_for egress-proxy 10 test -S "$RUN/egress.sock"
  launch kube-apiserver "$BIN/kube-apiserver" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --egress-selector-config-file="$RUN/egress.yaml" \
    --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
    --allow-privileged=true --profiling=false
  wait_for kube-apiserver 120 apicurl -f "$API/readyz"
  local kc=(--kubeconfig="$KCFG" --authentication-kubeconfig="$KCFG" --authorization-kubeconfig="$KCFG" --bind-address=127.0.0.1 --leader-elect=false --kube-api-qps=200 --kube-api-burst=400)
  # Without the controller manager no pods, no default ServiceAccount and no namespace deletion; without the scheduler pods stay Pending.
  launch kube-controller-manager "$BIN/kube-controller-manager" "${kc[@]}" --secure-port="$KCM_PORT" \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" --use-service-account-credentials=true \
    --controllers='*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller'
  launch kube-scheduler "$BIN/kube-scheduler" "${kc[@]}" --secure-port="$SCHED_PORT"
  launch kwok "$BIN/kwok" --kubeconfig="$KCFG" --config="$RUN/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip="$NODE_IP" --node-port="$KWOK_PORT" --server-address="127.0.0.1:$KWOK_PORT" \
    --tls-cert-file="$PKI/kwok.crt" --tls-private-key-file="$PKI/kwok.key" --cidr=10.244.0.0/16 --node-lease-duration-seconds=40
  wait_for kwok 30 curl -fsS "http://127.0.0.1:$KWOK_PORT/healthz"
  for n in $NODES; do create_node "$n"; done
  for n in $NODES; do wait_for kwok 30 node_ready "$n"; done
  wait_for kube-controller-manager 60 default_sa
  log "up in $((SECONDS - t0)) s"
  echo "export KUBECONFIG=$KCFG"
}

stop() {
  local n pid i left procs=()
  for n in kwok kube-scheduler kube-controller-manager kube-apiserver egress-proxy etcd; do
    [[ -f $PIDS/$n.pid ]] || continue
    pid=$(cat "$PIDS/$n.pid")
    if alive "$pid" "$n"; then kill -TERM "$pid" 2> /dev/null && procs+=("$n:$pid"); fi
    rm -f "$PIDS/$n.pid"
  done
  for ((i = 0; i < 150; i++)); do
    left=0
    for n in "${procs[@]}"; do alive "${n#*:}" "${n%%:*}" && left=1; done
    ((left)) || break
    sleep 0.1
  done
  for n in "${procs[@]}"; do alive "${n#*:}" "${n%%:*}" && kill -KILL "${n#*:}" && log "${n%%:*} killed after 15 s"; done
  return 0
}

status() {
  local n down=0
  for n in etcd egress-proxy kube-apiserver kube-controller-manager kube-scheduler kwok; do
    if running "$n"; then echo "$n: running (pid $(cat "$PIDS/$n.pid"))"; else echo "$n: stopped"; down=1; fi
  done
  return $down
}

case ${1:-} in
  build) build ;;
  is-built) built ;;
  start)
    # A failed start leaves nothing running behind it.
    trap 'rc=$?; if ((rc)); then log "start failed: stopping what was started"; stop; fi' EXIT
    start ;;
  stop) stop ;;
  status) status ;;
  reset) stop; rm -rf "$RUN" ;;
  kubeconfig) echo "$KCFG" ;;
  bin) echo "$BIN" ;;
  *) echo "usage: $0 build|is-built|start|stop|status|reset|kubeconfig|bin" >&2; exit 2 ;;
esac
