# bench-lib.sh - one way of timing, shared by every chapter's bench scripts (sourced, not run).
#
# A ratio between two programs means something only if both were measured alike. So every
# timed row of `make bench` goes through time_sides below, which holds to five rules:
#
#   1. Whole process, both sides alike. A side is a bash function that runs real programs;
#      bash forks them, and the clock (EPOCHREALTIME, read without starting a process) is read
#      just before the call and just after its last program exits; stdin and stdout are
#      /dev/null, stderr is kept for the error message. Both sides pay the same fork and exec,
#      so neither is helped by the method (the old figures used hyperfine for tinydock and, for
#      runc, a loop that started `date` twice per run: about 1.8 ms more). EPOCHREALTIME is the
#      wall clock: a clock step during a run would spoil that one run, which the median absorbs.
#   2. The same warm-up: WARMUP untimed runs of each side first (page cache, dentry cache).
#   3. Interleaved: round r runs the sides in turn starting from side r mod N (A B, B A, ...),
#      so a busy second of a shared machine falls on both, not on whichever ran later.
#   4. A failed run fails the row: a side with a non-zero exit, even once, shows FAILED and
#      its error, never a time. A time of a command that failed measures nothing.
#   5. Each row says what each side does, and a peer that does other work is labelled so and
#      gets no ratio.
#
# Figures are the median of the rounds and the interquartile range (IQR: the middle half of
# the runs lies within it), the spread to read before trusting a ratio. BENCH_ROUNDS=N replaces
# every row's number of rounds and BENCH_WARMUP=N its warm-up (BENCH_ROUNDS=3 BENCH_WARMUP=1:
# a quick check that every row runs). Benchmarks report; they never fail a build.
#
#   time_sides ROUNDS WARMUP SIDE...   time the functions SIDE... (a function SIDE_before or
#                                      SIDE_after, when defined, runs untimed around each run)
#   record_sample SIDE MS | record_failure SIDE WHY   for a side timed by its own clock
#   bench_reset                         forget all samples (to time the same SIDEs again)
#   time_row [--unlike] A_DOES A B_DOES B     a row of times (ms); ratio B/A, >1: A is faster
#   rate_row [--unlike] A_DOES A B_DOES B MB  a row of rates, MB (10^6 bytes) per run; ratio A/B
#   value_row A_DOES A_VALUE B_DOES B_VALUE UNIT   a row of sizes (KiB, MiB); ratio B/A
#   failed_row WHAT WHY                 a row for a benchmark that could not be set up
#   have PROGRAM                        true when PROGRAM is installed
#   start_dockerd DIR [ARG...] | stop_dockerd   a Docker daemon of our own (see there)
#
# A side named "-" is a peer that is not installed: its figures show "-".

have() { command -v "$1" >/dev/null 2>&1; }

# rounds N / warmup N: the number a row asked for, unless BENCH_ROUNDS / BENCH_WARMUP say otherwise.
rounds() { echo "${BENCH_ROUNDS:-$1}"; }
warmup() { echo "${BENCH_WARMUP:-$1}"; }

declare -A bench_samples=() bench_failed=()

# bench_reset: forget every side's samples and failures, to time the same functions again
bench_reset() { bench_samples=() bench_failed=(); }
record_sample() { bench_samples[$1]+="$2 "; }
record_failure() { [[ -n ${bench_failed[$1]:-} ]] || bench_failed[$1]=$2; }

# run_side SIDE ERRFILE TIMED: one run of SIDE (its _before and _after steps untimed); records
# its time when TIMED is 1, or its failure with the last line it wrote on stderr. The clock:
# EPOCHREALTIME (bash 5) is "SECONDS.MICROSECONDS", with the locale's decimal point.
run_side() {
  local side=$1 err=$2 timed=$3 start end rc
  if declare -F "${side}_before" >/dev/null; then
    "${side}_before" >/dev/null 2>"$err" </dev/null || { record_failure "$side" "${side}_before: exit $?: $(tail -n 1 "$err")"; return; }
  fi
  start=${EPOCHREALTIME/[.,]/}
  "$side" >/dev/null 2>"$err" </dev/null
  rc=$?
  end=${EPOCHREALTIME/[.,]/}
  if ((rc != 0)); then
    record_failure "$side" "exit $rc: $(tail -n 1 "$err")"
  elif ((timed)); then
    record_sample "$side" "$(awk -v us=$((end - start)) 'BEGIN { printf "%.3f", us / 1000 }')"
  fi
  if declare -F "${side}_after" >/dev/null; then
    "${side}_after" >/dev/null 2>"$err" </dev/null || record_failure "$side" "${side}_after: exit $?: $(tail -n 1 "$err")"
  fi
}

