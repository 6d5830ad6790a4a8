#!/usr/bin/env bash
# demo.sh (06-dockerfile) - the lecture's Dockerfile built and run; the cache; a multi-stage build.
set -euo pipefail
. "$(dirname "$0")/../01-chroot/demo-lib.sh"
demo_init 06
X=$(cd "$(dirname "$0")" && pwd)/examples

dir=$(mktemp -d /tmp/tinydock-demo06.XXXXXX)
cleanup() {
  "$T" rm -f demo-web >/dev/null 2>&1 || true
  rm -rf --one-file-system "$dir"
}
on_exit cleanup
export TINYDOCK_ROOT=$dir/state TINYDOCK_RUN=$dir/run
cp -r "$X/hello-world" "$dir/hello-world"

step "Chapter 06: docker build -t hello-world . (busybox httpd in place of php:7.0-apache)"
show cat "$dir/hello-world/Dockerfile"
(cd "$dir/hello-world" && show "$T" build -t hello-world .)

step "Each instruction is a layer (COPY: 3.58kB) or a config change (0B)"
show "$T" history hello-world

step "docker run -p 8080:80 hello-world, and the page it serves"
show "$T" run -d --name demo-web -p 127.0.0.1:8080:80 hello-world
for _ in $(seq 50); do
  "$T" run --rm --network host busybox wget -qO- http://127.0.0.1:8080/ >"$dir/page" 2>/dev/null && break
  sleep 0.1
done
show cat "$dir/page"
"$T" rm -f demo-web >/dev/null

step "The same build again: every step from the cache, the same image"
(cd "$dir/hello-world" && show "$T" build -t hello-world .)

step "A changed file: the cache misses from its COPY on"
echo "<h1>Hello again</h1>" >"$dir/hello-world/src/index.html"
(cd "$dir/hello-world" && show "$T" build -t hello-world .)

step "Multi-stage: a static program run from scratch (compiled on the host: no compiler image here)"
if command -v cc >/dev/null; then
  cp -r "$X/static-hello" "$dir/static-hello"
  cc -static -O2 -o "$dir/static-hello/hello" "$dir/static-hello/hello.c"
  show "$T" build -t static-hello "$dir/static-hello"
  show "$T" run --rm static-hello
  show "$T" images static-hello
else
  echo "(no C compiler on this machine: skipped)"
fi
