#!/usr/bin/env bash
# demo.sh (05-images) - images: the store, names (repository:tag), save/load, a registry.
#
# An image is layers and a config, kept by digest in an OCI image layout (the store). A name
# (repository:tag) points at one; save writes images into one tar file that load (or docker
# load) reads back; a registry serves them over HTTP, so that another machine pulls what this
# one pushed. The registry here listens on 127.0.0.1 only, on a port the kernel picks, and the
# trap stops it.
set -euo pipefail
. "$(dirname "$0")/../01-chroot/demo-lib.sh"
demo_init 05

dir=$(mktemp -d -t tinydock-demo05.XXXXXX)
registry_pid=
cleanup() {
	if [ -n "$registry_pid" ]; then
		kill -TERM "$registry_pid" 2>/dev/null || true
		wait_until 10 sh -c '! kill -0 "$0" 2>/dev/null' "$registry_pid" || kill -KILL "$registry_pid" 2>/dev/null || true
	fi
	rm -rf --one-file-system "$dir"
}
on_exit cleanup
export TINYDOCK_ROOT=$dir/state TINYDOCK_RUN=$dir/run
cd "$dir"
box=(--rm --network none)

step "Chapter 05: an image, made from the host's busybox the first time it is asked for"
show "$T" run "${box[@]}" busybox echo hello from an image
show "$T" images
show "$T" history busybox
say "One layer (the busybox files, a tarball named by its SHA-256) and a config (CMD [\"sh\"]): 0B."

step "A name is repository:tag; tag gives the same image (the same IMAGE ID) a second name"
show "$T" tag busybox shop/web:1.0
show "$T" images
show "$T" run "${box[@]}" shop/web:1.0 echo the same image, by its other name

step "save writes images into one tar file (the form docker load reads); load reads it back"
show "$T" save shop/web:1.0 -o web.tar
show tar -tf web.tar
show "$T" rmi shop/web:1.0
show "$T" load -i web.tar
show "$T" images

step "A registry on this machine (127.0.0.1, a free port): the OCI distribution API over HTTP"
show_command "$T" registry serve -d --addr 127.0.0.1:0 --root registry
registry_pid=$("$T" registry serve -d --addr 127.0.0.1:0 --root registry)
echo "$registry_pid"
wait_until 10 grep -q 'listening on' registry/registry.log
show cat registry/registry.log
port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' registry/registry.log)
name=localhost:$port/shop/web:1.0

step "push: the image's name says where it goes; blobs first, the manifest last"
show "$T" tag shop/web:1.0 "$name"
show "$T" push "$name"
show "$T" registry ls "127.0.0.1:$port"

step "pull, into another store (another machine would do the same): every blob checked by digest"
show env TINYDOCK_ROOT="$dir/elsewhere" "$T" pull "$name"
show env TINYDOCK_ROOT="$dir/elsewhere" "$T" images
show env TINYDOCK_ROOT="$dir/elsewhere" "$T" run "${box[@]}" "$name" echo hello from the pulled image
say "The same IMAGE ID on both sides: an image is named by the digest of its config, wherever it is."
