#!/usr/bin/env bash
# swarm-docker-stack.sh - one stack file, two swarms: tinydock's, on simulated machines, and
# Docker's, on this host, each deploying 08-swarm/examples/shop-stack.yml from images that
# tinydock built and pushed to its own registry. Run by tests/system/test_swarm_docker_stack.c
# (which brings the machines up and down); by hand, as root, with the machines up:
#
#     T=build/tinydock S=/tmp/folder REGISTRY=10.199.0.1:5055 MANAGER=manager1 \
#         MESH=10.199.0.11 tests/swarm-docker-stack.sh
#
#   T         the tinydock binary            S        a folder of its own (registry, dockerd)
#   REGISTRY  the registry's address: one the machines and the host both reach (the host's
#             address on the simulation's bridge)
#   MANAGER   the machine to deploy through  MESH     a machine's address, to ask for the page
#
# Exit 0 when both swarms ran the stack; 77 when Docker's swarm mode cannot run here, after
# tinydock's half passed, with the reason on the last line ("skip: ..."); anything else is a
# failure, said on stderr. Docker's daemon is ours (tests/bench-lib.sh's start_dockerd: no
# iptables, no ip_forward, its folders under S) and everything it made is undone on exit,
# also on failure: its stack, its swarm, the daemon, and the links swarm mode adds to the
# host (docker_gwbridge, vxlan devices).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/bench-lib.sh"
shop=$here/../07-compose/examples/shop
stack=$here/../08-swarm/examples/shop-stack.yml
export REGISTRY

# The links swarm mode makes in the host's namespace: docker_gwbridge (the bridge through which
# swarm containers reach the outside), and a vxlan device per overlay network, which libnetwork
# makes here before it moves it into the network's namespace. Those there before are not ours.
docker_links() { ip -o link show type vxlan; ip -o link show docker_gwbridge || true; } 2>/dev/null
links_before=

registry_pid=
cleanup() {
  local status=$? link
  set +e # undo everything, whatever fails on the way
  if [[ -n $dockerd_pid ]]; then
    # the stack first, and its tasks and network gone, so that libnetwork undoes its links
    timeout 30 $docker stack rm shop >/dev/null 2>&1
    local deadline=$(( SECONDS + 30 ))
    while [[ -n $($docker ps -q 2>/dev/null)$($docker network ls -q --filter name=shop_default 2>/dev/null) ]] &&
      (( SECONDS < deadline )); do
      sleep 0.2
    done
    timeout 30 $docker swarm leave --force >/dev/null 2>&1
    stop_dockerd
    for link in $(docker_links | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
      grep -q ": $link[:@]" <<<"$links_before" || ip link delete "$link"
    done
  fi
  if [[ -n $registry_pid ]]; then
    kill "$registry_pid" 2>/dev/null
    wait "$registry_pid" 2>/dev/null
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

fail() { echo "FAILED: $*" >&2; exit 1; }
seconds_since() { echo "$(( (${EPOCHREALTIME/[.,]/} - $1) / 1000 ))" | awk '{ printf "%.2f", $1 / 1000 }'; }
now() { echo "${EPOCHREALTIME/[.,]/}"; }

# until_equal SECONDS EXPECTED COMMAND...: run COMMAND until its output is EXPECTED; at the
# deadline, fail with what it said and what the function named by $why prints (the tasks' errors)
why=true
until_equal() {
  local limit=$1 expected=$2 got
  local deadline=$(( SECONDS + limit ))
  shift 2
  until got=$("$@" 2>&1) && [[ $got == "$expected" ]]; do
    (( SECONDS < deadline )) || fail "after $limit s, \`$*\` says: $got (not $expected)"$'\n'"$($why 2>&1)"
    sleep 0.2
  done
}

# page URL: the product service's answer (the host's busybox wget; -T crashes it, so timeout)
page() { timeout 5 busybox wget -qO- "$1"; }
until_page() {
  local deadline=$(( SECONDS + 30 ))
  until page "$1" 2>/dev/null | grep -q '"products"'; do
    (( SECONDS < deadline )) || fail "no product list at $1 within 30 s"
    sleep 0.2
  done
}

# --- the image: built and pushed by tinydock --------------------------------------------------
"$T" registry serve --addr "$REGISTRY" --root "$S/registry" >"$S/registry.log" 2>&1 &
registry_pid=$!
until grep -q "(port " "$S/registry.log" 2>/dev/null; do
  kill -0 "$registry_pid" 2>/dev/null || fail "the registry did not start: $(cat "$S/registry.log")"
  sleep 0.1
done
"$T" build -q -t "$REGISTRY/shop/product:1" "$shop/product" >/dev/null
"$T" push "$REGISTRY/shop/product:1" >/dev/null

# --- tinydock's swarm ---------------------------------------------------------------------------
start=$(now)
"$T" --node "$MANAGER" stack deploy -c "$stack" shop >/dev/null
tinydock_tasks() { "$T" --node "$MANAGER" stack ps --no-trunc shop; }
why=tinydock_tasks
until_equal 60 "shop_product-service 2/2" \
  "$T" --node "$MANAGER" stack services --format '{{.Name}} {{.Replicas}}' shop
echo "tinydock: stack deploy to 2/2 running: $(seconds_since "$start") s"
until_page "http://$MESH:5001/"
echo "tinydock: the page through the routing mesh at $MESH:5001: $(page "http://$MESH:5001/")"
"$T" --node "$MANAGER" stack rm shop >/dev/null

# --- Docker's swarm -----------------------------------------------------------------------------
links_before=$(docker_links)
mkdir -p "$S/docker"
if ! start_dockerd "$S/docker" --insecure-registry "$REGISTRY"; then
  echo "skip: no Docker daemon: $dockerd_why"
  exit 77
fi
if ! said=$(timeout 60 $docker swarm init --advertise-addr 127.0.0.1 2>&1); then
  echo "skip: \`docker swarm init --advertise-addr 127.0.0.1\` refused: $said"
  exit 77
fi
echo "docker: $($docker version --format 'Docker {{.Server.Version}}'), swarm mode: $($docker info --format '{{.Swarm.LocalNodeState}}')"
start=$(now)
timeout 60 $docker stack deploy -c "$stack" shop >/dev/null
docker_tasks() { $docker service ps --no-trunc shop_product-service; tail -n 5 "$S/docker/dockerd.log"; }
why=docker_tasks
until_equal 90 "2/2" $docker service ls --filter name=shop_product-service --format '{{.Replicas}}'
echo "docker: stack deploy to 2/2 running: $(seconds_since "$start") s"
task=$($docker ps -q --filter label=com.docker.swarm.service.name=shop_product-service | head -n 1)
answer=$($docker exec "$task" wget -qO- http://127.0.0.1/) || fail "docker's task $task does not serve the page"
[[ $answer == *'"products"'* ]] || fail "docker's task $task answers: $answer"
echo "docker: the page in its task $task: $answer"
# Docker's routing mesh is IPVS in the kernel (ip_vs): without it, nothing answers on 5001.
if [[ -d /proc/sys/net/ipv4/vs ]]; then
  until_page "http://127.0.0.1:5001/"
  echo "docker: the page through its routing mesh at 127.0.0.1:5001: $(page http://127.0.0.1:5001/)"
else
  echo "docker: its routing mesh needs IPVS, and this kernel has none (no /proc/sys/net/ipv4/vs): port 5001 not tried"
fi
