#!/usr/bin/env bash
# bench-net.sh (02-namespaces, networking) - the port proxy's throughput (an upload and a
# download of 1 GiB) next to a direct connection and to docker-proxy, the time to plug a
# network namespace into a bridge next to the same steps done with iproute2's `ip`, the
# start time of `tinydock run` on the default bridge network next to --network none, and
# the memory of a `run` that publishes a port (the monitor with its proxy). Sourced setup
# comes from bench-lib.sh; tests/bench.sh calls this script. Traffic stays on loopback and
# on a bridge made here.
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench-net.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [[ -n ${bridge:-} ]] && ip link del "$bridge" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

# --- proxy throughput ------------------------------------------------------------------
# Two servers: a sink that reads until EOF and answers with the byte count (an upload: the
# client sends), and a source that sends BYTES to each client and closes (a download). The
# client times the whole exchange; every side uses 1 MiB buffers, so the path is measured.
if have python3; then
  cat >"$dir/servers.py" <<'PY'
import socket, sys, threading
total = int(sys.argv[1])
def serve(s, handle):
    while True:
        c, _ = s.accept(); handle(c); c.close()
def sink(c):
    buf, n, got = bytearray(1 << 20), 1, 0
    while n:
        n = c.recv_into(buf); got += n
    c.sendall(str(got).encode())
def source(c):
    chunk, sent = b"\0" * (1 << 20), 0
    while sent < total:
        c.sendall(chunk); sent += len(chunk)
ports = []
for handle in (sink, source):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0)); s.listen(16); ports.append(str(s.getsockname()[1]))
    threading.Thread(target=serve, args=(s, handle), daemon=True).start()
print(" ".join(ports), flush=True)
threading.Event().wait()
PY
  cat >"$dir/client.py" <<'PY'
import socket, sys, time
direction, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for attempt in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", port)); break
    except OSError:
        time.sleep(0.02)
start = time.monotonic()
if direction == "up":
    chunk, sent = b"\0" * (1 << 20), 0
    while sent < total:
        c.sendall(chunk); sent += len(chunk)
    c.shutdown(socket.SHUT_WR)
    answer = c.recv(64); got = int(answer)
else:
    buf, n, got = bytearray(1 << 20), 1, 0
    while n:
        n = c.recv_into(buf); got += n
elapsed = time.monotonic() - start
assert got == total, got
print("%.0f" % (total / elapsed / 1e6))
PY
  bytes=$((1024 * 1024 * 1024))
  python3 "$dir/servers.py" "$bytes" >"$dir/ports" & pids+=($!)
  for _ in $(seq 100); do [[ -s $dir/ports ]] && break; sleep 0.02; done
  read -r sink source <"$dir/ports"
  "$TINYDOCK" proxy -p "127.0.0.1:0:$sink" -p "127.0.0.1:0:$source" --to 127.0.0.1 >"$dir/proxy" & pids+=($!)
  for _ in $(seq 100); do [[ $(wc -l <"$dir/proxy") == 2 ]] && break; sleep 0.02; done
  proxy_port() { sed -n "s/^127\.0\.0\.1:\([0-9]*\)->127\.0\.0\.1:$1\/.*/\1/p" "$dir/proxy"; }
  proxy_sink=$(proxy_port "$sink") proxy_source=$(proxy_port "$source")
  docker_sink= docker_source=
  if have docker-proxy; then
    # docker-proxy reports "0" (started) or "1 <error>" on fd 3, as dockerd expects, then
    # closes fd 3: without one open, it would close its own listening socket instead.
    for target in sink source; do
      port=$((20000 + RANDOM % 20000))
      docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port "$port" -container-ip 127.0.0.1 \
        -container-port "${!target}" 3>"$dir/docker-$target" 2>/dev/null & pids+=($!)
      for _ in $(seq 100); do [[ -s $dir/docker-$target ]] && break; sleep 0.02; done
      printf -v "docker_$target" %s "$port"
    done
  fi
  # Five rounds; each round measures every path once, one after the other, so that all of
  # them see the same load of a shared machine. The median of the five is reported.
  for _ in 1 2 3 4 5; do
    for path in direct ours docker; do
      case $path in
        direct) up=$sink down=$source ;;
        ours) up=$proxy_sink down=$proxy_source ;;
        docker) up=$docker_sink down=$docker_source ;;
      esac
      [[ -n $up ]] || continue
      python3 "$dir/client.py" up "$up" "$bytes" >>"$dir/up.$path"
      python3 "$dir/client.py" down "$down" "$bytes" >>"$dir/down.$path"
    done
  done
  median() { [[ -s $1 ]] && sort -n "$1" | sed -n 3p || echo -; }
  rate_row "port proxy, 1 GiB upload on loopback" "$(median "$dir/up.ours")" "direct connection" "$(median "$dir/up.direct")" MB/s
  rate_row "port proxy, 1 GiB download on loopback" "$(median "$dir/down.ours")" "direct connection" "$(median "$dir/down.direct")" MB/s
  if [[ -n $docker_sink ]]; then
    rate_row "port proxy, 1 GiB upload on loopback" "$(median "$dir/up.ours")" "docker-proxy" "$(median "$dir/up.docker")" MB/s
    rate_row "port proxy, 1 GiB download on loopback" "$(median "$dir/down.ours")" "docker-proxy" "$(median "$dir/down.docker")" MB/s
  fi
