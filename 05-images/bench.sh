# bench.sh (05-images) - SHA-256 and inflate throughput, next to openssl, sha256sum and gzip.
#
# SHA-256 of a 256 MiB file: `tinydock sha256sum` (SHA-NI when the CPU has it, and the
# portable code forced by TINYDOCK_SHA256=portable) next to `openssl dgst -sha256` and
# coreutils' `sha256sum`. Inflate: `tinydock gunzip` next to `gzip -d` on a gzip -6 tarball
# of this machine's files and on gzip'ed random data. Rates are MB/s (10^6 bytes) of input
# hashed or output produced, from the median time of RUNS runs.
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench05.XXXXXX)
trap 'rm -rf "$dir"' EXIT
RUNS=${RUNS:-5}

# rate MIB RUNS COMMAND...: MB/s for MIB mebibytes processed by COMMAND
rate() {
  local mib=$1 runs=$2; shift 2
  local ms; ms=$(median_ms "$runs" "$@")
  awk -v b=$((mib * 1048576)) -v ms="$ms" 'BEGIN { if (ms > 0) printf "%.0f\n", b / 1e6 / (ms / 1000); else print "-" }'
}

head -c $((256 << 20)) /dev/urandom > "$dir/blob"
cat "$dir/blob" > /dev/null # in the page cache before anyone is timed
ours=$(rate 256 "$RUNS" "$TINYDOCK" sha256sum "$dir/blob")
impl=$(grep -qw sha_ni /proc/cpuinfo && echo sha-ni || echo portable)
theirs=$(have openssl && rate 256 "$RUNS" openssl dgst -sha256 "$dir/blob" || echo -)
rate_row "sha256 256 MiB ($impl)" "$ours" "openssl dgst -sha256" "$theirs" MB/s
theirs=$(have sha256sum && rate 256 "$RUNS" sha256sum "$dir/blob" || echo -)
rate_row "sha256 256 MiB ($impl)" "$ours" "sha256sum" "$theirs" MB/s
ours=$(TINYDOCK_SHA256=portable rate 256 "$RUNS" "$TINYDOCK" sha256sum "$dir/blob")
rate_row "sha256 256 MiB (portable)" "$ours" "sha256sum" "$theirs" MB/s

if have gzip; then
  # A tarball of real files (libraries and docs), the kind of data a layer holds.
  tar cf - /usr/lib /usr/share 2>/dev/null | head -c $((128 << 20)) > "$dir/files.tar"
  mib=$(( $(stat -c %s "$dir/files.tar") >> 20 ))
  gzip -6 -c "$dir/files.tar" > "$dir/files.tar.gz"
  head -c $((64 << 20)) "$dir/blob" | gzip -6 -c > "$dir/random.gz"
  for input in files.tar:$mib random:64; do
    name=${input%%:*} size=${input##*:}
    gz=$dir/$name.gz; [[ $name == files.tar ]] && gz=$dir/files.tar.gz
    ours=$(rate "$size" "$RUNS" sh -c 'exec "$0" gunzip < "$1"' "$TINYDOCK" "$gz")
    theirs=$(rate "$size" "$RUNS" gzip -d -c "$gz")
    rate_row "gunzip $name ($size MiB out)" "$ours" "gzip -d" "$theirs" MB/s
  done
else
  rate_row "gunzip" - "gzip -d" - MB/s
fi

# load of a large image (a 192 MiB layer: this machine's files and random data, saved by
# `tinydock save`) into an empty store, next to `docker load` of the same archive when a
# Docker daemon answers (the image is removed from both before each run, so both do the
# whole work: read, hash, store; neither unpacks layers at load time).
mkdir -p "$dir/fs"
"$TINYDOCK" rootfs "$dir/fs" >/dev/null 2>&1
tar cf - /usr/lib 2>/dev/null | head -c $((128 << 20)) > "$dir/fs/files.tar"
head -c $((64 << 20)) "$dir/blob" > "$dir/fs/random"
tar cf "$dir/image.tar.in" -C "$dir/fs" .
TINYDOCK_ROOT=$dir/store "$TINYDOCK" import "$dir/image.tar.in" bench/large:1 >/dev/null
TINYDOCK_ROOT=$dir/store "$TINYDOCK" save bench/large:1 -o "$dir/image.tar"
mib=$(( $(stat -c %s "$dir/image.tar") >> 20 ))
ours=$(median_ms "$RUNS" sh -c 'rm -rf "$1"; TINYDOCK_ROOT=$1 exec "$0" load -i "$2"' "$TINYDOCK" "$dir/load" "$dir/image.tar")
theirs=-
if have docker && docker version >/dev/null 2>&1; then
  theirs=$(median_ms "$RUNS" sh -c 'docker rmi -f bench/large:1 >/dev/null 2>&1; exec docker load -q -i "$0"' "$dir/image.tar")
  docker rmi -f bench/large:1 >/dev/null 2>&1
fi
row "load ${mib} MiB image (1 layer)" "$ours" "docker load" "$theirs" ms
