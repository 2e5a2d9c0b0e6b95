#!/usr/bin/env bash
# A real Kubernetes control plane on this machine, without containers, for meshbench's tests:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler (and kubectl) built from the Go
# module proxy, plus kwok, whose fake nodes make pods Running and Jobs Complete.
#
#   scripts/k8s-tier.sh build    # once per version: ~11 min cold on 2 cores, ~4 s with warm Go caches
#   scripts/k8s-tier.sh start    # ~5-10 s; prints `export KUBECONFIG=...` on stdout
#   scripts/k8s-tier.sh status | stop | reset | kubeconfig | bin | is-built | ports
#   scripts/k8s-tier.sh start --nodes real    # two REAL nodes instead of kwok's (root; see k8s-tier/nodes.sh)
#   scripts/k8s-tier.sh stop --nodes real     # ... and every host change undone
#   scripts/k8s-tier.sh start --nodes real --istio   # ... with Istio installed on them (scripts/istio/tier.sh)
#   scripts/k8s-tier.sh build-node | is-node-built | images --nodes real | host-state
#
# `--nodes real` is a tier of its own (run folder run-real, ports of its own), so it can run beside
# the kwok tier: every command takes the flag to name it. Ports: a default that another process
# holds is replaced by a free one, and the holder is named; the ports in use are in RUN/ports.env.
#
# Everything lives in ${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/k8s-tier-<version>/, outside the
# clone, so that a fresh clone on the same machine (CI) reuses the binaries. Every process listens
# on 127.0.0.1 only; the fake nodes' address 192.0.2.10 (TEST-NET-1) is never dialled.
#
# Adapted from the spike in shared/k8s-tier (build.sh, tier.sh, egress-proxy.mjs; NOTES.md there
# has the measurements), made self-contained: a user's machine has no shared folder.
# The four snags, and their fixes here:
#   - the apiserver's node proxy refuses loopback node addresses ("address not allowed"): nodes get
#     192.0.2.10 and the apiserver's "cluster" egress goes through a CONNECT proxy on a unix
#     socket, which splices it to kwok on 127.0.0.1 (k8s-tier/egress-proxy.mjs);
#   - the kwok binary ships no stages: the build copies kwok's default stage YAMLs from its module
#     source, and start concatenates kwokctl's default set into kwok's --config;
#   - etcd's data outlives a stop, the nodes' leases with it, and a new kwok waits for an old lease
#     to expire before it readies any pod: start deletes them first.
#   - kwok's metrics list no container until a read has started its pod cache: start makes one.
# Needs: bash, curl, openssl, Node >= 20 (the repository's own Node 24 is used when present), and
# for `build` Go >= 1.21 (GOTOOLCHAIN then brings the Go 1.26 that etcd 3.6.16 and kwok 0.8.0 need).
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.35.4}      # k8s.io/kubernetes tag
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}    # go.etcd.io/etcd/server/v3 tag
KWOK_VERSION=${KWOK_VERSION:-v0.8.0}     # sigs.k8s.io/kwok tag
COREDNS_VERSION=${COREDNS_VERSION:-v1.14.7}  # github.com/coredns/coredns tag (real nodes' cluster DNS)
FORTIO_VERSION=${FORTIO_VERSION:-v1.66.0}    # fortio.org/fortio tag (the default workload, as a local image)
GO_VERSION=${GO_VERSION:-go1.26.8}       # toolchain GOTOOLCHAIN fetches when the local Go is older
WORK=${MESHBENCH_TIER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/k8s-tier-$K8S_VERSION}
BIN=$WORK/bin
SHARE=$WORK/share
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_KUBECTL=${BUILD_KUBECTL:-1}

CMD=${1:-}
[[ $# -gt 0 ]] && shift
MODE=kwok
ISTIO=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) MODE=${2:-}; shift 2 || { echo "--nodes needs kwok or real" >&2; exit 2; } ;;
    --nodes=*) MODE=${1#--nodes=}; shift ;;
    --istio) ISTIO=1; shift ;;
    *) echo "unknown option $1 (options: --nodes kwok|real, --istio)" >&2; exit 2 ;;
  esac
done
[[ $MODE == kwok || $MODE == real ]] || { echo "--nodes takes kwok or real, not '$MODE'" >&2; exit 2; }
[[ $ISTIO == 0 || $MODE == real ]] || { echo "--istio needs real nodes: start --nodes real --istio" >&2; exit 2; }
# A second tier beside the first (another checkout's tests on the same machine and cache) needs its
# own run folder, MESHBENCH_TIER_RUN (the real tier's is that with -real); ports are free ones.
RUN=${MESHBENCH_TIER_RUN:-$WORK/run}
[[ $MODE == real ]] && RUN=$RUN-real
# Ports apart from the usual ones (and from the spike's); the real tier's apart from the kwok tier's.
PORT_VARS="ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT KWOK_PORT KUBELET_HEALTHZ_PORT KUBELET_HEALTHZ_PORT2 KPROXY_HEALTH_PORT KPROXY_METRICS_PORT DNS_READY_PORT"
if [[ $MODE == real ]]; then
  ETCD_PORT=${ETCD_PORT:-12479} ETCD_PEER_PORT=${ETCD_PEER_PORT:-12480} API_PORT=${API_PORT:-16543} KCM_PORT=${KCM_PORT:-20357} SCHED_PORT=${SCHED_PORT:-20359}