fi

# --- attaching a namespace to a bridge -------------------------------------------------
if [[ $(id -u) == 0 ]] && have unshare; then
  export TINYDOCK_ROOT=$dir/root TINYDOCK_RUN=$dir/run
  export TINYDOCK_BRIDGE=tdb$$ TINYDOCK_BRIDGE_SUBNET=10.250.$((20 + $$ % 200)).0/24
  bridge=$TINYDOCK_BRIDGE
  unshare --net sleep 600 & ns=$!; pids+=($ns)
  sleep 0.1
  if ! "$TINYDOCK" network connect bridge "$ns" >/dev/null; then
    row "network connect (veth, address, route)" - "ip(8) + nsenter(1)" - ms
    exit 0
  fi
  "$TINYDOCK" network disconnect bridge "$ns"
  times=()
  for _ in $(seq 30); do
    start=$(now_ns)
    "$TINYDOCK" network connect bridge "$ns" >/dev/null
    end=$(now_ns)
    "$TINYDOCK" network disconnect bridge "$ns"
    times+=($((end - start)))
  done
  ours=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f\n", a[int((NR + 1) / 2)] / 1e6 }')
  theirs=-
  if have ip && have nsenter; then
    gateway=${TINYDOCK_BRIDGE_SUBNET%.0/24}.1
    times=()
    for _ in $(seq 30); do
      start=$(now_ns)
      ip link add vethbench$$ type veth peer name eth0 netns "$ns" &&
        ip link set vethbench$$ master "$bridge" up &&
        nsenter -t "$ns" -n ip link set lo up &&
        nsenter -t "$ns" -n ip addr add "${TINYDOCK_BRIDGE_SUBNET%.0/24}.2/24" dev eth0 &&
        nsenter -t "$ns" -n ip link set eth0 up &&
        nsenter -t "$ns" -n ip route add default via "$gateway"
      end=$(now_ns)
      ip link del vethbench$$
      times+=($((end - start)))
    done
    theirs=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f\n", a[int((NR + 1) / 2)] / 1e6 }')
  fi
  row "network connect (veth, address, route)" "$ours" "ip(8) + nsenter(1)" "$theirs" ms

  # --- run: the default bridge network next to none ------------------------------------
  if "$TINYDOCK" rootfs "$dir/rootfs" >/dev/null 2>&1; then
    bridged=$(median_ms 100 "$TINYDOCK" run --rootfs "$dir/rootfs" /bin/true)
    alone=$(median_ms 100 "$TINYDOCK" run --rootfs "$dir/rootfs" --network none /bin/true)
    row "run /bin/true (default bridge network)" "$bridged" "run --network none" "$alone" ms
    # The monitor's resident memory while it serves a published port (VmRSS, /proc/PID/status).
    "$TINYDOCK" run --rootfs "$dir/rootfs" -p 127.0.0.1::80 sleep 30 & pids+=($!)
    run_pid=$!
    sleep 0.5
    # VmRSS counts the pages of libc and of the binary it shares with every other process;
    # RssAnon is its own memory (heap, stacks, the proxy's state).
    # Pss shares each shared page among the processes that map it: its fair share.
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$run_pid/status" 2>/dev/null)
    anon=$(awk '/^RssAnon:/ { print $2 }' "/proc/$run_pid/status" 2>/dev/null)
    pss=$(awk '/^Pss:/ { print $2 }' "/proc/$run_pid/smaps_rollup" 2>/dev/null)
    row "run -p: the monitor and its proxy, resident" "${rss:--}" "target" 2048 KiB
    row "run -p: ... of which its own (RssAnon)" "${anon:--}" "target" 2048 KiB
    row "run -p: ... its fair share (Pss)" "${pss:--}" "target" 2048 KiB
    # Wait for it to stop the container and unmount its root: a second SIGTERM from
    # cleanup() while it does would leave the mount behind, and rm -rf could not remove it.
    kill "$run_pid" 2>/dev/null
    wait "$run_pid" 2>/dev/null
  fi
fi
exit 0
