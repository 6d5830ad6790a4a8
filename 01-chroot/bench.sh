# bench.sh (01-chroot) - how long a chroot'ed /bin/true takes, next to coreutils' chroot(8).
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$TINYDOCK" rootfs "$dir/rootfs" >/dev/null || exit 1
ours=$(median_ms 200 "$TINYDOCK" chroot "$dir/rootfs" /bin/true)
theirs=$(have chroot && median_ms 200 chroot "$dir/rootfs" /bin/true || echo -)
row "chroot DIR /bin/true" "$ours" "chroot(8)" "$theirs" ms
