#!/usr/bin/env bash
# demo.sh (07-compose) - the lecture's shop with Compose: docker-compose up, docker ps, the page
# the website makes from the product service it finds by name, docker-compose stop, down; then a
# named volume whose data outlives `down`.
set -euo pipefail
. "$(dirname "$0")/../01-chroot/demo-lib.sh"
demo_init 07
X=$(cd "$(dirname "$0")" && pwd)/examples

dir=$(mktemp -d /tmp/tinydock-demo07.XXXXXX)
cleanup() {
  (cd "$dir/shop" 2>/dev/null && "$T" compose down >/dev/null 2>&1) || true
  (cd "$dir/counter" 2>/dev/null && "$T" compose down -v >/dev/null 2>&1) || true
  rm -rf --one-file-system "$dir"
}
on_exit cleanup
export TINYDOCK_ROOT=$dir/state TINYDOCK_RUN=$dir/run
cp -r "$X/shop" "$dir/shop"
cp -r "$X/counter" "$dir/counter"
cd "$dir/shop"

step "Chapter 07: the lecture's docker-compose.yml (busybox-httpd in place of php:apache)"
show cat docker-compose.yml

step "The website's image, built once: compose up builds only the services that have a build: key"
show "$T" build -q -t busybox-httpd busybox-httpd

step "docker-compose up -d: product-service is built, then started before the website (depends_on)"
show "$T" compose up -d

step "docker ps: two containers named PROJECT-SERVICE-N, on the network shop_default"
show "$T" ps
show "$T" compose ps

step "curl localhost:5000: the website fetched http://product-service by its name"
# The servers listen a moment after `up` returns: ask until the page lists the products, for
# 10 s at most, from a container on the host's network (no curl needed on the host).
page=$dir/page
shop_answers() { "$T" run --rm --network host busybox wget -qO- http://127.0.0.1:5000/ >"$page" 2>/dev/null; }
if ! wait_until 10 shop_answers; then
  echo "the shop did not answer on port 5000 in 10 s" >&2
  exit 1
fi
show cat "$page"

step "docker-compose stop: the website first, then what it depends on; SIGTERM ends httpd at once"
start=${EPOCHREALTIME/[.,]/}
show "$T" compose stop
end=${EPOCHREALTIME/[.,]/}
echo "(stopped in $(((end - start) / 1000)) ms)"
show "$T" compose ps -a

step "docker-compose down: the containers and the network are removed"
show "$T" compose down
show "$T" network ls

step "Data that outlives containers: the named volume of examples/counter"
cd "$dir/counter"
show cat compose.yaml
# Attached, `up` shows the counter's output and returns when its container has exited.
show "$T" compose up
show "$T" compose down
show "$T" compose up
show "$T" volume ls
show "$T" compose down -v
show "$T" volume ls
