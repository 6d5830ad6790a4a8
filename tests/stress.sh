#!/bin/bash
# stress.sh [RUNS] - the whole suite, RUNS times (default 10), beside two CPU burners.
#
# CI runs on a machine that may be busy, and one flaky test fails a whole landing. A test
# that waits on a fixed sleep, or on a deadline too tight for a loaded machine, passes on a
# quiet laptop and fails here. So this runs every unit and system test, again and again,
# while two busy loops (one per core of a 2-core machine) take the CPU from it, and counts
# the runs in which everything passed. Target: all of them.
#
# Needs root (the system tests) and the binaries `make test` builds; the Makefile's
# `stress` target builds them and passes their paths in the environment. Each run's full
# output is kept in $BUILD/stress/run-N/output.log; a failed run's failures are printed.
set -u
runs=${1:-10}
build=${BUILD:-build}
logs="$build/stress"
mkdir -p "$logs"

burners=()
stop_burners() {
  # End only what this script started, by pid.
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null; done
  burners=()
}
trap stop_burners EXIT
trap 'exit 130' INT TERM
for _ in 1 2; do
  ( while :; do :; done ) &
  burners+=("$!")
done
echo "stress: $runs run(s) of the whole suite beside ${#burners[@]} CPU burners (pids ${burners[*]})"

passed=0
for i in $(seq "$runs"); do
  rm -rf "$logs/run-$i"; mkdir -p "$logs/run-$i"
  log="$logs/run-$i/output.log"
  results="$logs/run-$i/results" # what tests/summary.sh totals
  start=$(date +%s)
  { TINYDOCK_RESULTS="$PWD/$results" "$build/unit-tests"; unit=$?
    TINYDOCK_RESULTS="$PWD/$results" "$build/system-tests"; system=$?
    echo "exit codes: unit $unit, system $system"; } > "$log" 2>&1
  total=$(tests/summary.sh "$logs/run-$i")
  took=$(( $(date +%s) - start ))
  if grep -q "exit codes: unit 0, system 0" "$log"; then
    passed=$((passed + 1))
    echo "run $i: passed in ${took} s (${total#total: }, load $(cut -d' ' -f1 /proc/loadavg))"
  else
    echo "run $i: FAILED in ${took} s (${total#total: }); log: $log"
    grep -E ':[FE]:' "$log" | sed 's/^/    /' | head -20
  fi
done
echo "stress: $passed of $runs runs passed"
[ "$passed" = "$runs" ]
