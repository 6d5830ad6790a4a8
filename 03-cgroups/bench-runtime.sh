# bench-runtime.sh (03-cgroups) - the container runtime: one `run -d` + `stop` + `rm` cycle,
# next to Docker's when dockerd can run here, and the resident memory of the monitor that
# stays beside each container (tinydock's monitor; Docker's is containerd-shim-runc-v2).
#
# Docker gets a daemon of its own (bench-lib.sh's start_dockerd: its own folders and socket,
# no bridge, no iptables, stopped by its pid). Its image is our busybox rootfs, imported (no
# network needed). Both sides run three client commands per cycle, `sleep 60` with no network
# and an init that passes SIGTERM on (ours always, Docker's with --init), so `stop` is not a
# timeout. What differs: Docker's client asks a daemon, which asks containerd, which starts a
# shim, which runs runc; tinydock's client does the work itself and leaves a monitor behind.
source tests/bench-lib.sh
[[ $(id -u) == 0 ]] || { failed_row "run -d + stop + rm" "needs root"; exit 0; }
dir=$(mktemp -d /tmp/tinydock-bench-rt.XXXXXX)
export TINYDOCK_ROOT=$dir/root TINYDOCK_RUN=$dir/run
cleanup() {
  "$TINYDOCK" rm -f $("$TINYDOCK" ps -aq 2>/dev/null) >/dev/null 2>&1
  stop_dockerd
  rm -rf --one-file-system "$dir"
}
trap cleanup EXIT
"$TINYDOCK" rootfs "$dir/rootfs" >/dev/null || { failed_row "run -d + stop + rm" "tinydock rootfs failed"; exit 0; }

ours() {
  local id
  id=$("$TINYDOCK" run -d --network none --rootfs "$dir/rootfs" sleep 60) &&
    "$TINYDOCK" stop -t 1 "$id" && "$TINYDOCK" rm "$id"
}
theirs() {
  local id
  id=$($docker run -d --init --network none tinydock-bench sleep 60) && $docker stop -t 1 "$id" && $docker rm "$id"
}
peer=-
if start_dockerd "$dir"; then
  if tar -C "$dir/rootfs" -c . | $docker import - tinydock-bench:latest >/dev/null 2>"$dir/err"; then
    peer=theirs
  else
    failed_row "docker import of our rootfs" "$(tail -n 1 "$dir/err")"
  fi
else
  echo "    (03-cgroups: no Docker to compare with: $dockerd_why)"
fi
time_sides "$(rounds 20)" "$(warmup 2)" ours $peer
time_row "run -d + stop + rm, sleep 60, no network" ours "docker run -d --init/stop/rm, same" $peer

# The monitor's memory: VmRSS (what top shows) and its private part (RssAnon), from /proc,
# once the container has written its first line (its log has it).
ticking='while :; do echo tick; sleep 0.2; done'
id=$("$TINYDOCK" run -d --network none --rootfs "$dir/rootfs" sh -c "$ticking")
for ((i = 0; i < 250; i++)); do "$TINYDOCK" logs "$id" 2>/dev/null | grep -q tick && break; sleep 0.02; done
monitor=$(sed 's/.*"MonitorPid": \([0-9]*\).*/\1/' "$TINYDOCK_RUN/containers/$id/state.json")
# The monitor and its logger (the child that is not the container's init), added up.
logger=$(ps -o pid=,comm= --ppid "$monitor" | awk '$2 != "tinydock-init" { print $1; exit }')
kib() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$2/status"; }
rss=$(kib VmRSS "$monitor")
logger_rss=$(kib VmRSS "$logger")
anon=$(($(kib RssAnon "$monitor") + $(kib RssAnon "$logger")))
"$TINYDOCK" rm -f "$id" >/dev/null

shim_rss= shim_anon=
if [[ $peer != - ]] && cid=$($docker run -d --init --network none tinydock-bench sh -c "$ticking" 2>/dev/null); then
  for ((i = 0; i < 250; i++)); do $docker logs "$cid" 2>/dev/null | grep -q tick && break; sleep 0.02; done
  shim=$(pgrep -f "containerd-shim.*-id $cid" | head -1)
  if [[ -n $shim ]]; then
    shim_rss=$(kib VmRSS "$shim")
    shim_anon=$(kib RssAnon "$shim")
  fi
  $docker rm -f "$cid" >/dev/null 2>&1
fi
value_row "monitor VmRSS (shared pages included)" "$rss" "containerd-shim-runc-v2" "$shim_rss" KiB
value_row "its logger VmRSS (shared pages included)" "$logger_rss" "(Docker logs in dockerd)" "" KiB
value_row "monitor+logger RssAnon (their own memory)" "$anon" "containerd-shim-runc-v2" "$shim_anon" KiB
