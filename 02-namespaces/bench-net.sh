#!/usr/bin/env bash
# bench-net.sh (02-namespaces, networking) - the port proxy's throughput (an upload and a
# download of 1 GiB) next to a direct connection and to docker-proxy, the time to plug a
# network namespace into a bridge next to the same steps done with iproute2's `ip`, the
# start time of `tinydock run` on the default bridge network next to --network none, and
# the memory of a `run` that publishes a port (the monitor with its proxy). Timing and rows
# come from bench-lib.sh; tests/bench.sh calls this script. Traffic stays on loopback and
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
# client sends), and a source that sends BYTES to each client and closes (a download). Every
# path is timed by the same client, from its connection to the last byte (so Python's start-up
# is left out alike); every side uses 1 MiB buffers, so the path is measured. A transfer that
# fails (a short count, a refused connection) fails its path's row.
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
print("%.3f" % (elapsed * 1000))
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
  # Rounds as bench-lib.sh's time_sides does them: each round measures every path once, in
  # turn from a different first path, so that all of them see the same load of a shared machine.
  paths=(direct ours); [[ -n $docker_sink ]] && paths+=(docker)
  n=${#paths[@]} runs=$(rounds 5) warm=$(warmup 1)
  for ((r = 0; r < warm + runs; r++)); do
    for ((i = 0; i < n; i++)); do
      path=${paths[(r + i) % n]}
      case $path in
        direct) up=$sink down=$source ;;
        ours) up=$proxy_sink down=$proxy_source ;;
        docker) up=$docker_sink down=$docker_source ;;
      esac
      for direction in up down; do
        port=$up; [[ $direction == down ]] && port=$down
        if ! ms=$(python3 "$dir/client.py" "$direction" "$port" "$bytes" 2>"$dir/err"); then
          record_failure "$direction-$path" "client.py: $(tail -n 1 "$dir/err")"
        elif ((r >= warm)); then
          record_sample "$direction-$path" "$ms"
        fi
      done
    done
  done
  mb=$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')
  rate_row "port proxy, 1 GiB upload on loopback" up-ours "direct connection (no proxy)" up-direct "$mb"
  rate_row "port proxy, 1 GiB download on loopback" down-ours "direct connection (no proxy)" down-direct "$mb"
  if [[ -n $docker_sink ]]; then
    rate_row "port proxy, 1 GiB upload on loopback" up-ours "docker-proxy, same transfer" up-docker "$mb"
    rate_row "port proxy, 1 GiB download on loopback" down-ours "docker-proxy, same transfer" down-docker "$mb"
  fi
else
  failed_row "port proxy, 1 GiB on loopback" "python3 is not installed (the servers and the client are Python)"
fi

# --- attaching a namespace to a bridge -------------------------------------------------
# tinydock network connect: a veth pair with one end in the namespace, on the bridge, up;
# inside: lo up, the address (leased from the network's records), eth0 up, a default route;
# then the records (endpoints, /etc/hosts, resolv.conf). The peer does the same six kernel
# steps with iproute2, two processes reading batch files (ip -batch), and keeps no records.
if [[ $(id -u) == 0 ]] && have unshare; then
  export TINYDOCK_ROOT=$dir/root TINYDOCK_RUN=$dir/run
  export TINYDOCK_BRIDGE=tdb$$ TINYDOCK_BRIDGE_SUBNET=10.250.$((20 + $$ % 200)).0/24
  bridge=$TINYDOCK_BRIDGE
  unshare --net sleep 600 & ns=$!; pids+=($ns)
  # the namespace exists once unshare has exec'd sleep
  for ((i = 0; i < 100; i++)); do [[ $(readlink /proc/$ns/ns/net) != $(readlink /proc/self/ns/net) ]] && break; sleep 0.02; done
  net=${TINYDOCK_BRIDGE_SUBNET%.0/24}
  printf 'link add vethbench%s type veth peer name eth0 netns %s\nlink set vethbench%s master %s up\n' $$ "$ns" $$ "$bridge" > "$dir/host.ip"
  printf 'link set lo up\naddr add %s.2/24 dev eth0\nlink set eth0 up\nroute add default via %s.1\n' "$net" "$net" > "$dir/inside.ip"
  ours() { "$TINYDOCK" network connect bridge "$ns"; }
  ours_after() { "$TINYDOCK" network disconnect bridge "$ns"; }
  theirs() { ip -batch "$dir/host.ip" && nsenter -t "$ns" -n ip -batch "$dir/inside.ip"; }
  theirs_after() { ip link del vethbench$$; }
  # the first connect makes the bridge (and its address): not what is measured, so made here
  if "$TINYDOCK" network connect bridge "$ns" >/dev/null 2>"$dir/err" && "$TINYDOCK" network disconnect bridge "$ns"; then
    peer=theirs; have ip && have nsenter || peer=-
    time_sides "$(rounds 30)" "$(warmup 3)" ours $peer
    time_row "network connect (veth, address, route)" ours "ip -batch + nsenter ip -batch, no records" $peer
  else
    failed_row "network connect (veth, address, route)" "$(tail -n 1 "$dir/err")"
  fi

  # --- run: the default bridge network next to none ------------------------------------
  if "$TINYDOCK" rootfs "$dir/rootfs" >/dev/null 2>&1; then
    bridged() { "$TINYDOCK" run --rm --rootfs "$dir/rootfs" /bin/true; }
    alone() { "$TINYDOCK" run --rm --rootfs "$dir/rootfs" --network none /bin/true; }
    time_sides "$(rounds 100)" "$(warmup 3)" bridged alone
    time_row "run --rm /bin/true (default bridge network)" bridged "tinydock run --rm --network none" alone
    # The monitor's resident memory while it serves a published port (VmRSS, /proc/PID/status),
    # once its proxy listens (ss(8) lists the socket with its process).
    "$TINYDOCK" run --rm --rootfs "$dir/rootfs" -p 127.0.0.1::80 sleep 30 & pids+=($!)
    run_pid=$!
    for ((i = 0; i < 250; i++)); do ss -ltnpH 2>/dev/null | grep -q "pid=$run_pid," && break; sleep 0.02; done
    # VmRSS counts the pages of libc and of the binary it shares with every other process;
    # RssAnon is its own memory (heap, stacks, the proxy's state).
    # Pss shares each shared page among the processes that map it: its fair share.
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$run_pid/status" 2>/dev/null)
    anon=$(awk '/^RssAnon:/ { print $2 }' "/proc/$run_pid/status" 2>/dev/null)
    pss=$(awk '/^Pss:/ { print $2 }' "/proc/$run_pid/smaps_rollup" 2>/dev/null)
    value_row "run -p: the monitor and its proxy, resident" "$rss" "target" 2048 KiB
    value_row "run -p: ... of which its own (RssAnon)" "$anon" "target" 2048 KiB
    value_row "run -p: ... its fair share (Pss)" "$pss" "target" 2048 KiB
    # Wait for it to stop the container and unmount its root: a second SIGTERM from
    # cleanup() while it does would leave the mount behind, and rm -rf could not remove it.
    kill "$run_pid" 2>/dev/null
    wait "$run_pid" 2>/dev/null
  else
    failed_row "run /bin/true (default bridge network)" "tinydock rootfs failed"
  fi
else
  failed_row "network connect, run on a bridge" "needs root and unshare(1)"
fi
exit 0
