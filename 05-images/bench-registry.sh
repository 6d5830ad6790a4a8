# bench-registry.sh (05-images) - push and pull of a large image on loopback, and the registry's
# memory under 50 concurrent pulls.
#
# The same client (tinydock push / tinydock pull) against two servers started in this run on
# 127.0.0.1: `tinydock registry serve` and Debian's docker-registry (the Go reference
# implementation, package docker-registry). The image is REGISTRY_BENCH_MB (500) MB of random
# layers in 5 layers; every push goes to a new repository (so no blob is skipped by HEAD) and
# every pull to an empty store. Rates are MB/s (10^6 bytes) per run, timed by bench-lib.sh
# (4 rounds and a warm-up by default, BENCH_ROUNDS as everywhere).
# Memory: VmRSS of each server before and at its peak while 50 clients (curl) download the
# largest layer at once; a server that streams stays flat, one that buffers grows by 50 layers.
source tests/bench-lib.sh
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

# Before each run, untimed: the previous pull's store is removed and sync(1) writes back the
# bytes a run left dirty in the page cache, so that no run pays for the one before it.
# push_to ADDR: a new repository per run (bench/big0, big1, ... on each server), so every
# blob travels; pull_from ADDR: into an empty store, from the first one pushed.
declare -A pushes=()
push_to() {
  local repo="bench/big${pushes[$1]:-0}:1" rc
  pushes[$1]=$((${pushes[$1]:-0} + 1))
  cp "$dir/src/index.json" "$dir/src/index.json.orig"
  sed -i "s|bench/big:1|$1/$repo|" "$dir/src/index.json"
  "$TINYDOCK" push --store "$dir/src" "$1/$repo"
  rc=$?
  mv "$dir/src/index.json.orig" "$dir/src/index.json"
  return $rc
}
pull_from() { "$TINYDOCK" pull --store "$dir/dst" "$1/bench/big0:1"; }
fresh() { rm -rf "$dir/dst" && sync; }
push_ours_before() { fresh; }
push_ours() { push_to "$ours_addr"; }
push_theirs_before() { fresh; }
push_theirs() { push_to "$theirs_addr"; }
pull_ours_before() { fresh; }
pull_ours() { pull_from "$ours_addr"; }
pull_theirs_before() { fresh; }
pull_theirs() { pull_from "$theirs_addr"; }
push=push_theirs pull=pull_theirs
[[ -n $theirs_addr ]] || push=- pull=-
time_sides "$(rounds 4)" "$(warmup 1)" push_ours $push
time_sides "$(rounds 4)" "$(warmup 1)" pull_ours $pull
rate_row "push $MB MB ($LAYERS layers) to registry serve" push_ours "the same push to docker-registry" $push "$MB"
rate_row "pull $MB MB ($LAYERS layers) from registry serve" pull_ours "the same pull from docker-registry" $pull "$MB"
rm -rf "$dir/dst"

# --- memory under 50 concurrent pulls ----------------------------------------------------------
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# peak_rss PID ADDR: VmRSS before, and its peak while 50 curls download the largest layer;
# "FAILED FAILED" when a download failed (an HTTP error, or fewer bytes than the layer has).
peak_rss() {
  local pid=$1 addr=$2 before peak now i clients=() size failed=0
  size=$(stat -c %s "$dir/src/blobs/sha256/${largest#sha256:}")
  before=$(rss_kb "$pid"); peak=$before
  for ((i = 0; i < 50; i++)); do
    curl -sf -o /dev/null -w '%{size_download}\n' "http://$addr/v2/bench/big0/blobs/$largest" > "$dir/curl.$i" &
    clients+=($!)
  done
  while kill -0 "${clients[@]}" 2>/dev/null; do
    now=$(rss_kb "$pid"); (( now > peak )) && peak=$now
    sleep 0.05
  done
  for ((i = 0; i < 50; i++)); do
    wait "${clients[i]}" && [[ $(cat "$dir/curl.$i") == "$size" ]] || failed=1
  done
  if ((failed)); then echo "FAILED FAILED"; else echo "$before $peak"; fi
}
if have curl; then
  read -r ob op < <(peak_rss "$ours_pid" "$ours_addr")
  tb= tp=
  [[ -n $theirs_addr ]] && read -r tb tp < <(peak_rss "$theirs_pid" "$theirs_addr")
  value_row "registry serve: RSS before 50 pulls of $((MB / LAYERS)) MB" "$ob" "docker-registry, the same" "$tb" KiB
  value_row "registry serve: RSS peak during 50 pulls" "$op" "docker-registry, the same" "$tp" KiB
fi
