# Sourced by scripts/k8s-tier.sh: the tier's ports. A default another process holds (another
# Kubernetes lab on the machine, a second checkout's tier) is replaced by a free port, and the
# holder is named in the log; the choice is kept in RUN/ports.env for stop, status and the tests.

# Who listens on a TCP port: "name (pid N)", or nothing when it is free.
port_holder() { # port
  local line
  line=$(ss -Hltnp "( sport = :$1 )" 2> /dev/null | head -n1)
  [[ -n $line ]] || return 1
  if [[ $line =~ users:\(\(\"([^\"]*)\",pid=([0-9]+) ]]; then echo "${BASH_REMATCH[1]} (pid ${BASH_REMATCH[2]})"; else echo "an unknown process"; fi
}

# Picks every port of PORT_VARS; keeps the recorded ones while this tier's own processes run.
pick_ports() {
  local v p holder taken=" " n
  if [[ -f $RUN/ports.env ]] && any_running; then return 0; fi
  for v in $PORT_VARS; do
    p=${!v}
    for ((n = 0; n < 200; n++)); do
      if [[ $taken != *" $p "* ]] && ! holder=$(port_holder "$p"); then break; fi
      [[ $taken == *" $p "* ]] || log "port $p ($v) is held by $holder: taking another"
      p=$((p + 1))
      # Inside the ephemeral range, a client socket could take it between this check and the bind.
      ((p < 32768)) || p=$((10000 + RANDOM % 20000))
    done
    printf -v "$v" '%s' "$p"
    taken+="$p "
  done
  mkdir -p "$RUN"
  for v in $PORT_VARS; do echo "$v=${!v}"; done > "$RUN/ports.env"
}
