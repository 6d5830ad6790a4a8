#!/usr/bin/env bash
# demo.sh (02-namespaces) - the jail of chapter 01 becomes a container, one namespace at a time.
set -euo pipefail
. "$(dirname "$0")/../01-chroot/demo-lib.sh"
demo_init 02

dir=$(mktemp -d /tmp/tinydock-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
# The demo's networks and addresses are kept in its own folder; the default bridge is the
# real one (tinydock0, or $TINYDOCK_BRIDGE), and it stays, as Docker's docker0 does.
export TINYDOCK_ROOT=$dir/state TINYDOCK_RUN=$dir/run
chmod 755 "$dir" # the user namespace's root (uid 100000 outside) must reach the rootfs
"$T" rootfs "$dir/rootfs" >/dev/null
cp "$ESCAPE" "$dir/rootfs/bin/"
touch "$dir/host-secret"

step "Chapter 02: its own processes (PID 1 is tinydock's init, the command is PID 2)"
show "$T" run --rootfs "$dir/rootfs" ps

step "Its own hostname (UTS namespace); the host keeps its own"
show "$T" run --rootfs "$dir/rootfs" --hostname web hostname
show hostname

step "Its own network: with --network none, only loopback, up (network namespace)"
show "$T" run --rootfs "$dir/rootfs" --network none ip -o addr

step "By default, as Docker: the bridge network, eth0 with an address and a route to the bridge"
show "$T" run --rootfs "$dir/rootfs" sh -c 'ip -o -4 addr show eth0; ip route'

step "A published port: the host reaches busybox httpd in the container (-p 127.0.0.1:8080:80)"
mkdir -p "$dir/rootfs/www" && echo "hello from a tinydock container" >"$dir/rootfs/www/index.html"
"$T" run --rootfs "$dir/rootfs" -p 127.0.0.1:8080:80 httpd -f -p 80 -h /www &
web=$!
sleep 0.5
if command -v curl >/dev/null; then show curl -s http://127.0.0.1:8080/; else show busybox wget -qO- http://127.0.0.1:8080/; fi
kill -TERM $web && wait $web || true

step "Containers find each other by name on a user network"
show "$T" network create --subnet 10.250.250.0/24 demo-shop >/dev/null
"$T" run --rootfs "$dir/rootfs" --network demo-shop --name db sleep 30 &
db=$!
sleep 0.5
show "$T" run --rootfs "$dir/rootfs" --network demo-shop --name web ping -c 2 db
kill -TERM $db && wait $db || true
show "$T" network rm demo-shop

step "Its own mounts, and the host's root is gone: chapter 01's escape fails"
show "$T" run --rootfs "$dir/rootfs" df
show "$T" chroot "$dir/rootfs" chroot-escape --check "$dir/host-secret"
show "$T" run --rootfs "$dir/rootfs" chroot-escape --check "$dir/host-secret" || echo "(exit $?: still jailed)"

step "Root inside, uid 100000 outside (user namespace)"
show "$T" run --userns --rootfs "$dir/rootfs" sh -c 'id; cat /proc/self/uid_map'

step "SIGTERM stops even a command that ignores it as PID 1 would (sleep), at once"
"$T" run --rootfs "$dir/rootfs" sleep 60 &
sleep 0.3
start=$(date +%s%N)
kill -TERM $! && wait $! || echo "exit $? after $(( ($(date +%s%N) - start) / 1000000 )) ms"

step "Every step, as the kernel sees it"
show "$T" --explain run --rootfs "$dir/rootfs" --hostname web true 2>&1 | grep -E '\] (clone|pivot_root|umount2|sethostname|execve)\('
