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
# Knobs: BENCH_SMALL_FILES (20000), BENCH_BIG_MB (50); BENCH_ROUNDS as everywhere.
source tests/bench-lib.sh
set -u
small=${BENCH_SMALL_FILES:-20000}
big_mb=${BENCH_BIG_MB:-50}
dir=$(mktemp -d /tmp/tinydock-bench04.XXXXXX)
cleanup() {
  for m in "$dir/a/m" "$dir/b/m" "$dir"; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
  rm -rf --one-file-system "$dir"
}
trap cleanup EXIT
if [[ $(id -u) == 0 && -z ${BENCH_ON_DISK:-} ]]; then
  mount -t tmpfs -o size=$(( 10 * big_mb + 1000 ))m,mode=0700 tinydock-bench "$dir" || exit 1
fi

# --- the data ---------------------------------------------------------------------
# One 1 KiB text (base64 of random bytes) written by bash itself: 20,000 copies without a process each.
kib=$(head -c 768 /dev/urandom | base64 -w 0)
# small_files DIR: DIR/d0 ... DIR/d199, $small files of 1 KiB in all
small_files() {
  local d f per=$((small / 200))
  for ((d = 0; d < 200; d++)); do
    mkdir -p "$1/d$d" || return 1
    for ((f = 0; f < per; f++)); do printf '%s' "$kib" > "$1/d$d/f$f" || return 1; done
  done
}
small_files "$dir/data" || { failed_row "layer create" "cannot write the test data in $dir"; exit 0; }
for b in 1 2 3; do head -c $((big_mb * 1024 * 1024)) /dev/urandom > "$dir/data/big$b"; done

# --- create: tinydock layer create vs tar -cf, both sorted by name ------------------------
ours_create_before() { rm -f "$dir/ours.tar"; }
ours_create() { "$TINYDOCK" layer create "$dir/data" -o "$dir/ours.tar"; }
tar_create_before() { rm -f "$dir/theirs.tar"; }
tar_create() { tar --sort=name -C "$dir/data" -cf "$dir/theirs.tar" .; }
peer=tar_create; have tar || peer=-
time_sides "$(rounds 5)" "$(warmup 1)" ours_create $peer
time_row "layer create: $small x 1 KiB + 3 x $big_mb MB" ours_create "tar --sort=name -cf (GNU tar)" $peer

# --- unpack: tinydock layer apply vs tar -xf, both from our archive ---------------------
# layer apply unpacks into a temporary folder and renames it into place when complete.
ours_apply_before() { rm -rf "$dir/x1"; }
ours_apply() { "$TINYDOCK" layer apply "$dir/$archive" "$dir/x1"; }
tar_apply_before() { rm -rf "$dir/x2" && mkdir "$dir/x2"; }
tar_apply() { tar -C "$dir/x2" -xf "$dir/$archive"; }
peer=tar_apply; have tar || peer=-
archive=ours.tar
time_sides "$(rounds 5)" "$(warmup 1)" ours_apply $peer
time_row "layer apply: the same layer" ours_apply "tar -xf (GNU tar), the same archive" $peer

# --- only the small files: where per-file system calls dominate ------------------------
rm -f "$dir/data"/big*
"$TINYDOCK" layer create "$dir/data" -o "$dir/small.tar" >/dev/null
archive=small.tar
bench_reset
time_sides "$(rounds 5)" "$(warmup 1)" ours_apply $peer
time_row "layer apply: $small x 1 KiB only" ours_apply "tar -xf (GNU tar), the same archive" $peer
rm -rf "$dir/x1" "$dir/x2" "$dir/data"

# --- overlay mounts of 1, 20 and 100 layers ----------------------------------------------
# Both make the same mount(2) (tinydock's own options, mount(8)'s lowerdir=); each has its own
# upper and work folders, made new before each run and unmounted after it, untimed.
for ((l = 0; l < 100; l++)); do mkdir -p "$dir/l/$l"; echo "$l" > "$dir/l/$l/f$l"; done
fresh() { rm -rf "$dir/$1" && mkdir -p "$dir/$1/u" "$dir/$1/w" "$dir/$1/m"; }
ours_mount_before() { fresh a; }
ours_mount() { "$TINYDOCK" layer mount "$dir/a/m" "${lowers[@]}" --upper "$dir/a/u" --work "$dir/a/w"; }
ours_mount_after() { umount "$dir/a/m"; }
kernel_mount_before() { fresh b; }
kernel_mount() { mount -t overlay overlay -o "lowerdir=$kernel,upperdir=$dir/b/u,workdir=$dir/b/w" "$dir/b/m"; }
kernel_mount_after() { umount "$dir/b/m"; }
for n in 1 20 100; do
  lowers=(); for ((l = 0; l < n; l++)); do lowers+=("$dir/l/$l"); done
  kernel=""; for ((l = n - 1; l >= 0; l--)); do kernel+="${kernel:+:}$dir/l/$l"; done
  bench_reset
  time_sides "$(rounds 50)" "$(warmup 3)" ours_mount kernel_mount
  time_row "layer mount: overlay of $n layer(s)" ours_mount "mount -t overlay (mount(8))" kernel_mount
done

# --- starting a container on an overlay root: constant, whatever the size of the rootfs ----
# `run --rm /bin/true` mounts an overlay of the rootfs (overlay-run.c), runs, unmounts and
# removes its upper folder; next to it, what copying the rootfs for the container would cost:
# cp -a alone, without starting anything, so other work (no ratio). The second pair adds
# 20,000 small files.
if [[ $(id -u) == 0 ]]; then
  "$TINYDOCK" rootfs "$dir/box" >/dev/null || { failed_row "run --rm true, overlay root" "tinydock rootfs failed"; exit 0; }
  ours_run() { "$TINYDOCK" run --rm --network none --rootfs "$dir/box" /bin/true; }
  copy_before() { rm -rf "$dir/copy"; }
  copy() { cp -a "$dir/box" "$dir/copy"; }
  for size in busybox big; do
    [[ $size == big ]] && small_files "$dir/box/data"
    files=$(find "$dir/box" | wc -l)
    bench_reset
    time_sides "$(rounds 20)" "$(warmup 2)" ours_run copy
    time_row --unlike "run --rm --network none true ($files files)" ours_run "other work: cp -a of the rootfs" copy
  done
  rm -rf "$dir/copy"
fi
