#!/usr/bin/env bash
# bench.sh - `make bench`: every chapter's benchmarks, side by side with the peers installed here.
# Each chapter's bench*.sh prints rows timed by bench-lib.sh's one method (read its rules);
# peers that are missing show "-", a side whose run failed shows FAILED and why.
# It reports and never fails the build. BENCH_ROUNDS=3 BENCH_WARMUP=1 make bench: a quick check.
set -u
cd "$(dirname "$0")/.."
export TINYDOCK=${TINYDOCK:-$PWD/build/tinydock}
source tests/bench-lib.sh
# Containers keep state (their overlay upper folders, chapter 03's records): the benchmarks keep
# theirs in a folder of their own, never in the machine's /var/lib/tinydock.
state=$(mktemp -d /tmp/tinydock-bench-state.XXXXXX)
trap 'rm -rf --one-file-system "$state"' EXIT
chmod 711 "$state" # containers with --userns: root inside is uid 100000 outside, and passes through
export TINYDOCK_ROOT=${TINYDOCK_ROOT:-$state/root} TINYDOCK_RUN=${TINYDOCK_RUN:-$state/run}
# A figure taken while the machine is busy is not the machine's: say how busy it was.
load() { cut -d' ' -f1-3 /proc/loadavg; }
own="as each row asks"
echo "make bench on $(nproc) CPUs, load average $(load); rounds: ${BENCH_ROUNDS:-$own}," \
  "warm-up runs: ${BENCH_WARMUP:-$own}."
echo "Median and IQR of the rounds; ratio > 1: tinydock is faster or smaller; 'unlike': the peer" \
  "does other work, no ratio."
header
# What the method itself costs: bash forking and exec'ing a program that does nothing. Every
# figure in ms includes it, on both sides alike.
floor() { /bin/true; }
time_sides "$(rounds 100)" "$(warmup 5)" floor
echo "(the timing's own cost, fork and exec of /bin/true: $(stats floor 0 | awk '{ print $1 " ms, IQR " $2 }'); every ms figure includes it)"
for script in [0-9][0-9]-*/bench*.sh; do
  [[ -f $script ]] || continue
  bash "$script" || failed_row "$script" "the script stopped with exit $? (its rows above are complete)"
done
echo "load average at the end: $(load)"
exit 0
