# bench-runtime.sh (03-cgroups) - the container runtime: one `run -d` + `stop` + `rm` cycle,
# next to Docker's when dockerd can run here, and the resident memory of the monitor that
# stays beside each container (tinydock's monitor; Docker's is containerd-shim-runc-v2).
#
# Docker gets a daemon of its own, started here only if docker.io is installed and none runs:
# its own data root and socket under a temp folder, no bridge, no iptables; stopped by its pid.
# Its image is our busybox rootfs, imported (no network needed). Both run `sleep 60` with an
# init that passes SIGTERM on (ours always, Docker's with --init), so `stop` is not a timeout.
source tests/bench-lib.sh
[[ $(id -u) == 0 ]] || { row "run -d + stop + rm (needs root)" - "docker" - ms; exit 0; }
dir=$(mktemp -d /tmp/tinydock-bench-rt.XXXXXX)
export TINYDOCK_ROOT=$dir/root TINYDOCK_RUN=$dir/run
dockerd_pid=
cleanup() {
  "$TINYDOCK" rm -f $("$TINYDOCK" ps -aq 2>/dev/null) >/dev/null 2>&1
  if [[ -n $dockerd_pid ]]; then
    docker -H "unix://$dir/docker.sock" rm -f $(docker -H "unix://$dir/docker.sock" ps -aq) >/dev/null 2>&1
    kill "$dockerd_pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  umount -R "$dir/docker" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
"$TINYDOCK" rootfs "$dir/rootfs" >/dev/null || exit 1

cat > "$dir/ours.sh" <<SH
#!/bin/sh
id=\$("$TINYDOCK" run -d --rootfs "$dir/rootfs" sleep 60) && "$TINYDOCK" stop -t 1 \$id >/dev/null && "$TINYDOCK" rm \$id >/dev/null
SH
chmod +x "$dir/ours.sh"
ours=$(median_ms 20 "$dir/ours.sh")

# The monitor's memory: VmRSS (what top shows) and its private part (RssAnon), from /proc.
id=$("$TINYDOCK" run -d --rootfs "$dir/rootfs" sh -c 'while :; do echo tick; sleep 0.2; done')
sleep 1
monitor=$(sed 's/.*"MonitorPid": \([0-9]*\).*/\1/' "$TINYDOCK_RUN/containers/$id/state.json")
# The monitor and its logger (the child that is not the container's init), added up.
logger=$(ps -o pid=,comm= --ppid "$monitor" | awk '$2 != "tinydock-init" { print $1; exit }')
kib() { awk -v k="$1" '$1 == k":" { print $2 }' /proc/$2/status; }
rss=$(kib VmRSS $monitor)
logger_rss=$(kib VmRSS $logger)
anon=$(( $(kib RssAnon $monitor) + $(kib RssAnon $logger) ))
"$TINYDOCK" rm -f "$id" >/dev/null

theirs=- shim_rss=- shim_anon=-
if have dockerd && have docker && [[ ! -S /var/run/docker.sock ]]; then
  dockerd --data-root "$dir/docker" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
    -H "unix://$dir/docker.sock" --iptables=false --ip-forward=false --bridge=none \
    >"$dir/dockerd.log" 2>&1 &
  dockerd_pid=$!
  D="docker -H unix://$dir/docker.sock"
  for _ in $(seq 150); do $D version >/dev/null 2>&1 && break; sleep 0.2; done
  if $D version >/dev/null 2>&1 && tar -C "$dir/rootfs" -c . | $D import - tinydock-bench:latest >/dev/null 2>&1; then
    cat > "$dir/theirs.sh" <<SH
#!/bin/sh
id=\$($D run -d --init --network none tinydock-bench sleep 60) && $D stop -t 1 \$id >/dev/null && $D rm \$id >/dev/null
SH
    chmod +x "$dir/theirs.sh"
    "$dir/theirs.sh" >/dev/null 2>&1 && theirs=$(median_ms 10 "$dir/theirs.sh")
    cid=$($D run -d --init --network none tinydock-bench sh -c 'while :; do echo tick; sleep 0.2; done' 2>/dev/null)
    sleep 1
    shim=$(pgrep -f "containerd-shim.*${cid:0:12}" | head -1)
    [[ -z $shim ]] && shim=$(pgrep -f "containerd-shim" -n)
    if [[ -n $shim ]]; then
      shim_rss=$(awk '/^VmRSS/ { print $2 }' /proc/$shim/status)
      shim_anon=$(awk '/^RssAnon/ { print $2 }' /proc/$shim/status)
    fi
    $D rm -f "$cid" >/dev/null 2>&1
  else
    echo "(03-cgroups: dockerd could not run here; see $dir/dockerd.log)" >&2
  fi
fi
row "run -d + stop + rm (sleep 60)" "$ours" "docker run -d/stop/rm" "$theirs" ms
row "monitor VmRSS (shared pages included)" "$rss" "containerd-shim" "$shim_rss" KiB
row "its logger VmRSS (shared pages included)" "$logger_rss" "-" - KiB
row "monitor+logger RssAnon (their own memory)" "$anon" "containerd-shim" "$shim_anon" KiB
