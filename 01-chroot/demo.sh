#!/usr/bin/env bash
# demo.sh (01-chroot) - make a root filesystem and run commands in it, printing each step.
set -euo pipefail
. "$(dirname "$0")/../01-chroot/demo-lib.sh"
demo_init 01

dir=$(mktemp -d /tmp/tinydock-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT

step "Chapter 01: a root filesystem from the host's static busybox"
show "$T" rootfs "$dir/jail"
show ls "$dir/jail"

step "Run a shell command with its root at that folder (every kernel step shown by --explain)"
show "$T" --explain chroot "$dir/jail" sh -c 'echo "hello from $(pwd), where / holds: $(ls / | tr "\n" " ")"'

step "A chroot is a view, not a fence: the hostname is still the host's"
show hostname
show "$T" chroot "$dir/jail" hostname

step "And root can climb out of it (01-chroot/chroot-escape.c)"
cp "$ESCAPE" "$dir/jail/bin/"
show "$T" chroot "$dir/jail" chroot-escape --check "$dir/jail/bin/chroot-escape"
echo "(that path is only visible from the host's real root: the process escaped)"
