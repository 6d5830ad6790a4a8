# bench.sh (07-compose) - `tinydock compose up -d` and `compose stop` of the lecture's shop
# (examples/shop), next to `docker-compose` (Debian's docker-compose, Compose v1) on a Docker
# daemon of our own, in the same run, on the same files and images:
#
#   up -d of built images: the project's network and two containers, product-service first;
#     untimed after each run, the project is removed again (docker's side kills its containers
#     first: see below).
#   stop of the running shop: the website, then the product service. Under Docker, busybox
#     httpd is each container's PID 1 and ignores SIGTERM (the kernel drops a signal PID 1 has
#     no handler for), so Docker waits its 10 s per container before SIGKILL; under tinydock,
#     init passes SIGTERM on to httpd, its PID 2 (02-namespaces/init.c). Hence few rounds here.
#
# Both sides do the whole command, from the command line to the exit of `up -d` or `stop`.
# The images are built before the timing (`compose build`; busybox-httpd by `tinydock build`,
# and both saved into Docker's store). Targets: up < 100 ms, stop < 200 ms.
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench07.XXXXXX)
cp -r 07-compose/examples/shop "$dir/shop"
cd "$dir/shop" # the project "shop", for both sides: the folder of the compose file
cleanup() {
  "$TINYDOCK" compose down >/dev/null 2>&1
  [[ -n $dockerd_pid ]] && docker_compose kill >/dev/null 2>&1 && docker_compose down >/dev/null 2>&1
  stop_dockerd
  cd /
  rm -rf --one-file-system "$dir"
}
trap cleanup EXIT

# busybox-httpd is needed by both sides; shop-product-service by ours (`compose build`). A
# failure fails our rows with its first line, and Docker's side is timed all the same.
"$TINYDOCK" build -q -t busybox-httpd busybox-httpd >/dev/null 2>"$dir/err"
httpd_built=$?
if ((httpd_built != 0)) || ! "$TINYDOCK" compose build >/dev/null 2>"$dir/err"; then
  record_failure ours_up "the images could not be built: $(head -n 1 "$dir/err")"
  record_failure ours_stop "the images could not be built: $(head -n 1 "$dir/err")"
fi

ours_up() { "$TINYDOCK" compose up -d; }
ours_up_after() { "$TINYDOCK" compose down; }
ours_stop_before() { "$TINYDOCK" compose up -d; }
ours_stop() { "$TINYDOCK" compose stop; }
ours_stop_after() { "$TINYDOCK" compose down; }

# docker-compose talks to our daemon through DOCKER_HOST (start_dockerd's socket). Its `down`
# would stop running containers first, 10 s each (see above): the untimed steps kill them.
docker_compose() { DOCKER_HOST="unix://$docker_exec/docker.sock" docker-compose "$@"; }
docker_up=- docker_stop=-
if ! have docker-compose; then
  echo "(docker-compose is not installed: its side is skipped)"
elif ! start_dockerd "$dir"; then
  echo "(docker-compose's side is skipped: $dockerd_why)"
elif ((httpd_built != 0)); then
  echo "(docker-compose's side is skipped: the image busybox-httpd could not be built)"
elif ! "$TINYDOCK" save busybox busybox-httpd | $docker load >/dev/null 2>"$dir/err" ||
  ! docker_compose build -q >/dev/null 2>>"$dir/err"; then
  echo "(docker-compose's side is skipped: the images could not be loaded or built: $(tail -n 1 "$dir/err"))"
else
  dc_up() { docker_compose up -d; }
  dc_up_after() { docker_compose kill && docker_compose down; }
  dc_stop_before() { docker_compose up -d; }
  dc_stop() { docker_compose stop; }
  dc_stop_after() { docker_compose down; }
  docker_up=dc_up docker_stop=dc_stop
fi

time_sides "$(rounds 10)" "$(warmup 1)" ours_up $docker_up
time_row "compose up -d of the shop (target < 100)" ours_up "docker-compose up -d of it" $docker_up
time_sides "$(rounds 3)" "$(warmup 1)" ours_stop $docker_stop
time_row "compose stop of the shop (target < 200)" ours_stop "docker-compose stop of it" $docker_stop
exit 0
