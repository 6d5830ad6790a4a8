# bench.sh (04-layers) - making and unpacking a large layer next to GNU tar, and mounting
# overlays of 1, 20 and 100 layers next to mount(8). Sourced by tests/bench.sh's loop.
#
# The data: 20,000 small files (1 KiB, in 200 folders) and three 50 MB files, made once in a
# temporary folder. As root that folder is a private tmpfs, so the figures measure the two
# programs and not the disk's writeback (on a shared VM, ext4's journal makes unpacking 20,000
# files vary 5x from run to run); BENCH_ON_DISK=1 keeps it on disk. On disk, `layer create`
# also pays for its fsync (a layer must be durable before it is renamed into place; GNU tar
# does not sync). Each figure is the median of a few runs in this same run; the target folder
# of an unpack is removed before each run, outside the timing.
# Knobs: BENCH_SMALL_FILES (20000), BENCH_BIG_MB (50), BENCH_RUNS (5).
source tests/bench-lib.sh
set -u
small=${BENCH_SMALL_FILES:-20000}
big_mb=${BENCH_BIG_MB:-50}
runs=${BENCH_RUNS:-5}
dir=$(mktemp -d /tmp/tinydock-bench04.XXXXXX)
cleanup() {
  mountpoint -q "$dir/m" 2>/dev/null && umount "$dir/m"
  mountpoint -q "$dir" 2>/dev/null && umount "$dir"
  rm -rf "$dir"
}
trap cleanup EXIT
if [[ $(id -u) == 0 && -z ${BENCH_ON_DISK:-} ]]; then
  mount -t tmpfs -o size=$(( 10 * big_mb + 1000 ))m,mode=0700 tinydock-bench "$dir" || exit 1
fi

# One timed run of a command, in ms (3 decimals); "-" when it failed.
once_ms() {
  local start end
  start=$(now_ns)
  "$@" >/dev/null 2>&1 </dev/null || { echo -; return; }
  end=$(now_ns)
  awk -v d=$(( end - start )) 'BEGIN { printf "%.3f\n", d / 1e6 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0 || a[1] == "-") { print "-"; exit } m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f\n", m }'; }

# --- the data ---------------------------------------------------------------------
mkdir -p "$dir/data"
per=$(( small / 200 ))
head -c 1024 /dev/urandom > "$dir/one-kib"
for ((d = 0; d < 200; d++)); do
  mkdir "$dir/data/d$d"
  for ((f = 0; f < per; f++)); do cp "$dir/one-kib" "$dir/data/d$d/f$f"; done
done 2>/dev/null || true
for b in 1 2 3; do head -c $(( big_mb * 1024 * 1024 )) /dev/urandom > "$dir/data/big$b"; done

# --- create: tinydock layer create vs tar -cf ------------------------------------------
times=(); peer=()
for ((i = 0; i < runs; i++)); do
  rm -f "$dir/ours.tar" "$dir/theirs.tar"
  times+=("$(once_ms "$TINYDOCK" layer create "$dir/data" -o "$dir/ours.tar")")
  peer+=("$(have tar && once_ms tar --sort=name -C "$dir/data" -cf "$dir/theirs.tar" . || echo -)")
done
row "layer create: $small x 1 KiB + 3 x $big_mb MB" "$(printf '%s\n' "${times[@]}" | median)" \
  "tar -cf (GNU tar)" "$(printf '%s\n' "${peer[@]}" | median)" ms

# --- unpack: tinydock layer apply vs tar -xf, both from our archive ---------------------
times=(); peer=()
for ((i = 0; i < runs; i++)); do
  rm -rf "$dir/x1" "$dir/x2"; mkdir "$dir/x2"
  times+=("$(once_ms "$TINYDOCK" layer apply "$dir/ours.tar" "$dir/x1")")
  peer+=("$(have tar && once_ms tar -C "$dir/x2" -xf "$dir/ours.tar" || echo -)")
