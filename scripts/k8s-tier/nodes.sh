# Sourced by scripts/k8s-tier.sh: the tier's REAL nodes (`start --nodes real`), after the spike in
# ../shared/kubelet (NOTES.md there has the measurements and every snag's exact error).
#
# Two kubelets on this one host, each with its own containerd (root, state, socket), node address,
# kubelet port, pod range and CNI bridge, and its own cgroup root, so that neither takes the other's
# pods for orphans and removes their cgroups. Both nodes' bridges have their gateway on the host, so
# the host routes between them. ONE kube-proxy serves both: Service rules are iptables rules of the
# host's single network namespace, which two kube-proxies would rewrite in turn. CoreDNS runs as a
# host process on the host's address, as the cluster DNS every pod is given.
#
# Host state changed here, and put back by real_stop: the bridge $NET_BR (node and API addresses)
# and the pods' bridges, a route for the Service range, iptables chains (ours, kube-proxy's and the
# kubelet's KUBE-*), sysctls (the kubelet's kernel.panic*, vm.overcommit_memory; ip_forward from
# the CNI bridge plugin), mounts (the pods' netns folders, shared so a node agent such as
# istio-cni can see new ones; pod volumes; container root filesystems), cgroups, and containerd's
# fixed paths (/run/containerd, /var/lib/cni/results). Everything else lives under $RUN.
#
# This machine's root has no CAP_SYS_RESOURCE: containerd restrict_oom_score_adj and kubelet
# oomScoreAdj 0. cgroup v1: failCgroupV1 false.