else
  ETCD_PORT=${ETCD_PORT:-12379} ETCD_PEER_PORT=${ETCD_PEER_PORT:-12380} API_PORT=${API_PORT:-16443} KCM_PORT=${KCM_PORT:-20257} SCHED_PORT=${SCHED_PORT:-20259}
fi
KWOK_PORT=${KWOK_PORT:-20247}
KUBELET_HEALTHZ_PORT=${KUBELET_HEALTHZ_PORT:-20348} KUBELET_HEALTHZ_PORT2=${KUBELET_HEALTHZ_PORT2:-20349}
KPROXY_HEALTH_PORT=${KPROXY_HEALTH_PORT:-20356} KPROXY_METRICS_PORT=${KPROXY_METRICS_PORT:-20350} DNS_READY_PORT=${DNS_READY_PORT:-20381}
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

log() { printf '[k8s-tier %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

. "$REPO/scripts/k8s-tier/build.sh"
. "$REPO/scripts/k8s-tier/files.sh"
. "$REPO/scripts/k8s-tier/ports.sh"
. "$REPO/scripts/k8s-tier/nodes.sh"
# The ports a running (or last) tier of this run folder took.
[[ -f $RUN/ports.env ]] && . "$RUN/ports.env"
# Real nodes: the API server on the host's bridge address, so that pods reach it through the `kubernetes` Service.
if [[ $MODE == real ]]; then API_HOST=$HOST_IP; else API_HOST=127.0.0.1; fi
API=https://$API_HOST:$API_PORT

# ---------------------------------------------------------------- start / stop

# A recorded pid counts only while it lives and still runs what was started (pid reuse).
alive() { # pid name (a node's index suffix, as in kubelet-1, is not in its command line)
  set -- "$1" "${2%-[0-9]}"
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

# kwok's metrics look pods up in a cache it creates on the first lookup, and fills from a watch
# after it: the first read that finds a pod on its node lists no container, of that pod or any
# other. A run's first window then began one sampling interval late (8 samples of 9). A pod read
# once here starts that cache, as a kubelet that has served for a while would have it.
warm_metrics() {
  local node=${NODES%% *} pod=meshbench-tier-warmup
  # One left by a start that was killed here would make the create fail.
  apicurl -o /dev/null -X DELETE "$API/api/v1/namespaces/default/pods/$pod?gracePeriodSeconds=0"
  apicurl -f -o /dev/null -X POST -H 'Content-Type: application/json' "$API/api/v1/namespaces/default/pods" -d @- <<EOF
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"$pod"},
 "spec":{"nodeName":"$node","tolerations":[{"operator":"Exists"}],"containers":[{"name":"c","image":"none"}]}}
EOF
  wait_for kwok 30 metrics_list "$node" "$pod"
  apicurl -f -o /dev/null -X DELETE "$API/api/v1/namespaces/default/pods/$pod?gracePeriodSeconds=0"
}
metrics_list() { [[ $(apicurl -f "$API/api/v1/nodes/$1/proxy/metrics/nodes/$1/metrics/resource") == *"pod=\"$2\""* ]]; }

