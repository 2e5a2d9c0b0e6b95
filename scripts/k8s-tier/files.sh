# Sourced by scripts/k8s-tier.sh: what a start writes before launching anything: the PKI (once per
# run folder), the admin kubeconfig, the egress selector and kwok's stages and node metrics.
# Uses the folders, ports and nodes that k8s-tier.sh sets.

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
subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1,IP:$HOST_IP,IP:${REAL_SERVICE_CIDR%.0/*}.1"
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
  # The kwok tier's stages and node metrics; the real nodes have none.
  [[ $MODE == real ]] && return 0
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
}
