# bench.sh (06-dockerfile) - `tinydock build` next to `docker build` (the classic builder,
# DOCKER_BUILDKIT=0), in the same run, on the same contexts:
#
#   the lecture's hello-world (FROM busybox, COPY src/, EXPOSE, CMD), cold (--no-cache: every
#     step made again, the COPY layer written and hashed) and fully cached (every step reused);
#   a 10,000-file context (COPY . /ctx/), fully cached: the stat cache (build-context.c) knows
#     every file's digest, so no unchanged file is read; the row below it counts the files
#     read for a digest, for the cached build and after one file changed.
#
# Docker's side sends the context to its daemon as a tar on every build (that is its design);
# ours reads the folder in place. Both sides do the whole build, from the command line to
# "Successfully tagged". Targets: cold < 100 ms, cached < 10 ms.
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench06.XXXXXX)
cleanup() {
  stop_dockerd
  rm -rf --one-file-system "$dir"
}
trap cleanup EXIT

hello=06-dockerfile/examples/hello-world
"$TINYDOCK" run --rm busybox true >/dev/null 2>&1 # busybox:latest in the store

docker_side=-
docker_cached_side=-
if start_dockerd "$dir"; then
  "$TINYDOCK" save busybox | $docker load >/dev/null 2>&1
  docker_cold() { DOCKER_BUILDKIT=0 $docker build -q --no-cache -t bench-hw "$hello"; }
  docker_cached() { DOCKER_BUILDKIT=0 $docker build -q -t bench-hw "$hello"; }
  docker_cold >/dev/null 2>&1 && docker_side=docker_cold docker_cached_side=docker_cached
fi

ours_cold() { "$TINYDOCK" build -q --no-cache -t bench-hw "$hello"; }
ours_cached() { "$TINYDOCK" build -q -t bench-hw "$hello"; }
time_sides "$(rounds 20)" "$(warmup 2)" ours_cold $docker_side
time_row "build hello-world, --no-cache (target < 100)" ours_cold "docker build --no-cache (classic)" $docker_side
bench_reset
time_sides "$(rounds 30)" "$(warmup 2)" ours_cached $docker_cached_side
time_row "build hello-world, fully cached (target < 10)" ours_cached "docker build, fully cached (classic)" \
  $docker_cached_side

# --- a context of 10,000 files ------------------------------------------------------------
ctx=$dir/many
mkdir -p "$ctx"
for d in $(seq 0 99); do
  mkdir "$ctx/d$d"
  for f in $(seq 0 99); do echo "file $d/$f" > "$ctx/d$d/f$f.txt"; done
done
printf 'FROM busybox\nCOPY . /ctx/\nCMD ["ls", "/ctx"]\n' > "$ctx/Dockerfile"
"$TINYDOCK" build -q -t bench-many "$ctx" >/dev/null
ours_many() { "$TINYDOCK" build -q -t bench-many "$ctx"; }
docker_many=-
if [[ $docker_side != - ]]; then
  docker_many_cached() { DOCKER_BUILDKIT=0 $docker build -q -t bench-many "$ctx"; }
  docker_many_cached >/dev/null 2>&1 && docker_many=docker_many_cached
fi
bench_reset
time_sides "$(rounds 10)" "$(warmup 1)" ours_many $docker_many
time_row "build of 10,000 files, fully cached" ours_many "docker build of it, fully cached" $docker_many
read_count() { TINYDOCK_BUILD_STATS=1 "$TINYDOCK" build -q -t bench-many "$ctx" 2>&1 >/dev/null |
  sed -n 's/.*, \([0-9]*\) read for their digest/\1/p'; }
cached_reads=$(read_count)
echo changed > "$ctx/d7/f7.txt"
changed_reads=$(read_count)
printf "$row_format" "files read, cached build of 10,000 files" "$cached_reads" "" - \
  "... after one file changed" "$changed_reads" "" - -
exit 0
