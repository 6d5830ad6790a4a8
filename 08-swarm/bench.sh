# bench.sh (08-swarm) - how fast the swarm heals, on simulated machines (`swarm sim up`, 3
# managers and 2 workers, their node processes real, their tasks real containers):
#
#   a worker's power cut (`sim kill worker1`) until every replica of a 6-replica service runs
#     again, none on worker1, as a manager's `service ps` shows it. Untimed before each round:
#     worker1 powered on again and the service made anew, so worker1 holds some of its tasks.
#   the leader's power cut (`sim kill`) until another manager's `node ls` names a new leader
#     (its command answered). Untimed before each round: the last round's victim powered on
#     again, the swarm settled (5 nodes Ready, 3 managers Reachable), the leader found.
#
# Both measure the whole story as a user sees it, from the command that cuts the power to the
# first command that shows the swarm healed (polled every 50 ms). The settings are the
# defaults, printed with the rows. Swarm's side is not measured: one Docker daemon is one node.
# Its defaults, a dispatcher heartbeat of 5 s (`docker swarm init --dispatcher-heartbeat`) and an
# election after 10 Raft ticks, give about 20 s and 10 s.
#
# And where Docker is installed and `docker swarm init` works: a one-node swarm's service
# create until its one task runs, tinydock's (`swarm init` on loopback) next to Docker's, both
# created detached (-d) and polled alike, as `docker service create` without -d also waits 5 s
# to see the task stay up. Targets: 5 s (worker) and 3 s (leader).
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench08.XXXXXX)
export TINYDOCK_ROOT=$dir/root TINYDOCK_RUN=$dir/run
gwbridge_was_there=0
ip link show docker_gwbridge >/dev/null 2>&1 && gwbridge_was_there=1
node_pid=
cleanup() {
  [[ -f $TINYDOCK_RUN/swarm-sim/state.json ]] && "$TINYDOCK" swarm sim down >/dev/null 2>&1
  if [[ -n $node_pid ]]; then
    TINYDOCK_ROOT=$dir/one/root TINYDOCK_RUN=$dir/one/run "$TINYDOCK" swarm leave --force >/dev/null 2>&1
    for ((i = 0; i < 100; i++)); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$node_pid" 2>/dev/null
  fi
  stop_dockerd
  # `docker swarm init` makes a bridge of the host's for its containers' gateway, and leaves it
  ((gwbridge_was_there)) || ip link delete docker_gwbridge 2>/dev/null
  cd /
  rm -rf --one-file-system "$dir"
}
trap cleanup EXIT

# wait_for SECONDS COMMAND...: run COMMAND every 50 ms until it succeeds; 1 after SECONDS.
wait_for() {
  local limit=$1 end=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < end)) || { echo "after $limit s, still not: $*" >&2; return 1; }
    sleep 0.05
  done
}

# --- the machines -----------------------------------------------------------------------------
# A subnet and a bridge of the bench's own: `sim up` refuses a subnet the host routes already.
simulated=0
for x in 1 2 3 4 5 6 7 8; do
  if "$TINYDOCK" swarm sim up --managers 3 --workers 2 --subnet "10.197.$x.0/24" --bridge "tdbench$x" \
    >"$dir/up.log" 2>&1; then
    simulated=1
    break
  fi
  [[ -f $TINYDOCK_RUN/swarm-sim/state.json ]] && "$TINYDOCK" swarm sim down >/dev/null 2>&1
done
echo "(08-swarm: election timeout 1000 ms, Raft heartbeat 100 ms, node heartbeat 1000 ms and a node" \
  "down after 3 missed: the defaults; Docker Swarm's failover is not timed here: one daemon is one node)"

