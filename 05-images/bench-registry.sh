# bench-registry.sh (05-images) - push and pull of a large image on loopback, and the registry's
# memory under 50 concurrent pulls.
#
# The same client (tinydock push / tinydock pull) against two servers started in this run on
# 127.0.0.1: `tinydock registry serve` and Debian's docker-registry (the Go reference
# implementation, package docker-registry). The image is REGISTRY_BENCH_MB (500) MB of random
# layers in 5 layers; every push goes to a new repository (so no blob is skipped by HEAD) and
# every pull to an empty store. Rates are MB/s (10^6 bytes) from the median of RUNS (4) runs.
# Memory: VmRSS of each server before and at its peak while 50 clients (curl) download the
# largest layer at once; a server that streams stays flat, one that buffers grows by 50 layers.
source tests/bench-lib.sh
RUNS=${RUNS:-4}
MB=${REGISTRY_BENCH_MB:-500}
LAYERS=5
dir=$(mktemp -d /tmp/tinydock-bench-registry.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT

# --- the image: an OCI layout at $dir/src, named bench/big:1 ---------------------------------
make_image() {
  local src=$1 name=$2 layers="" diffs="" i h s
  mkdir -p "$src/blobs/sha256"
  for ((i = 0; i < LAYERS; i++)); do
    head -c $((MB * 1000000 / LAYERS)) /dev/urandom > "$src/layer"
    h=$(sha256sum "$src/layer" | cut -d' ' -f1); s=$(stat -c %s "$src/layer")
    mv "$src/layer" "$src/blobs/sha256/$h"
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$h\",\"size\":$s}"
    diffs+="${diffs:+,}\"sha256:$h\""
  done
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" > "$src/c"
  local ch cs mh ms
  ch=$(sha256sum "$src/c" | cut -d' ' -f1); cs=$(stat -c %s "$src/c"); mv "$src/c" "$src/blobs/sha256/$ch"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$ch" "$cs" "$layers" > "$src/m"
  mh=$(sha256sum "$src/m" | cut -d' ' -f1); ms=$(stat -c %s "$src/m"); mv "$src/m" "$src/blobs/sha256/$mh"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$mh" "$ms" "$name" > "$src/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$src/oci-layout"
  largest="sha256:$h"
}

# --- the servers ------------------------------------------------------------------------------
# wait_port LOG PATTERN: the port a server wrote in its log
wait_port() {
  local i port
  for ((i = 0; i < 100; i++)); do
    port=$(grep -o "$2" "$1" 2>/dev/null | head -1 | grep -o '[0-9]*$')
    [[ -n $port ]] && { echo "$port"; return; }
    sleep 0.1
  done
}

"$TINYDOCK" registry serve --addr 127.0.0.1:0 --root "$dir/ours" 2> "$dir/ours.log" &
pids+=($!); ours_pid=$!
ours_addr=127.0.0.1:$(wait_port "$dir/ours.log" 'port [0-9]*')
theirs_addr=
if have docker-registry; then
  printf 'version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: %s/theirs\nhttp:\n  addr: 127.0.0.1:0\n' \
    "$dir" > "$dir/theirs.yml"
  docker-registry serve "$dir/theirs.yml" > "$dir/theirs.log" 2>&1 &
  pids+=($!); theirs_pid=$!
  port=$(wait_port "$dir/theirs.log" 'listening on 127.0.0.1:[0-9]*')
  [[ -n $port ]] && theirs_addr=127.0.0.1:$port
fi

make_image "$dir/src" "bench/big:1"
cat "$dir"/src/blobs/sha256/* > /dev/null # in the page cache before anyone is timed

# Runs alternate between the two servers, in the order ABBA (the first of a pair is at a
# small disadvantage on this machine, and each server gets it as often), each after the
# previous pull's store is removed and a sync(1): the bytes a run left dirty in the page cache
# are written back before the next one is timed, not during it.
# seconds ACTION ADDR: the wall time of one run ($run is its number), or "-" when it failed
seconds() {
  rm -rf "$dir/dst"
  sync
  local start end
  start=$(now_ns)
  "$1" "$2" > /dev/null 2>&1 </dev/null || { echo -; return; }
  end=$(now_ns)
  awk -v ns=$(( end - start )) 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR && a[1] != "-") ? a[int((NR + 1) / 2)] : "-" }'; }
mbps() { awk -v s="$1" -v mb="$MB" 'BEGIN { if (s != "-" && s > 0) printf "%.0f\n", mb / s; else print "-" }'; }

push_to() { # ADDR: a new repository per run, so every blob travels
  cp "$dir/src/index.json" "$dir/src/index.json.orig"
  sed -i "s|bench/big:1|$1/bench/big$run:1|" "$dir/src/index.json"
  "$TINYDOCK" push --store "$dir/src" "$1/bench/big$run:1"
  local rc=$?
  mv "$dir/src/index.json.orig" "$dir/src/index.json"
  return $rc
}
pull_from() { # ADDR: into an empty store
  "$TINYDOCK" pull --store "$dir/dst" "$1/bench/big0:1"
}

for action in push_to pull_from; do
  ours=() theirs=()
  for ((run = 0; run < RUNS; run++)); do
    (( run % 2 == 0 )) && ours+=($(seconds $action "$ours_addr"))
    [[ -n $theirs_addr ]] && theirs+=($(seconds $action "$theirs_addr"))
    (( run % 2 == 1 )) && ours+=($(seconds $action "$ours_addr"))
  done
  t=-; [[ -n $theirs_addr ]] && t=$(mbps "$(median "${theirs[@]}")")
  rate_row "registry ${action%_*} $MB MB ($LAYERS layers)" "$(mbps "$(median "${ours[@]}")")" "docker-registry" "$t" MB/s
done
rm -rf "$dir/dst"

# --- memory under 50 concurrent pulls ----------------------------------------------------------
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# peak_rss PID ADDR: VmRSS before, and its peak while 50 curls download the largest layer
peak_rss() {
  local pid=$1 addr=$2 before peak now i clients=()
  before=$(rss_kb "$pid"); peak=$before
  for ((i = 0; i < 50; i++)); do
    curl -s -o /dev/null "http://$addr/v2/bench/big0/blobs/$largest" & clients+=($!)
  done
  while kill -0 "${clients[@]}" 2>/dev/null; do
    now=$(rss_kb "$pid"); (( now > peak )) && peak=$now
    sleep 0.05
  done
  wait "${clients[@]}" 2>/dev/null
  echo "$((before / 1024)) $((peak / 1024))"
}
if have curl; then
  read -r ob op < <(peak_rss "$ours_pid" "$ours_addr")
  tb=- tp=-
  [[ -n $theirs_addr ]] && read -r tb tp < <(peak_rss "$theirs_pid" "$theirs_addr")
  row "registry RSS before 50 pulls of $((MB / LAYERS)) MB" "$ob" "docker-registry" "$tb" MiB
  row "registry RSS peak during 50 pulls" "$op" "docker-registry" "$tp" MiB
fi
