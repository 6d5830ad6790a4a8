#!/usr/bin/env bash
# demo.sh (04-layers) - a container's root as overlayfs layers: copy-up, whiteouts, diff, commit.
#
# The container runs on a busybox folder that it never changes: overlayfs stacks that folder
# (read-only) under an empty upper folder, and every change lands in the upper one. That upper
# folder, written as a tarball, is a layer: what `commit` makes an image of.
set -euo pipefail
. "$(dirname "$0")/../01-chroot/demo-lib.sh"
demo_init 04

dir=$(mktemp -d -t tinydock-demo04.XXXXXX)
cleanup() {
	"$T" rm -f demo-lab >/dev/null 2>&1 || true
	rm -rf --one-file-system "$dir"
}
on_exit cleanup
export TINYDOCK_ROOT=$dir/state TINYDOCK_RUN=$dir/run
cd "$dir"
"$T" rootfs box >/dev/null
mkdir -p box/srv/www
echo '<h1>old</h1>' >box/srv/www/index.html
echo x >box/srv/www/cache.db

step "Chapter 04: a container on the folder box; its root is an overlay mount"
show_command "$T" run -d --name demo-lab --network none --rootfs box sleep 300
id=$("$T" run -d --name demo-lab --network none --rootfs box sleep 300)
echo "$id"
ln -s "state/containers/$id/fs" fs
say "Its layers live in state/containers/<id>/fs (fs, a link here, for short):"
show ls fs/
say "The folders below, lowest first: box, then tinydock's init layer (/etc/hosts, mount points):"
show cat fs/lowers
say "The kernel's record of the mount: lowerdir (read-only, topmost first), upperdir (the writes):"
show_command grep " fs/merged " /proc/self/mountinfo
grep " $dir/state/containers/$id/fs/merged " /proc/self/mountinfo |
	sed -e "s|$dir/state/containers/$id/fs|fs|g" -e "s|$dir/||g"

step "A write is copied up: the container changes a file of box, and box does not change"
show "$T" exec demo-lab sh -c 'echo "<h1>new</h1>" > /srv/www/index.html; cat /srv/www/index.html'
show cat box/srv/www/index.html
show cat "fs/upper/srv/www/index.html"
say "overlayfs copied the file up into the upper folder before the write, and wrote there."

step "A delete is a whiteout: a character device 0,0 in the upper folder hides the file below"
show "$T" exec demo-lab rm /bin/vi
show ls -l "fs/upper/bin"
show ls box/bin/vi
say "box still holds /bin/vi; the container no longer sees it:"
show "$T" exec demo-lab ls /bin/vi || say "(exit $?: gone, in this container only)"

step "diff: what the container changed, read from its upper folder (A added, C changed, D deleted)"
show "$T" diff demo-lab

step "commit: the upper folder written as a layer tarball, whiteouts as Docker writes them (.wh.)"
show "$T" layer create "fs/upper" -o change.tar
show tar -tvf change.tar
say "Chapter 05's tinydock commit writes this same layer, adds a config, and names it: an image."