REAL_NODES=${REAL_NODES:-2}   # 1 or 2 (two healthz ports are reserved)
NET_BR=${NET_BR:-mbtier0}
NET_PREFIX=${NET_PREFIX:-10.251.0}              # .1 the host (API server, DNS), .10+i node i
POD_PREFIX=${POD_PREFIX:-10.245}                # node i: $POD_PREFIX.i.0/24 on bridge mbcni<i>
REAL_SERVICE_CIDR=${REAL_SERVICE_CIDR:-10.97.0.0/16}
CLUSTER_DOMAIN=${CLUSTER_DOMAIN:-cluster.local}
HOST_IP=$NET_PREFIX.1
POD_CIDR=$POD_PREFIX.0.0/16
IMAGES=$WORK/images
PAUSE_REF=localhost/meshbench/pause:3.10.1
FORTIO_REF=localhost/meshbench/fortio:${FORTIO_VERSION#v}
LOADER_REF_BASE=localhost/meshbench/loader
# Paths fixed in containerd 1.6, libcni and the kubelet whatever their configuration (the device
# plugins' socket folder, the container log links): removed at stop when a start made them.
FIXED_PATHS="/run/containerd /var/lib/cni /var/lib/kubelet /var/log/containers"
# What the nodes may change; saved once at the first start, restored at stop.
SYSCTLS="net.ipv4.ip_forward vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.ipv4.conf.all.route_localnet
net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_tcp_timeout_established
net.netfilter.nf_conntrack_tcp_timeout_close_wait net.bridge.bridge-nf-call-iptables"

node_name() { echo "tier-node-$1"; }
node_ip() { echo "$NET_PREFIX.$((10 + $1))"; }
node_dir() { echo "$RUN/node-$1"; }
ctr_sock() { echo "$RUN/node-$1/containerd/containerd.sock"; }
cgroup_root() { echo "meshbench-tier-node-$1"; }

real_preconditions() {
  local missing=() b
  [[ $(id -u) == 0 ]] || { echo "real nodes need root (bridges, iptables, mounts, cgroups)" >&2; exit 1; }
  for b in containerd containerd-shim-runc-v2 runc ctr conntrack iptables iptables-save ip gcc python3; do command -v "$b" > /dev/null || missing+=("$b"); done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || missing+=(containernetworking-plugins)
  ((${#missing[@]} == 0)) || { echo "real nodes need: ${missing[*]}; run ./scripts/setup.sh --test (apt-get install containerd runc containernetworking-plugins conntrack iptables gcc libc6-dev python3)" >&2; exit 1; }
  node_built || { echo "kubelet and kube-proxy are not built in $WORK: run scripts/k8s-tier.sh build-node (or ./scripts/setup.sh --test)" >&2; exit 1; }
  extras_built || { echo "coredns and fortio are not built in $WORK: run scripts/k8s-tier.sh build-node" >&2; exit 1; }
  # Service rules live in the host's one netns under fixed chain names: a second kube-proxy would fight ours.
  if [[ ! -f $RUN/host.orig ]] && iptables-save -t nat 2> /dev/null | grep -q '^:KUBE-SERVICES '; then
    echo "another Kubernetes node's kube-proxy rules (chain KUBE-SERVICES) are on this host; its kube-proxy and this tier's would rewrite each other's Service rules. Stop that node first (e.g. shared/kubelet/node.sh stop)." >&2
    exit 1
  fi
}

# ------------------------------------------------------------------------------ images

# Images without a registry: one-layer docker-archive tarballs written by mkimage.py, imported
# into each node's containerd. Rebuilt only when their inputs change.
build_images() {
  mkdir -p "$IMAGES/build"
  if [[ ! -f $IMAGES/pause.tar ]]; then
    local kdir go
    go=$(go_bin)
    kdir=$("$go" env GOMODCACHE)/k8s.io/kubernetes@$K8S_VERSION
    [[ -f $kdir/build/pause/linux/pause.c ]] || { echo "pause.c is not in $kdir: run scripts/k8s-tier.sh build-node" >&2; exit 1; }
    # build/pause/Makefile's flags
    nice -n 19 gcc -Os -Wall -Werror -static -DVERSION=v3.10.1-meshbench -o "$IMAGES/build/pause" "$kdir/build/pause/linux/pause.c"
    strip "$IMAGES/build/pause"
    python3 "$REPO/scripts/k8s-tier/mkimage.py" "$IMAGES/pause.tar" "$PAUSE_REF" --file "$IMAGES/build/pause:/pause:0755" --entrypoint '["/pause"]' --user 65535:65535 >&2
    echo "$PAUSE_REF" > "$IMAGES/pause.tar.ref"
  fi
  if [[ ! -f $IMAGES/fortio-${FORTIO_VERSION}.tar ]]; then
    # As fortio/fortio: the binary as entrypoint, `server` by default.
    python3 "$REPO/scripts/k8s-tier/mkimage.py" "$IMAGES/fortio-${FORTIO_VERSION}.tar" "$FORTIO_REF" --file "$BIN/fortio:/usr/bin/fortio:0755" \
      --entrypoint '["/usr/bin/fortio"]' --cmd '["server"]' >&2
    echo "$FORTIO_REF" > "$IMAGES/fortio-${FORTIO_VERSION}.tar.ref"
  fi
  build_loader_image
}

# The loader image: Node (the repository's own, with the shared libraries it links) and the engine
# bundle of this checkout at /opt/meshbench/loader.mjs. Tagged by the content hash of both, so a
# scenario names exactly what runs.
build_loader_image() {
  local node bundle=$IMAGES/build/loader.mjs files=() lib tag
  node=$(readlink -f "$NODE_BIN")
  [[ -x $node ]] || node=$(command -v node)
  "$NODE_BIN" "$REPO/src/load/bundle.ts" "$bundle" 2> /dev/null
  files+=(--file "$node:/usr/local/bin/node:0755" --file "$bundle:/opt/meshbench/loader.mjs:0644")
  while read -r lib; do files+=(--file "$lib:$lib:0755"); done < <(ldd "$node" | grep -o '/[^ ]*' | sort -u)
  tag=$(cat "$node" "$bundle" | sha256sum | cut -c1-12)
  LOADER_REF=$LOADER_REF_BASE:node$("$NODE_BIN" -p 'process.versions.node')-$tag
  if [[ ! -f $IMAGES/loader-$tag.tar ]]; then
    # Other checkouts' loader images (other tags) may be in use: only day-old ones go.
    find "$IMAGES" -maxdepth 1 -name 'loader-*.tar*' -mtime +1 -delete
    python3 "$REPO/scripts/k8s-tier/mkimage.py" "$IMAGES/loader-$tag.tar" "$LOADER_REF" "${files[@]}" --user 1000:1000 >&2
    echo "$LOADER_REF" > "$IMAGES/loader-$tag.tar.ref"
  fi
  echo "$LOADER_REF" > "$RUN/loader-image"
}

import_images() { # node index
  local sock t have
  sock=$(ctr_sock "$1")
  have=$(ctr -a "$sock" -n k8s.io images ls -q 2> /dev/null)
  for t in "$IMAGES/pause.tar" "$IMAGES/fortio-${FORTIO_VERSION}.tar" "$IMAGES"/loader-*.tar; do
    local ref; ref=$(cat "$t.ref")
    grep -qx "$ref" <<< "$have" || ctr -a "$sock" -n k8s.io images import --all-platforms "$t" > /dev/null
  done
}

# ------------------------------------------------------------------------------ host state

# What the test compares before and after: chains, links, mounts, sysctls, cgroups and paths that
# the nodes (or a mesh on them) may leave. Only what this tier could have made: the machine is
# shared, and other work's namespaces and chains come and go meanwhile.
host_snapshot() {
  # A grep that finds nothing is an empty section, not a failure.
  local - ipt t
  set +e +o pipefail
  for ipt in iptables ip6tables; do
    for t in filter nat mangle raw; do "$ipt-save" -t "$t" 2> /dev/null | sed -n -E "s/^:((KUBE-|ISTIO_|CNI-|MESHBENCH-TIER-)[^ ]*) .*/$ipt $t \1/p"; done
    for t in filter nat mangle raw; do "$ipt-save" -t "$t" 2> /dev/null | grep -E -- '-j (KUBE-|ISTIO_|CNI-|MESHBENCH-TIER-)' | sed "s/^/$ipt $t rule /"; done
  done | sort
  ip -o link show 2> /dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^($NET_BR|mbcni[0-9]+)$" | sed 's/^/link /'
  ip -o link show type veth 2> /dev/null | grep -E "master ($NET_BR|mbcni[0-9]+) " | awk -F': ' '{print "link " $2}' | sed 's/@.*//'
  awk -v a="$RUN/" '{ if (index($2, a) == 1 || $2 ~ /^\/run\/containerd/) print "mount " $2 }' /proc/mounts | sort
  for t in $SYSCTLS; do echo "sysctl $t=$(sysctl -n "$t" 2> /dev/null || echo '?')"; done
  for t in /sys/fs/cgroup/*/meshbench-tier-node-* /sys/fs/cgroup/*/kubepods; do [[ -d $t ]] && echo "cgroup $t"; done
  for t in $FIXED_PATHS; do [[ -e $t ]] && echo "path $t"; done
  return 0
}

host_net_up() {
  mkdir -p "$RUN"
  if [[ ! -f $RUN/host.orig ]]; then
    for s in $SYSCTLS; do echo "$s=$(sysctl -n "$s" 2> /dev/null || echo '?')"; done > "$RUN/sysctl.orig"
    { for p in $FIXED_PATHS; do [[ -e $p ]] && echo "$p"; done; } > "$RUN/paths.orig" || true
    touch "$RUN/host.orig"
  fi
  ip link show "$NET_BR" > /dev/null 2>&1 || ip link add "$NET_BR" type bridge
  ip addr replace "$HOST_IP/32" dev "$NET_BR"
  local i c
  for ((i = 0; i < REAL_NODES; i++)); do ip addr replace "$(node_ip "$i")/32" dev "$NET_BR"; done
  ip link set "$NET_BR" up
  # A ClusterIP without a rule yet must not leave through the default route.
  ip route replace "$REAL_SERVICE_CIDR" dev "$NET_BR"
  # Pods reach nothing beyond this machine: forwarded pod traffic goes to a pod bridge or nowhere.
  iptables -N MESHBENCH-TIER-GUARD 2> /dev/null || iptables -F MESHBENCH-TIER-GUARD
  iptables -A MESHBENCH-TIER-GUARD -s "$POD_CIDR" ! -o mbcni+ -j DROP
  iptables -C FORWARD -j MESHBENCH-TIER-GUARD 2> /dev/null || iptables -I FORWARD 1 -j MESHBENCH-TIER-GUARD
  # Each kubelet's cgroup root, in every v1 hierarchy (cpuset's must carry cpus and mems to take tasks).
  for ((i = 0; i < REAL_NODES; i++)); do
    # Every hierarchy the kubelet checks, the named systemd one included (not the v2 `unified`).
    for c in /sys/fs/cgroup/*/; do
      [[ $c == */unified/ ]] && continue
      mkdir -p "$c$(cgroup_root "$i")"
    done
    if [[ -d /sys/fs/cgroup/cpuset ]]; then
      cat /sys/fs/cgroup/cpuset/cpuset.cpus > "/sys/fs/cgroup/cpuset/$(cgroup_root "$i")/cpuset.cpus"
      cat /sys/fs/cgroup/cpuset/cpuset.mems > "/sys/fs/cgroup/cpuset/$(cgroup_root "$i")/cpuset.mems"
    fi
  done
}

host_restore() {
  local ipt t rule c pass m i
  # Nothing was changed on the host unless a start recorded its state first.
  [[ -f $RUN/host.orig ]] || return 0
  # kube-proxy's rules; the kubelet's own chains (KUBE-FIREWALL, KUBE-KUBELET-CANARY, ...) survive
  # --cleanup; a mesh's node agent (istio-cni: ISTIO_*) may leave its own.
  "$BIN/kube-proxy" --cleanup > /dev/null 2>&1 || true
  for ipt in iptables ip6tables; do
    for t in filter nat mangle raw; do
      { "$ipt-save" -t "$t" 2> /dev/null | grep -E '^-A [A-Z]+ .*-j (KUBE-|ISTIO_)' || true; } | while read -r rule; do
        eval "$ipt -t $t -D ${rule#-A }" 2> /dev/null || true
      done
      for pass in 1 2; do
        for c in $("$ipt-save" -t "$t" 2> /dev/null | sed -n -E 's/^:((KUBE-|ISTIO_)[^ ]*) .*/\1/p'); do
          "$ipt" -t "$t" -F "$c" 2> /dev/null || true
          "$ipt" -t "$t" -X "$c" 2> /dev/null || true
        done
      done
    done
  done
  iptables -D FORWARD -j MESHBENCH-TIER-GUARD 2> /dev/null || true
  iptables -F MESHBENCH-TIER-GUARD 2> /dev/null && iptables -X MESHBENCH-TIER-GUARD 2> /dev/null || true
  ip route del "$REAL_SERVICE_CIDR" dev "$NET_BR" 2> /dev/null || true
  for ((i = 0; i < REAL_NODES; i++)); do ip link del "mbcni$i" 2> /dev/null || true; done
  ip link del "$NET_BR" 2> /dev/null || true
  # Several passes: a mount can hide another at the same path (a netns file under the shared folder).
  for pass in 1 2 3 4 5; do
    mapfile -t ms < <(awk -v a="$RUN/" 'index($2,a)==1 {print $2}' /proc/mounts | sort -r)
    ((${#ms[@]})) || break
    for m in "${ms[@]}"; do umount -l "$m" 2> /dev/null || true; done
  done
  # Pods' cgroups, deepest first (only empty ones go: a process still in one would show in the test).
  for c in /sys/fs/cgroup/*/meshbench-tier-node-*; do
    [[ -d $c ]] && find "$c" -depth -type d -exec rmdir {} \; 2> /dev/null || true
  done
  # containerd 1.6's and libcni's fixed paths: the results of our networks, and the folders only
  # when the record of the start says they were not there before it (never without that record:
  # the machine is shared).
  rm -f /var/lib/cni/results/meshbench-tier-* 2> /dev/null || true
  if [[ -f $RUN/paths.orig ]]; then
    for p in $FIXED_PATHS; do
      if [[ -e $p ]] && ! grep -qx "$p" "$RUN/paths.orig"; then rm -rf "$p"; fi
    done
  fi
  if [[ -f $RUN/sysctl.orig ]]; then
    local k v
    while IFS='=' read -r k v; do [[ $v == '?' ]] || sysctl -qw "$k=$v" 2> /dev/null || true; done < "$RUN/sysctl.orig"
  fi
  rm -f "$RUN/sysctl.orig" "$RUN/paths.orig" "$RUN/host.orig"
}

# ------------------------------------------------------------------------------ configs

real_pki() { # node certificates, once per run folder
  local i n ip
  for ((i = 0; i < REAL_NODES; i++)); do
    n=$(node_name "$i"); ip=$(node_ip "$i")
    [[ -f $PKI/$n.done ]] && continue
    (
      cd "$PKI"
      q() { "$@" 2> /dev/null; }
      sign() {
        q openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
        printf '%s\n' "$3" > "$1.ext"
        q openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$1.ext" -out "$1.crt"
        rm -f "$1.csr"
      }
      # The Node authorizer and NodeRestriction know a node by this identity.
      sign "$n-client" "/O=system:nodes/CN=system:node:$n" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
      # The API server verifies the kubelet's serving certificate (--kubelet-certificate-authority).
      sign "$n-serving" "/CN=system:node:$n" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$n,IP:$ip"
      chmod 600 ./*.key
      touch "$n.done"
    )
  done
  if [[ ! -f $PKI/kube-proxy.crt ]]; then
    (
      cd "$PKI"
      openssl req -new -newkey rsa:2048 -nodes -keyout kube-proxy.key -out kube-proxy.csr -subj /CN=system:kube-proxy 2> /dev/null
      printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > kube-proxy.ext
      openssl x509 -req -in kube-proxy.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile kube-proxy.ext -out kube-proxy.crt 2> /dev/null
      rm -f kube-proxy.csr; chmod 600 kube-proxy.key
    )
  fi
}

kubeconfig_for() { # file cert user
  local b64; b64() { base64 -w0 < "$1"; }
  umask 077
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: meshbench-tier
  cluster: {server: "$API", certificate-authority-data: $(b64 "$PKI/ca.crt")}
users:
- name: $3
  user: {client-certificate-data: $(b64 "$PKI/$2.crt"), client-key-data: $(b64 "$PKI/$2.key")}
contexts:
- name: meshbench-tier
  context: {cluster: meshbench-tier, user: $3}
current-context: meshbench-tier
EOF
  umask 022
}

write_node_files() { # node index
  local i=$1 n ip d sock
  n=$(node_name "$i"); ip=$(node_ip "$i"); d=$(node_dir "$i"); sock=$(ctr_sock "$i")
  # The kubelet's image pull records (KubeletEnsureSecretPulledImages) outlive a stop: an image
  # once pulled from a registry under another name would make it re-pull the tier's imported one,
  # which no registry serves. A started node begins with none; its imported images stay.
  rm -rf "$d/kubelet/image_manager"
  mkdir -p "$d/containerd" "$d/cni/net.d" "$d/cni/bin" "$d/cni/ipam" "$d/kubelet" "$d/pod-logs"
  kubeconfig_for "$d/kubelet.kubeconfig" "$n-client" "system:node:$n"
  # CNI binaries: links to Debian's, in a folder of the node's own so that a mesh's CNI plugin (istio-cni) can add itself.
  local f; for f in /usr/lib/cni/*; do ln -sfn "$f" "$d/cni/bin/$(basename "$f")"; done
  cat > "$d/containerd.toml" <<EOF
version = 2
root = "$d/containerd/root"
state = "$d/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[metrics]
  address = ""
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$d/containerd/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$PAUSE_REF"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_cdi = false
    netns_mounts_under_state_dir = true
    # No CAP_SYS_RESOURCE for root here: nothing may lower an oom_score_adj (runc: "can't get final
    # child's PID from pipe: EOF"); negative values are clamped to containerd's own 0.
    restrict_oom_score_adj = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "$d/cni/bin"
      conf_dir = "$d/cni/net.d"
EOF
  cat > "$d/cni/net.d/10-meshbench.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "meshbench-tier-$i",
  "plugins": [
    {
      "type": "bridge", "bridge": "mbcni$i", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$d/cni/ipam",
        "ranges": [[{"subnet": "$POD_PREFIX.$i.0/24", "gateway": "$POD_PREFIX.$i.1"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
  cat > "$d/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $(( i == 0 ? KUBELET_HEALTHZ_PORT : KUBELET_HEALTHZ_PORT2 ))
tlsCertFile: $PKI/$n-serving.crt
tlsPrivateKeyFile: $PKI/$n-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$sock
cgroupDriver: cgroupfs
cgroupRoot: /$(cgroup_root "$i")
failCgroupV1: false
failSwapOn: false
podLogsDir: $d/pod-logs
clusterDomain: $CLUSTER_DOMAIN
clusterDNS: [$HOST_IP]
resolvConf: /dev/null
podCIDR: $POD_PREFIX.$i.0/24
maxPods: 110
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
rotateCertificates: false
serverTLSBootstrap: false
registerNode: true
oomScoreAdj: 0
EOF
}

write_shared_node_files() {
  kubeconfig_for "$RUN/kube-proxy.kubeconfig" kube-proxy system:kube-proxy
  kubeconfig_for "$RUN/coredns.kubeconfig" admin coredns
  cat > "$RUN/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $RUN/kube-proxy.kubeconfig}
hostnameOverride: $(node_name 0)
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:$KPROXY_HEALTH_PORT
metricsBindAddress: 127.0.0.1:$KPROXY_METRICS_PORT
nodePortAddresses: ["$(node_ip 0)/32"]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {syncPeriod: 30s, minSyncPeriod: 1s}
EOF
  # No upstream: nothing outside the cluster resolves (the machine has no network but the registries).
  cat > "$RUN/Corefile" <<EOF
$CLUSTER_DOMAIN:53 in-addr.arpa:53 {
  bind $HOST_IP
  ready 127.0.0.1:$DNS_READY_PORT
  errors
  loadbalance
  kubernetes $CLUSTER_DOMAIN in-addr.arpa {
    kubeconfig $RUN/coredns.kubeconfig meshbench-tier
    pods insecure
  }
}
.:53 {
  bind $HOST_IP
  errors
  whoami
}
EOF
}

# ------------------------------------------------------------------------------ start / stop


real_nodes_start() {
  local i n sock nsdir
  real_pki
  write_shared_node_files
  launch coredns "$BIN/coredns" -conf "$RUN/Corefile"
  for ((i = 0; i < REAL_NODES; i++)); do
    write_node_files "$i"
    sock=$(ctr_sock "$i")
    # The pods' netns files, as a shared mount made before containerd creates any: a pod with a
    # HostToContainer hostPath of it (istio-cni) sees new ones; this machine's / is a private mount.
    nsdir=$(node_dir "$i")/containerd/state/io.containerd.grpc.v1.cri/netns
    mkdir -p "$nsdir"
    findmnt -n "$nsdir" > /dev/null || mount --bind "$nsdir" "$nsdir"
    mount --make-shared "$nsdir"
    launch "containerd-$i" containerd --config "$(node_dir "$i")/containerd.toml"
  done
  for ((i = 0; i < REAL_NODES; i++)); do
    wait_for "containerd-$i" 30 ctr -a "$(ctr_sock "$i")" version
    import_images "$i"
    n=$(node_name "$i")
    # --containerd: cAdvisor labels containerd's containers only through this (deprecated) flag.
    launch "kubelet-$i" "$BIN/kubelet" --config="$(node_dir "$i")/kubelet.yaml" --kubeconfig="$(node_dir "$i")/kubelet.kubeconfig" \
      --root-dir="$(node_dir "$i")/kubelet" --hostname-override="$n" --node-ip="$(node_ip "$i")" --v=1 --containerd="$(ctr_sock "$i")" \
      --node-labels="meshbench.io/test-tier=real-kubelets-on-one-host" --housekeeping-interval=2s
  done
  launch kube-proxy "$BIN/kube-proxy" --config="$RUN/kube-proxy.yaml" --v=1
  for ((i = 0; i < REAL_NODES; i++)); do wait_for "kubelet-$i" 120 node_ready "$(node_name "$i")"; done
  wait_for kube-proxy 60 curl -fsS "http://127.0.0.1:$KPROXY_HEALTH_PORT/healthz"
  wait_for coredns 60 curl -fsS "http://127.0.0.1:$DNS_READY_PORT/ready"
}

real_nodes_stop() {
  local i t sock
  # The kubelets tear their pods down the normal way first (CNI DEL, containers stopped).
  if running kube-apiserver && running kubelet-0; then
    local ns
    for ns in $(apicurl "$API/api/v1/namespaces" | "$NODE_BIN" -e 'for (const n of JSON.parse(require("fs").readFileSync(0, "utf8")).items ?? []) if (!/^kube-|^default$/.test(n.metadata.name)) console.log(n.metadata.name)'); do
      apicurl -o /dev/null -X DELETE "$API/api/v1/namespaces/$ns"
    done
    for ns in default kube-system; do apicurl -o /dev/null -X DELETE "$API/api/v1/namespaces/$ns/pods?gracePeriodSeconds=1"; done
    for ((t = 0; t < 60; t++)); do
      local left=0
      for ((i = 0; i < REAL_NODES; i++)); do [[ -n $(ctr -a "$(ctr_sock "$i")" -n k8s.io tasks ls -q 2> /dev/null) ]] && left=1; done
      ((left)) || break
      sleep 0.5
    done
  fi
  local ks=(kube-proxy coredns); for ((i = 0; i < REAL_NODES; i++)); do ks+=("kubelet-$i"); done
  stop_group "${ks[@]}"
  for ((i = 0; i < REAL_NODES; i++)); do
    sock=$(ctr_sock "$i")
    running "containerd-$i" || continue
    for t in $(ctr -a "$sock" -n k8s.io tasks ls -q 2> /dev/null); do ctr -a "$sock" -n k8s.io tasks kill -s KILL "$t" 2> /dev/null || true; done
    sleep 0.5
    for t in $(ctr -a "$sock" -n k8s.io tasks ls -q 2> /dev/null); do ctr -a "$sock" -n k8s.io tasks delete -f "$t" > /dev/null 2>&1 || true; done
  done
  ks=(); for ((i = 0; i < REAL_NODES; i++)); do ks+=("containerd-$i"); done
  stop_group "${ks[@]}"
}