done
rm -rf "$dir/x1" "$dir/x2"
row "layer apply: the same layer" "$(printf '%s\n' "${times[@]}" | median)" \
  "tar -xf (GNU tar)" "$(printf '%s\n' "${peer[@]}" | median)" ms

# --- only the small files: where per-file system calls dominate ------------------------
rm -f "$dir/data"/big*
"$TINYDOCK" layer create "$dir/data" -o "$dir/small.tar" >/dev/null
times=(); peer=()
for ((i = 0; i < runs; i++)); do
  rm -rf "$dir/x1" "$dir/x2"; mkdir "$dir/x2"
  times+=("$(once_ms "$TINYDOCK" layer apply "$dir/small.tar" "$dir/x1")")
  peer+=("$(have tar && once_ms tar -C "$dir/x2" -xf "$dir/small.tar" || echo -)")
done
rm -rf "$dir/x1" "$dir/x2" "$dir/data"
row "layer apply: $small x 1 KiB only" "$(printf '%s\n' "${times[@]}" | median)" \
  "tar -xf (GNU tar)" "$(printf '%s\n' "${peer[@]}" | median)" ms

# --- overlay mounts of 1, 20 and 100 layers ----------------------------------------------
mkdir -p "$dir/m" "$dir/u" "$dir/w"
for ((l = 0; l < 100; l++)); do mkdir -p "$dir/l/$l"; echo "$l" > "$dir/l/$l/f$l"; done
for n in 1 20 100; do
  lowers=(); for ((l = 0; l < n; l++)); do lowers+=("$dir/l/$l"); done
  kernel=""; for ((l = n - 1; l >= 0; l--)); do kernel+="${kernel:+:}$dir/l/$l"; done
  times=(); peer=()
  for ((i = 0; i < 50; i++)); do
    rm -rf "$dir/u" "$dir/w"; mkdir "$dir/u" "$dir/w"
    times+=("$(once_ms "$TINYDOCK" layer mount "$dir/m" "${lowers[@]}" --upper "$dir/u" --work "$dir/w")")
    umount "$dir/m" 2>/dev/null
    rm -rf "$dir/u" "$dir/w"; mkdir "$dir/u" "$dir/w"
    peer+=("$(once_ms mount -t overlay overlay -o "lowerdir=$kernel,upperdir=$dir/u,workdir=$dir/w" "$dir/m")")
    umount "$dir/m" 2>/dev/null
  done
  row "overlay mount of $n layer(s) (process incl.)" "$(printf '%s\n' "${times[@]}" | median)" \
    "mount -t overlay (8)" "$(printf '%s\n' "${peer[@]}" | median)" ms
done

# --- starting a container on an overlay root: constant, whatever the size of the rootfs ----
# `run --rm /bin/true` mounts an overlay of the rootfs (overlay-run.c), runs, unmounts and
# removes its upper folder; next to it, what copying the rootfs for the container would cost
# (cp -a alone, without starting anything). The second pair adds 20,000 small files.
if [[ $(id -u) == 0 ]]; then
  "$TINYDOCK" rootfs "$dir/box" >/dev/null || exit 1
  for size in busybox big; do
    if [[ $size == big ]]; then
      for ((d = 0; d < 200; d++)); do mkdir -p "$dir/box/data/d$d"; for ((f = 0; f < per; f++)); do cp "$dir/one-kib" "$dir/box/data/d$d/f$f"; done; done
    fi
    files=$(find "$dir/box" | wc -l)
    times=(); peer=()
    for ((i = 0; i < 20; i++)); do
      times+=("$(once_ms "$TINYDOCK" run --rm --rootfs "$dir/box" /bin/true)")
      rm -rf "$dir/copy"
      peer+=("$(once_ms cp -a "$dir/box" "$dir/copy")")
    done
    rm -rf "$dir/copy"
    row "run --rm true, overlay root ($files files)" "$(printf '%s\n' "${times[@]}" | median)" \
      "cp -a of the rootfs" "$(printf '%s\n' "${peer[@]}" | median)" ms
  done
fi