time_sides() {
  local rounds=$1 warm=$2 sides=("${@:3}") err r i n=$(($# - 2))
  err=$(mktemp /tmp/tinydock-bench-err.XXXXXX)
  for ((r = 0; r < warm + rounds; r++)); do
    for ((i = 0; i < n; i++)); do
      local side=${sides[(r + i) % n]}
      [[ $side == - || -n ${bench_failed[$side]:-} ]] && continue # a failed side stays failed
      run_side "$side" "$err" $((r >= warm))
    done
  done
  rm -f "$err"
}

# stats SIDE SCALE: "MEDIAN IQR" of SIDE's samples, each turned into SCALE / sample when SCALE
# is not 0 (a rate), "FAILED -" when a run failed, "- -" for a peer that is not installed.
stats() {
  local side=$1 scale=$2
  if [[ $side == - ]]; then echo "- -"; return; fi
  if [[ -n ${bench_failed[$side]:-} ]]; then echo "FAILED -"; return; fi
  # sorted by time: for a rate, the order is reversed, which leaves the median and IQR alike
  printf '%s\n' ${bench_samples[$side]:-} | sort -g | awk -v scale="$scale" '
    { a[NR] = scale ? scale / ($1 / 1000) : $1 }
    END {
      if (NR == 0) { print "- -"; exit }
      n = NR
      iqr = q(0.75) - q(0.25)
      print shown(q(0.5)), shown(iqr < 0 ? -iqr : iqr)
    }
    # three significant digits or more: 2.99, 14.0, 189, 1215
    function shown(x) { return sprintf(x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x) }
    # the quantile P, interpolated between the two nearest runs
    function q(p,   h, lo) { h = (n - 1) * p + 1; lo = int(h); return a[lo] + (h - lo) * (a[lo + 1 < n ? lo + 1 : n] - a[lo]) }'
}

row_format='%-46s %9s %-4s %7s  %-42s %9s %-4s %7s %7s\n'

header() {
  printf "$row_format" "tinydock: what it does" median "" IQR "peer: what it does" median "" IQR ratio
  printf '%s\n' "$(printf '%.0s-' {1..144})"
}

# print_row UNLIKE A_DOES "A_MEDIAN A_IQR" B_DOES "B_MEDIAN B_IQR" UNIT RATIO_EXPR
print_row() {
  local unlike=$1 a_does=$2 b_does=$4 unit=$6 expr=$7 a b ratio=-
  read -r -a a <<<"$3"
  read -r -a b <<<"$5"
  if [[ $unlike == 1 ]]; then
    ratio=unlike
  elif [[ ${a[0]} =~ ^[0-9.]+$ && ${b[0]} =~ ^[0-9.]+$ ]]; then
    ratio=$(awk -v a="${a[0]}" -v b="${b[0]}" "BEGIN { r = $expr; if (r == \"\") print \"-\"; else printf \"%.2fx\", r }")
  fi
  local a_unit=$unit b_unit=$unit side
  [[ ${a[0]} =~ ^[0-9.]+$ ]] || a_unit=""
  [[ ${b[0]} =~ ^[0-9.]+$ ]] || b_unit=""
  printf "$row_format" "$a_does" "${a[0]}" "$a_unit" "${a[1]}" "$b_does" "${b[0]}" "$b_unit" "${b[1]}" "$ratio"
  for side in "${@:8}"; do
    [[ -n ${bench_failed[$side]:-} ]] && printf '    FAILED %s: %s\n' "$side" "${bench_failed[$side]}"
  done
  return 0
}

time_row() {
  local unlike=0
  [[ $1 == --unlike ]] && { unlike=1; shift; }
  print_row "$unlike" "$1" "$(stats "$2" 0)" "$3" "$(stats "$4" 0)" ms 'a > 0 ? b / a : ""' "$2" "$4"
}

rate_row() {
  local unlike=0
  [[ $1 == --unlike ]] && { unlike=1; shift; }
  print_row "$unlike" "$1" "$(stats "$2" "$5")" "$3" "$(stats "$4" "$5")" MB/s 'b > 0 ? a / b : ""' "$2" "$4"
}

value_row() {
  print_row 0 "$1" "${2:--} -" "$3" "${4:--} -" "$5" 'a > 0 ? b / a : ""'
}

failed_row() {
  printf "$row_format" "$1" FAILED "" - "" - "" - -
  printf '    FAILED: %s\n' "$2"
}

# --- a Docker daemon of our own ------------------------------------------------------------
# dockerd with its data root, exec root, pid file and socket under DIR (the exec root is short:
# it holds unix sockets, whose paths are limited to 108 bytes, unix(7)), and neither a bridge
# nor iptables rules nor ip_forward: plain dockerd would turn ip_forward on for the whole host.
# It is stopped by its pid (stop_dockerd, from the caller's EXIT trap). Call it in the script's
# own shell, not in $(...): it sets $docker, the command that talks to it, or returns non-zero
# with the reason in $dockerd_why. ARGs go to dockerd as they are (--insecure-registry A:P).
dockerd_pid= docker= docker_data= docker_exec= dockerd_why=
start_dockerd() {
  local dir=$1 i
  shift
  if ! have dockerd || ! have docker; then
    dockerd_why="docker.io is not installed"
    return 1
  fi
  docker_data=$dir/docker
  docker_exec=$(mktemp -d /tmp/tdb-exec.XXXXXX)
  dockerd --iptables=false --ip-forward=false --bridge=none \
    --data-root "$docker_data" --exec-root "$docker_exec" --pidfile "$dir/docker.pid" \
    -H "unix://$docker_exec/docker.sock" "$@" >"$dir/dockerd.log" 2>&1 &
  dockerd_pid=$!
  docker="docker -H unix://$docker_exec/docker.sock"
  for ((i = 0; i < 300; i++)); do # up to 60 s on a busy machine
    $docker version >/dev/null 2>&1 && return 0
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.2
  done
  dockerd_why="dockerd did not answer: $(tail -n 1 "$dir/dockerd.log")"
  return 1
}

# SIGTERM: dockerd stops its containers and its containerd, and unmounts their layers; after
# 30 s, SIGKILL. Whatever is still mounted under its folders is unmounted, deepest first.
stop_dockerd() {
  [[ -n $dockerd_pid ]] || return 0
  $docker rm -f $($docker ps -aq 2>/dev/null) >/dev/null 2>&1
  kill "$dockerd_pid" 2>/dev/null
  local i mount
  for ((i = 0; i < 150; i++)); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$dockerd_pid" 2>/dev/null
  wait "$dockerd_pid" 2>/dev/null
  for mount in $(awk -v a="$docker_data/" -v b="$docker_exec/" \
    'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mount"
  done
  rm -rf --one-file-system "$docker_exec"
  dockerd_pid=
}
