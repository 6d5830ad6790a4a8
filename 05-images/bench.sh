# bench.sh (05-images) - SHA-256 and inflate throughput next to openssl, sha256sum and gzip, and
# loading a large image next to `docker load`.
#
# SHA-256 of a 256 MiB file: `tinydock sha256sum` (SHA-NI when the CPU has it, and the
# portable code forced by TINYDOCK_SHA256=portable) next to `openssl dgst -sha256` and
# coreutils' `sha256sum`, each reading the file (in the page cache) by name. Inflate:
# `tinydock gunzip` next to `gzip -d`, both reading the same file on stdin, on a gzip -6
# tarball of this machine's files and on gzip'ed random data. Rates are MB/s (10^6 bytes) of
# input hashed or output produced, for each run; every side is timed by bench-lib.sh alike.
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench05.XXXXXX)
cleanup() {
  stop_dockerd
  rm -rf --one-file-system "$dir"
}
trap cleanup EXIT

head -c $((256 << 20)) /dev/urandom > "$dir/blob"
sha_mb=$(awk 'BEGIN { print 256 * 1048576 / 1e6 }')
ours_sha() { "$TINYDOCK" sha256sum "$dir/blob"; }
ours_portable() { TINYDOCK_SHA256=portable "$TINYDOCK" sha256sum "$dir/blob"; }
openssl_sha() { openssl dgst -sha256 "$dir/blob"; }
coreutils_sha() { sha256sum "$dir/blob"; }
openssl=openssl_sha coreutils=coreutils_sha
have openssl || openssl=-
have sha256sum || coreutils=-
time_sides "$(rounds 5)" "$(warmup 1)" ours_sha ours_portable $openssl $coreutils
impl=$(grep -qw sha_ni /proc/cpuinfo && echo sha-ni || echo portable)
rate_row "sha256sum 256 MiB ($impl)" ours_sha "openssl dgst -sha256" $openssl "$sha_mb"
rate_row "sha256sum 256 MiB ($impl)" ours_sha "sha256sum (coreutils)" $coreutils "$sha_mb"
rate_row "sha256sum 256 MiB (portable C)" ours_portable "sha256sum (coreutils)" $coreutils "$sha_mb"

if have gzip; then
  # A tarball of real files (libraries and docs), the kind of data a layer holds.
  tar cf - /usr/lib /usr/share 2>/dev/null | head -c $((128 << 20)) > "$dir/files.tar"
  gzip -6 -c "$dir/files.tar" > "$dir/files.tar.gz"
  head -c $((64 << 20)) "$dir/blob" > "$dir/random"
  gzip -6 -c "$dir/random" > "$dir/random.gz"
  ours_gunzip() { "$TINYDOCK" gunzip < "$gz"; }
  gzip_d() { gzip -d -c < "$gz"; }
  for name in files.tar random; do
    gz=$dir/$name.gz
    bytes=$(stat -c %s "$dir/$name")
    bench_reset
    time_sides "$(rounds 5)" "$(warmup 1)" ours_gunzip gzip_d
    rate_row "gunzip $name ($((bytes >> 20)) MiB out), stdin" ours_gunzip "gzip -d, the same stdin" gzip_d \
      "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')"
  done
else
  failed_row "gunzip" "gzip is not installed"
fi

# --- load of a large image ---------------------------------------------------------------
# A 192 MiB layer (this machine's files and random data, with a busybox), saved by
# `tinydock save`, loaded into an empty store; every store is emptied and sync(1)'ed before
# each run, untimed, so that no run pays for the previous one's writeback. What each side does:
#   tinydock load: reads the archive, hashes every blob, stores it (fsync, rename); it unpacks
#     no layer until a container needs it;
#   docker load (dockerd of our own, overlay2): reads, hashes, and unpacks the layer into its
#     store at once;
#   so the like-with-like row is tinydock load followed by the first `run --rm` of the image,
#     which unpacks the layer (and then runs /bin/true, a few ms more).
mkdir -p "$dir/fs"
"$TINYDOCK" rootfs "$dir/fs" >/dev/null
tar cf - /usr/lib 2>/dev/null | head -c $((128 << 20)) > "$dir/fs/files.tar"
head -c $((64 << 20)) "$dir/blob" > "$dir/fs/random"
tar cf "$dir/image.tar.in" -C "$dir/fs" .
rm -rf "$dir/fs" "$dir/blob" "$dir/random" "$dir"/files.tar*
if ! TINYDOCK_ROOT=$dir/store "$TINYDOCK" import "$dir/image.tar.in" bench/large:1 >/dev/null 2>"$dir/err" ||
  ! TINYDOCK_ROOT=$dir/store "$TINYDOCK" save bench/large:1 -o "$dir/image.tar" 2>"$dir/err"; then
  failed_row "load of a large image" "$(tail -n 1 "$dir/err")"
  exit 0
fi
rm -rf "$dir/store" "$dir/image.tar.in"
mib=$(($(stat -c %s "$dir/image.tar") >> 20))
ours_load_before() { rm -rf "$dir/load" && sync; }
ours_load() { TINYDOCK_ROOT=$dir/load "$TINYDOCK" load -q -i "$dir/image.tar"; }
ours_load_run_before() { rm -rf "$dir/load" && sync; }
ours_load_run() {
  TINYDOCK_ROOT=$dir/load "$TINYDOCK" load -q -i "$dir/image.tar" &&
    TINYDOCK_ROOT=$dir/load "$TINYDOCK" run --rm --network none bench/large:1 /bin/true
}
docker_load_before() {
  if $docker image inspect bench/large:1 >/dev/null 2>&1; then $docker rmi bench/large:1 || return; fi
  sync
}
docker_load() { $docker load -q -i "$dir/image.tar"; }
peer=-
if start_dockerd "$dir"; then
  peer=docker_load
else
  echo "    (05-images: no Docker to compare with: $dockerd_why)"
fi
time_sides "$(rounds 5)" "$(warmup 1)" ours_load_run ours_load $peer
time_row "load $mib MiB, then run --rm true (unpacks)" ours_load_run "docker load: stores, unpacks (overlay2)" $peer
time_row --unlike "load $mib MiB alone: stores, unpacks nothing" ours_load "docker load: stores, unpacks (overlay2)" $peer
