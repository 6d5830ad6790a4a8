# bench.sh (03-cgroups) - the cost of a cgroup around one command: create it, write the limits,
# move the process in, run /bin/true, read the usage, remove it. The peer is the same steps done
# by hand in sh (what the README's lab does), on this machine's layout: 5 processes (sh, mkdir,
# the sh that moves itself in and execs /bin/true, cat, rmdir) where tinydock is 2 (itself and
# the command).
source tests/bench-lib.sh
[[ $(id -u) == 0 ]] || { failed_row "cgroup run /bin/true" "needs root"; exit 0; }
dir=$(mktemp -d /tmp/tinydock-bench.XXXXXX)
parent="tinydock-bench-$$"
trap 'rm -rf "$dir"; for d in /sys/fs/cgroup/*/"$parent" /sys/fs/cgroup/"$parent"; do rmdir "$d" 2>/dev/null; done' EXIT

# The peer: one cgroup with the same three limits, by hand. It stops at the first failure.
cat > "$dir/by-hand.sh" <<'SH'
#!/bin/sh
set -e
id="run-$$"; p="$PARENT"; r=/sys/fs/cgroup
if [ -f $r/cgroup.controllers ]; then
  mkdir -p $r/$p $r/$p/$id
  c=$r/$p/$id
  echo "+memory +cpu +pids" > $r/$p/cgroup.subtree_control
  echo 67108864 > $c/memory.max; echo "50000 100000" > $c/cpu.max; echo 50 > $c/pids.max
  sh -c 'echo $$ > '$c'/cgroup.procs; exec /bin/true'
  cat $c/memory.peak $c/cpu.stat > /dev/null; rmdir $c
else
  mkdir -p $r/memory/$p/$id $r/cpu/$p/$id $r/cpuacct/$p/$id $r/pids/$p/$id
  echo 67108864 > $r/memory/$p/$id/memory.limit_in_bytes
  echo 100000 > $r/cpu/$p/$id/cpu.cfs_period_us; echo 50000 > $r/cpu/$p/$id/cpu.cfs_quota_us
  echo 50 > $r/pids/$p/$id/pids.max
  sh -c 'for t in memory cpu cpuacct pids; do echo $$ > '$r'/$t/'$p'/'$id'/cgroup.procs; done; exec /bin/true'
  cat $r/memory/$p/$id/memory.max_usage_in_bytes $r/cpuacct/$p/$id/cpuacct.usage > /dev/null
  rmdir $r/memory/$p/$id $r/cpu/$p/$id $r/cpuacct/$p/$id $r/pids/$p/$id
fi
SH
chmod +x "$dir/by-hand.sh"

ours() { "$TINYDOCK" cgroup run --cgroup-parent "$parent" --memory 64m --cpus 0.5 --pids-limit 50 /bin/true; }
theirs() { PARENT="$parent" "$dir/by-hand.sh"; }
time_sides "$(rounds 50)" "$(warmup 3)" ours theirs
time_row "cgroup run --memory --cpus --pids /bin/true" ours "the same steps in sh(1), 5 processes" theirs