# `service ps` of SERVICE through MACHINE: true when COUNT tasks run, none on the node NOT.
running_elsewhere() {
  local out
  out=$("$TINYDOCK" --node "$1" service ps --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' "$2") ||
    return 1
  [[ $(grep -c . <<<"$out") == "$3" && $(grep -c ' Running ' <<<"$out") == "$3" ]] && ! grep -q "^$4 " <<<"$out"
}

worker_killed=0
ours_worker_before() {
  if ((worker_killed)); then
    "$TINYDOCK" swarm sim restart worker1 || return 1
    worker_killed=0
  fi
  "$TINYDOCK" --node manager1 service rm heal >/dev/null 2>&1
  wait_for 30 worker1_ready || return 1
  "$TINYDOCK" --node manager1 service create -q --name heal --replicas 6 busybox sleep 100000 || return 1
  wait_for 60 running_elsewhere manager1 heal 6 none || return 1
  # the scheduler spreads the 6 over the 5 nodes: worker1 has one or two of them
  "$TINYDOCK" --node manager1 service ps --filter desired-state=running --format '{{.Node}}' heal | grep -q '^worker1$'
}
worker1_ready() {
  [[ $("$TINYDOCK" --node manager1 node ls --filter name=worker1 --format '{{.Status}}') == Ready ]]
}
ours_worker() {
  "$TINYDOCK" swarm sim kill worker1 && worker_killed=1 && wait_for 60 running_elsewhere manager1 heal 6 worker1
}

# The leader, as a worker's node has it answered by the leader itself (it forwards the request).
leader_seen() { "$TINYDOCK" --node worker2 node ls --format '{{.Hostname}} {{.ManagerStatus}}' | awk '$2 == "Leader" { print $1 }'; }
settled() {
  local out
  out=$("$TINYDOCK" --node worker2 node ls --format '{{.Status}} {{.ManagerStatus}}') || return 1
  [[ $(grep -c '^Ready' <<<"$out") == 5 && $(grep -c -e ' Leader$' -e ' Reachable$' <<<"$out") == 3 ]]
}
victim= leader= survivor=
ours_leader_before() {
  if [[ -n $victim ]]; then
    "$TINYDOCK" swarm sim restart "$victim" || return 1
    victim=
  fi
  wait_for 60 settled || return 1
  leader=$(leader_seen)
  [[ $leader == manager[123] ]] || return 1
  survivor=manager1
  [[ $leader == manager1 ]] && survivor=manager2
  return 0
}
new_leader_answers() {
  local now
  now=$("$TINYDOCK" --node "$survivor" node ls --format '{{.Hostname}} {{.ManagerStatus}}' 2>/dev/null |
    awk '$2 == "Leader" { print $1 }')
  [[ -n $now && $now != "$leader" ]]
}
ours_leader() {
  "$TINYDOCK" swarm sim kill "$leader" && victim=$leader && wait_for 30 new_leader_answers
}

if ((simulated)); then
  time_sides "$(rounds 5)" "$(warmup 1)" ours_worker
  time_row "worker's power cut to 6/6 replicas (target 5000)" ours_worker "Docker Swarm: not timed (one node)" -
  ((worker_killed)) && "$TINYDOCK" swarm sim restart worker1 >/dev/null 2>&1
  "$TINYDOCK" --node manager1 service rm heal >/dev/null 2>&1
  time_sides "$(rounds 5)" "$(warmup 1)" ours_leader
  time_row "leader's power cut to a new leader (target 3000)" ours_leader "Docker Swarm: not timed (one node)" -
  "$TINYDOCK" swarm sim down >/dev/null 2>&1
else
  failed_row "swarm failover on simulated machines" "sim up failed: $(tail -n 1 "$dir/up.log")"
fi

# --- one node: service create until its task runs ----------------------------------------------
# tinydock's node on loopback, with state folders of its own.
one() { TINYDOCK_ROOT=$dir/one/root TINYDOCK_RUN=$dir/one/run "$TINYDOCK" "$@"; }
mkdir -p "$dir/one/root" "$dir/one/run"
port=$(shuf -i 20000-29999 -n 1)
ours_create_ok=0
if one swarm init --advertise-addr "127.0.0.1:$port" --listen-addr "127.0.0.1:$port" >"$dir/init.log" 2>&1; then
  node_pid=$(cat "$dir/one/run/swarm/node.pid")
  ours_create_ok=1
else
  record_failure ours_create "swarm init: $(tail -n 1 "$dir/init.log")"
fi
one_running() { [[ $(one service ps --filter desired-state=running --format '{{.CurrentState}}' "$1") == Running* ]]; }
ours_create() { one service create -d -q --name bench busybox sleep 100000 && wait_for 60 one_running bench; }
ours_create_after() {
  one service rm bench && wait_for 30 eval '[[ -z $(one ps -q --filter label=com.docker.swarm.service.name=bench) ]]'
}

docker_create=-
docker_running() { [[ $($docker service ps --filter desired-state=running --format '{{.CurrentState}}' "$1") == Running* ]]; }
dk_create() { $docker service create -d -q --name bench busybox:latest sleep 100000 && wait_for 60 docker_running bench; }
dk_create_after() {
  $docker service rm bench && wait_for 30 eval '[[ -z $($docker ps -aq --filter label=com.docker.swarm.service.name=bench) ]]'
}
if ! start_dockerd "$dir"; then
  echo "(docker service create is not timed: $dockerd_why)"
elif ! docker_port=$(shuf -i 30000-39999 -n 1) ||
  ! $docker swarm init --advertise-addr "127.0.0.1:$docker_port" --listen-addr "127.0.0.1:$docker_port" \
    >/dev/null 2>"$dir/err"; then
  echo "(docker service create is not timed: docker swarm init refused: $(tail -n 1 "$dir/err"))"
elif ! "$TINYDOCK" save busybox 2>"$dir/err" | $docker load >/dev/null 2>>"$dir/err"; then
  echo "(docker service create is not timed: busybox could not be loaded: $(tail -n 1 "$dir/err"))"
else
  docker_create=dk_create
fi
time_sides "$(rounds 10)" "$(warmup 1)" ours_create $docker_create
time_row "service create -d of 1 task to Running, 1 node" ours_create "docker service create -d, the same" $docker_create
exit 0
