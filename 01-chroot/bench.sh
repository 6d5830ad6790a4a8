# bench.sh (01-chroot) - how long a chroot'ed /bin/true takes, next to coreutils' chroot(8).
# Both call chroot(2) and chdir("/") and exec /bin/true; tinydock does it in a child that it
# waits for (to report 128+N for a signal), chroot(8) in its own process.
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$TINYDOCK" rootfs "$dir/rootfs" >/dev/null || { failed_row "chroot DIR /bin/true" "tinydock rootfs failed"; exit 0; }
ours() { "$TINYDOCK" chroot "$dir/rootfs" /bin/true; }
theirs() { chroot "$dir/rootfs" /bin/true; }
peer=theirs; have chroot || peer=-
time_sides "$(rounds 200)" "$(warmup 5)" ours $peer
time_row "chroot DIR /bin/true (fork, wait)" ours "chroot(8) DIR /bin/true (no fork)" $peer
