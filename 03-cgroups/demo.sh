#!/usr/bin/env bash
# demo.sh (03-cgroups) - limits the kernel enforces, and containers that outlive the command.
#
# Every limit here is set on a cgroup and enforced by the kernel: a memory hog is killed at
# 32 MiB, a program forking 1000 children stops at 20 processes, a busy loop gets half a CPU.
# Each container lives in its own PID namespace, so stopping it ends every process it made;
# the trap removes them all, whatever happens.
set -euo pipefail
. "$(dirname "$0")/../01-chroot/demo-lib.sh"
demo_init 03

dir=$(mktemp -d -t tinydock-demo03.XXXXXX)
cleanup() {
	"$T" rm -f demo-oom demo-spin demo-bomb demo-web >/dev/null 2>&1 || true
	rm -rf --one-file-system "$dir"
}
on_exit cleanup
export TINYDOCK_ROOT=$dir/state TINYDOCK_RUN=$dir/run
cd "$dir"
"$T" rootfs rootfs >/dev/null
cp "$PROBE" rootfs/bin/probe
box=(--network none --rootfs rootfs)

step "Chapter 03: which cgroup hierarchies this machine has (v1, v2 or both: hybrid)"
show "$T" cgroup info

step "A memory limit: a program that wants 64 MiB in a 32 MiB container is killed by the kernel"
show "$T" run --name demo-oom -m 32m --memory-swap 32m "${box[@]}" probe alloc 64 || say "(exit $?: 128 + 9, killed by SIGKILL)"
say "The OOM killer acted inside the cgroup only; the record says so, as docker inspect does (the lines that matter):"
show "$T" inspect demo-oom | grep -E '"(Status|ExitCode|OOMKilled|Memory)"'

step "A CPU limit: a busy loop at --cpus 0.5 gets half of one CPU, as stats shows"
show "$T" run -d --name demo-spin --cpus 0.5 "${box[@]}" sh -c 'while :; do :; done' >/dev/null
wait_until 10 sh -c '"$0" stats --no-stream demo-spin | grep -q "demo-spin .*[1-9][0-9]*\.[0-9][0-9]%"' "$T" || true
show "$T" stats --no-stream demo-spin
show "$T" rm -f demo-spin

step "A fork bomb stopped by --pids-limit 20: a program that forks 1000 children gets 18"
show "$T" run --name demo-bomb --pids-limit 20 "${box[@]}" probe fork 1000
say "fork() failed with EAGAIN once the cgroup held 20 processes (init, the probe, 18 children);"
say "a real fork bomb meets the same wall, and the host's process table never fills up."

step "A container in the background: run -d, ps, logs, stop"
show "$T" run -d --name demo-web -m 64m "${box[@]}" sh -c 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 1; done'
wait_until 10 sh -c '"$0" logs demo-web | grep -q "tick 2"' "$T"
show "$T" ps
show "$T" logs demo-web
show "$T" stop demo-web
say "stop sent SIGTERM to the container's init (PID 1), which passed it on to the shell: exit 143 is 128 + 15."
show "$T" ps -a
