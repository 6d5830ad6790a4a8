#!/usr/bin/env bash
# demo.sh (08-swarm) - the whole system, as the lecture tells it: build, ship, run, on a swarm.
#
# First the swarm's brain alone, in the simulator (no root, a second): a leader killed, a worker
# killed, two managers that cannot lose one. Then every chapter at once, for real (root): the
# shop's images built from their Dockerfiles (chapter 06), pushed to a registry (chapter 05) that
# every machine reaches, a swarm of 3 managers and 3 workers on simulated machines (network
# namespaces on a bridge), the shop's stack file (a compose file, chapter 07) deployed as
# services, its page fetched through the routing mesh of a node that runs none of its tasks;
# then a worker's power cut and the leader's, with the page still served and the replicas back.
# Everything is torn down at the end, after a failure and after Ctrl-C (the trap of on_exit).
# It takes about 12 s on a 2-core VM (test_demos runs it); DEMO_PAUSE=1 waits for Enter between steps.
set -euo pipefail
. "$(dirname "$0")/../01-chroot/demo-lib.sh"
demo_init 08
here=$(cd "$(dirname "$0")" && pwd)

# The timeline without the lines of the first placements, so each story fits a screen.
story() {
	show_command "$@"
	"$@" | grep -v -e 'is placed on' -e 'follows leader'
}

step "Chapter 08, first the brain alone: 3 managers, 5 workers in the simulator; the leader is killed"
story "$T" swarm simulate --managers 3 --workers 5 --seed 1 --scenario kill-leader
say "Another manager is elected in about 1.6 s; the change made meanwhile is committed by 2 of 3."

step "A worker is killed: after 3 missed heartbeats its node is down, its tasks move"
story "$T" swarm simulate --managers 3 --workers 5 --seed 1 --scenario kill-worker

step "2 managers, one killed: 1 of 2 is no majority, no leader, no change until it returns"
story "$T" swarm simulate --managers 2 --workers 5 --seed 1 --scenario kill-leader

if [ "$(id -u)" != 0 ]; then
	echo "demo: the rest (real machines, containers, a registry) needs root: sudo make demo CHAPTER=08" >&2
	exit 1
fi