start() {
  if [[ $MODE == real ]]; then
    # kwok is not needed here: only the control plane and the node binaries.
    control_plane_built || { echo "the tier's control plane is not built in $WORK: run scripts/k8s-tier.sh build (or ./scripts/setup.sh --test)" >&2; exit 1; }
    real_preconditions
  else
    built || { echo "the tier is not built in $WORK: run scripts/k8s-tier.sh build (or ./scripts/setup.sh --test)" >&2; exit 1; }
  fi
  mkdir -p "$RUN" "$LOGS" "$PIDS"
  local t0=$SECONDS n
  pick_ports
  API=https://$API_HOST:$API_PORT
  gen_pki
  write_files
  if [[ $MODE == real ]]; then
    host_net_up
    build_images
  fi
  launch etcd "$BIN/etcd" --name meshbench --data-dir "$RUN/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "meshbench=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --quota-backend-bytes=2147483648 --log-level=warn
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
  local mode_flags
  if [[ $MODE == real ]]; then
    # Real kubelets listen on global-unicast node addresses, which the API server dials itself.
    mode_flags=(--service-cluster-ip-range="$REAL_SERVICE_CIDR" --enable-admission-plugins=NodeRestriction)
  else
    launch egress-proxy "$NODE_BIN" "$REPO/scripts/k8s-tier/egress-proxy.mjs" "$RUN/egress.sock" "$NODE_IP:$KWOK_PORT=127.0.0.1:$KWOK_PORT"
    wait_for egress-proxy 10 test -S "$RUN/egress.sock"
    mode_flags=(--service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none --egress-selector-config-file="$RUN/egress.yaml")
  fi
  launch kube-apiserver "$BIN/kube-apiserver" --bind-address="$API_HOST" --advertise-address="$API_HOST" --secure-port="$API_PORT" "${mode_flags[@]}" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP \
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
  # A node's lease outlives the kwok that held it (etcd keeps it across restarts): a new kwok
  # cannot take it until it expires (--node-lease-duration-seconds) and leaves the node's pods
  # alone meanwhile, so a tier restarted within 40 s of its stop readied no pod for ~30 s.
  for n in $NODES; do apicurl -o /dev/null -X DELETE "$API/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/$n"; done
  if [[ $MODE == real ]]; then
    real_nodes_start
    wait_for kube-controller-manager 60 default_sa
    log "up in $((SECONDS - t0)) s: $REAL_NODES real nodes"
    echo "export KUBECONFIG=$KCFG"
    return
  fi
  launch kwok "$BIN/kwok" --kubeconfig="$KCFG" --config="$RUN/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip="$NODE_IP" --node-port="$KWOK_PORT" --server-address="127.0.0.1:$KWOK_PORT" \
    --tls-cert-file="$PKI/kwok.crt" --tls-private-key-file="$PKI/kwok.key" --cidr=10.244.0.0/16 --node-lease-duration-seconds=40
  wait_for kwok 30 curl -fsS "http://127.0.0.1:$KWOK_PORT/healthz"
  for n in $NODES; do create_node "$n"; done
  for n in $NODES; do wait_for kwok 30 node_ready "$n"; done
  wait_for kube-controller-manager 60 default_sa
  warm_metrics
  log "up in $((SECONDS - t0)) s"
  echo "export KUBECONFIG=$KCFG"
}

# TERM to each named process, KILL to any still there after 15 s.
stop_group() { # name...
  local n pid i left procs=()
  for n in "$@"; do
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

# etcd last: an API server whose etcd is gone retries it instead of ending, and is killed after
# 15 s (it was, whenever a client had used it, when all six were stopped at once).
stop() {
  # Istio first, while its agents can still clean the nodes (CNI config entries, ISTIO_* chains, ipsets).
  if [[ $MODE == real && -d $RUN/istio ]]; then "$REPO/scripts/istio/tier.sh" down || log "Istio's removal failed: host_restore below still removes its chains"; fi
  [[ $MODE == real ]] && real_nodes_stop
  stop_group kwok kube-scheduler kube-controller-manager kube-apiserver egress-proxy
  stop_group etcd
  if [[ $MODE == real && -d $RUN ]]; then host_restore; fi
  return 0
}

components() {
  local i
  echo etcd kube-apiserver kube-controller-manager kube-scheduler
  if [[ $MODE == real ]]; then
    echo coredns kube-proxy
    for ((i = 0; i < REAL_NODES; i++)); do echo "containerd-$i kubelet-$i"; done
  else
    echo egress-proxy kwok
  fi
}
any_running() { local n; for n in $(components); do running "$n" && return 0; done; return 1; }

status() {
  local n down=0
  for n in $(components); do
    if running "$n"; then echo "$n: running (pid $(cat "$PIDS/$n.pid"))"; else echo "$n: stopped"; down=1; fi
  done
  return $down
}

case $CMD in
  build) build; build_node ;;
  build-node) build_node ;;
  is-built) built ;;
  is-node-built) node_built && extras_built ;;
  images) mkdir -p "$RUN"; build_images; cat "$RUN/loader-image" ;;
  # What the real nodes may change on the host, for a test to compare before and after.
  host-state) host_snapshot ;;
  ports) cat "$RUN/ports.env" ;;
  # Picks the ports a start would take (a held default replaced, its holder named), without starting.
  pick-ports) pick_ports; cat "$RUN/ports.env" ;;
  loader-image) cat "$RUN/loader-image" ;;
  start)
    # A failed start leaves nothing running behind it.
    trap 'rc=$?; if ((rc)); then log "start failed: stopping what was started"; stop; fi' EXIT
    start
    # Istio on the real nodes (scripts/istio/tier.sh): istiod, its injector, istio-cni and ztunnel.
    if ((ISTIO)); then "$REPO/scripts/istio/tier.sh" up; fi ;;
  stop) stop ;;
  status) status ;;
  reset) stop; rm -rf "$RUN" ;;
  kubeconfig) echo "$KCFG" ;;
  bin) echo "$BIN" ;;
  *) echo "usage: $0 build|build-node|is-built|is-node-built|start|stop|status|reset|kubeconfig|bin|ports|images|host-state [--nodes kwok|real]" >&2; exit 2 ;;
esac
