# bench.sh (03-cgroups) - the cost of a cgroup around one command: create it, write the limits,
# move the process in, run /bin/true, read the usage, remove it. The peer is the same steps done
# by hand in sh with mkdir, echo and rmdir (what the README's lab does), on this machine's layout.
source tests/bench-lib.sh
[[ $(id -u) == 0 ]] || { row "cgroup run /bin/true (needs root)" - "sh mkdir/echo/rmdir" - ms; exit 0; }
dir=$(mktemp -d /tmp/tinydock-bench.XXXXXX)
parent="tinydock-bench-$$"
trap 'rm -rf "$dir"; for d in /sys/fs/cgroup/*/"$parent" /sys/fs/cgroup/"$parent"; do rmdir "$d" 2>/dev/null; done' EXIT

# The peer: one cgroup with the same three limits, by hand.
cat > "$dir/by-hand.sh" <<'SH'
#!/bin/sh
id="run-$$"; p="$PARENT"; r=/sys/fs/cgroup
if [ -f $r/cgroup.controllers ]; then
  mkdir -p $r/$p && echo "+memory +cpu +pids" > $r/$p/cgroup.subtree_control
  c=$r/$p/$id; mkdir $c
  echo 67108864 > $c/memory.max; echo "50000 100000" > $c/cpu.max; echo 50 > $c/pids.max
  sh -c 'echo $$ > '$c'/cgroup.procs; exec /bin/true'
  cat $c/memory.peak $c/cpu.stat > /dev/null; rmdir $c
else
  for t in memory cpu cpuacct pids; do mkdir -p $r/$t/$p/$id; done
  echo 67108864 > $r/memory/$p/$id/memory.limit_in_bytes
  echo 100000 > $r/cpu/$p/$id/cpu.cfs_period_us; echo 50000 > $r/cpu/$p/$id/cpu.cfs_quota_us
  echo 50 > $r/pids/$p/$id/pids.max
  sh -c 'for t in memory cpu cpuacct pids; do echo $$ > '$r'/$t/'$p'/'$id'/cgroup.procs; done; exec /bin/true'
  cat $r/memory/$p/$id/memory.max_usage_in_bytes $r/cpuacct/$p/$id/cpuacct.usage > /dev/null
  for t in memory cpu cpuacct pids; do rmdir $r/$t/$p/$id; done
fi
SH
chmod +x "$dir/by-hand.sh"

ours=$(median_ms 50 "$TINYDOCK" cgroup run --cgroup-parent "$parent" --memory 64m --cpus 0.5 --pids-limit 50 /bin/true)
theirs=$(PARENT="$parent" median_ms 50 "$dir/by-hand.sh")
row "cgroup run --memory --cpus --pids /bin/true" "$ours" "sh mkdir/echo/rmdir" "$theirs" ms