# The simulated machines' subnet and bridge (another pair when a swarm of yours uses these).
subnet=${DEMO_SWARM_SUBNET:-10.199.0.0/24}
bridge=${DEMO_SWARM_BRIDGE:-td-swarmsim}
prefix=${subnet%.*/*}
host=$prefix.1 manager1=$prefix.11 manager2=$prefix.12 worker3=$prefix.23

dir=$(mktemp -d -t tinydock-demo08.XXXXXX)
registry_pid=
machines=
client_pid=
cleanup() {
	if [ -n "$client_pid" ]; then
		touch "$dir/client.stop"
		wait "$client_pid" 2>/dev/null || true
	fi
	if [ -n "$machines" ]; then
		"$T" swarm sim down >/dev/null 2>&1 || echo "demo: swarm sim down failed" >&2
	fi
	if [ -n "$registry_pid" ]; then
		kill -TERM "$registry_pid" 2>/dev/null || true
		wait_until 10 sh -c '! kill -0 "$0" 2>/dev/null' "$registry_pid" || kill -KILL "$registry_pid" 2>/dev/null || true
	fi
	rm -rf --one-file-system "$dir"
}
on_exit cleanup
export TINYDOCK_ROOT=$dir/state TINYDOCK_RUN=$dir/run
# Chapter 07's shop, with the two files a swarm needs beside it (examples/shop).
cp -r "$here/../07-compose/examples/shop" "$dir/shop"
cp "$here/examples/shop/website.Dockerfile" "$here/examples/shop/docker-stack.yml" "$dir/shop/"
cd "$dir"

step "Build (chapter 06): the shop's three images from their Dockerfiles"
show "$T" build -q -t busybox-httpd shop/busybox-httpd
show "$T" build -q -t shop/product:1 shop/product
show cat shop/website.Dockerfile
show "$T" build -q -t shop/website:1 -f shop/website.Dockerfile shop/website
say "A swarm mounts no folder of this machine: the website's pages go into its image."

step "The machines: 3 managers and 3 workers, each a network namespace with its own address and disk"
machines=up
show "$T" swarm sim up --managers 3 --workers 3 --subnet "$subnet" --bridge "$bridge"
say "Each machine ran what a person types on a real one: swarm init on manager1, swarm join on the others."

step "Ship (chapter 05): a registry on the host, at its address on the machines' bridge"
show_command "$T" registry serve -d --addr "$host:0" --root registry
registry_pid=$("$T" registry serve -d --addr "$host:0" --root registry)
wait_until 10 grep -q 'listening on' registry/registry.log
port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' registry/registry.log)
registry=$host:$port
for image in product website; do
	show "$T" tag "shop/$image:1" "$registry/shop/$image:1"
	show "$T" push "$registry/shop/$image:1"
done
show "$T" registry ls "$registry"
say "No machine has these images; each one that gets a task pulls it from here, as real hosts pull from theirs."

step "The swarm, asked on manager1: docker node ls"
show "$T" --node manager1 node ls
say "The lecture: \"Swarm nodes can act as managers (delegating tasks workers) and workers (executing the tasks assigned to them)\"."
say "Three managers agree through Raft (one Leader, two Reachable); the workers run what they are given."

step "Run (chapters 07 and 08): the shop's stack file, a compose file with deploy: keys"
show cat shop/docker-stack.yml
export REGISTRY=$registry
show "$T" --node manager1 stack deploy -c shop/docker-stack.yml shop
say "The lecture: \"You can define the desired state of the various services in your application stack, including the number of tasks to run in each service\"."
say "Written down, not started: the leader's orchestrator makes 5 tasks, its scheduler places them on the workers."

# All five tasks running, for 60 s at most: the first ones pull their image first.
replicas() { [ "$("$T" --node "$1" service ls --format '{{.Replicas}}' 2>/dev/null | tr '\n' ' ')" = "2/2 3/3 " ]; }
if ! wait_until 60 replicas manager1; then
	"$T" --node manager1 service ps shop_product-service shop_website >&2 || true
	echo "demo: the shop's 5 tasks did not all run in 60 s" >&2
	exit 1
fi
show "$T" --node manager1 service ls
show "$T" --node manager1 service ps shop_website
show "$T" --node worker1 ps

step "The page, through the routing mesh of manager1, which runs no task of the shop"
page=$dir/page
# Ask NODE's port 5000 for the page, into FILE ($page unless given): true when it lists products.
# busybox wget, as no curl is needed (its -T crashes in some builds: timeout bounds it instead).
# NODE's mesh relays to a website task on some worker, whose script asks
# http://shop_product-service/: the same mesh again, found by the service's name.
fetch() {
	local file=${2:-$page}
	timeout 10 busybox wget -q -O "$file" "http://$1:5000/" 2>/dev/null && grep -q '<li>' "$file"
}
if ! wait_until 20 fetch "$manager1"; then
	echo "demo: no page with products from $manager1:5000 in 20 s" >&2
	cat "$page" >&2 2>/dev/null || true
	exit 1
fi
show busybox wget -q -O - "http://$manager1:5000/"
say "The lecture: \"Swarm manager nodes assign each service in the swarm a unique DNS name and load balances running containers\"."
say "Any node's port 5000 answers: the browser does not know, or care, where the containers run."

# A client in the background, asking NODE for the page again and again from before a power cut
# until the swarm has recovered (client_stop), so that the requests the failover cost are counted.
client_start() {
	rm -f "$dir/client.stop"
	(
		ok=0 failed=0
		while [ ! -e "$dir/client.stop" ]; do
			if fetch "$1" "$dir/client.page"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
		done
		echo "(meanwhile, $((ok + failed)) requests through $1:5000, $failed of them without the products)" >"$dir/client.result"
	) &
	client_pid=$!
}
client_stop() {
	touch "$dir/client.stop"
	wait "$client_pid"
	client_pid=
	cat "$dir/client.result"
}

# Requests through the mesh, counted: how many of count answered with the shop's products.
count_pages() {
	local node=$1 count=$2 good=0 i
	for ((i = 0; i < count; i++)); do
		if fetch "$node"; then good=$((good + 1)); fi
	done
	echo "$good of $count requests through $node:5000 answered with the products"
}

step "A worker's power cut: worker1 and its containers are gone at once"
client_start "$worker3"
start=$SECONDS
show "$T" swarm sim kill worker1
restored() {
	replicas "$1" && ! "$T" --node "$1" service ps --filter desired-state=running \
		--format '{{.Node}}' shop_product-service shop_website | grep -qx worker1
}
if ! wait_until 60 restored manager1; then
	echo "demo: the replicas were not restored in 60 s" >&2
	exit 1
fi
echo "(every replica running again, none on worker1, $((SECONDS - start)) s after the power cut)"
client_stop
say "The mesh skips a task that does not answer its connect and tries the next: a request is lost only if it was under way on worker1."
show "$T" --node manager1 node ls
show "$T" --node manager1 service ps shop_website
say "3 missed heartbeats: worker1 is Down, its tasks Orphaned; the orchestrator made new ones on the others."
say "The lecture: \"Worker fails → worker's containers are assigned to another worker\"; the managers \"reconcile any differences between the actual state and your expressed desired state\"."

step "The leader's power cut: manager1, the Raft leader, is killed"
client_start "$manager2"
show "$T" swarm sim kill manager1
start=$SECONDS
# Asked of manager2, which knows who leads once there is a leader again (leader is set to it).
new_leader() {
	leader=$("$T" --node manager2 node ls --format '{{.Hostname}} {{.ManagerStatus}}' 2>/dev/null |
		sed -n 's/^\(manager[23]\) Leader$/\1/p')
	[ -n "$leader" ]
}
if ! wait_until 30 new_leader; then
	echo "demo: no new leader in 30 s" >&2
	exit 1
fi
echo "(a new leader answering $((SECONDS - start)) s after the kill)"
# The new leader marks the old one Unreachable, and its node Down after 3 missed heartbeats.
old_leader_down() { "$T" --node "$leader" node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' 2>/dev/null | grep -qx 'manager1 Down Unreachable'; }
wait_until 15 old_leader_down || true
client_stop
show "$T" --node "$leader" node ls
show "$T" --node "$leader" service ls
say "2 managers of 3 are a majority: they elected a leader, and every service, every replica count is still there."
say "The lecture: \"Manager fails → manager's workers are assigned to another manager\"."
count_pages "$manager2" 10

step "A change after the failover: the website scaled to 4, through the new leader"
show "$T" --node "$leader" service scale -d shop_website=4
four() { "$T" --node "$leader" service ls --filter name=shop_website --format '{{.Replicas}}' 2>/dev/null | grep -qx 4/4; }
if ! wait_until 60 four; then
	echo "demo: shop_website did not reach 4 running tasks in 60 s" >&2
	exit 1
fi
show "$T" --node "$leader" service ps --filter desired-state=running shop_website
show busybox wget -q -O - "http://$worker3:5000/"

step "Tear down: the stack, the machines, the registry"
show "$T" --node "$leader" stack rm shop
show "$T" swarm sim down
machines=
say "Nothing left: no machine, no bridge, no container; the clean-up removes the registry and this demo's folder."
