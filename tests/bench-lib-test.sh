#!/usr/bin/env bash
# bench-lib-test.sh - the rules of bench-lib.sh's timing, checked on sides whose behaviour we
# choose: a failed run gives FAILED and never a time, warm-up runs are run but not timed, sides
# take turns, the figures are the median and IQR of the runs, a peer doing other work gets no
# ratio. A benchmark that times a failure as a success reports a speed that nothing has; these
# checks keep that from coming back. Run by `make check`; no root, about a second.
set -u
cd "$(dirname "$0")/.."
source tests/bench-lib.sh
failures=0

# expect NAME COMMAND...: COMMAND must succeed
passes=0
expect() {
  local name=$1; shift
  if "$@"; then
    echo "ok      $name"; passes=$((passes + 1))
  else
    echo "FAILED  $name"; failures=$((failures + 1))
  fi
}
contains() { [[ $1 == *"$2"* ]]; }

calls=()
good() { calls+=(good); }
bad() { calls+=(bad); ((${#calls[@]} < 3)) || { echo "disk full" >&2; return 3; }; }

# --- a failed run fails the row -----------------------------------------------------------------
bench_reset; calls=()
time_sides 5 1 good bad
out=$(time_row "good side" good "bad side" bad)
expect a_side_that_fails_once_shows_FAILED_instead_of_a_time contains "$out" "FAILED"
expect the_failed_side_shows_its_exit_status_and_its_last_error contains "$out" "exit 3: disk full"
expect a_row_with_a_failed_side_has_no_ratio [ "$(head -n 1 <<<"$out" | awk '{ print $NF }')" = "-" ]
expect a_failed_side_is_not_run_again [ "$(printf '%s\n' "${calls[@]}" | grep -c bad)" = 2 ]

bench_reset
prepared_before() { false; }
prepared() { :; }
time_sides 2 0 prepared
expect a_failed_preparation_fails_the_side contains "$(time_row x prepared y -)" "prepared_before: exit 1"

# --- warm-up and turns ---------------------------------------------------------------------------
bench_reset; calls=()
a() { calls+=(a); }
b() { calls+=(b); }
time_sides 3 2 a b
expect warm_up_runs_are_run_but_not_timed [ "${#calls[@]} runs, $(wc -w <<<"${bench_samples[a]}") timed" = "10 runs, 3 timed" ]
expect sides_take_turns_starting_from_a_different_side_each_round [ "${calls[*]}" = "a b b a a b b a a b" ]

# --- the figures ---------------------------------------------------------------------------------
bench_reset
for ms in 5 1 4 2 3; do record_sample five "$ms"; done
expect the_median_and_IQR_are_those_of_the_runs [ "$(stats five 0)" = "3.00 2.00" ]
record_sample slow 1000; record_sample slow 2000; record_sample slow 4000
expect a_rate_is_the_amount_over_each_run_time [ "$(stats slow 100)" = "50.0 37.5" ]
expect a_ratio_says_how_many_times_faster_the_first_side_is \
  contains "$(time_row one five other slow)" "666.67x"
expect a_peer_doing_other_work_gets_no_ratio contains "$(time_row --unlike one five other slow)" "unlike"
expect a_missing_peer_shows_a_dash_and_no_ratio [ "$(time_row one five other - | awk '{ print $NF }')" = "-" ]

bench_reset
sleeper() { sleep 0.05; }
time_sides 1 0 sleeper
expect the_clock_covers_the_whole_run_of_a_side awk -v ms="${bench_samples[sleeper]}" 'BEGIN { exit !(ms >= 50) }'

echo "bench-lib: $passes passed, $failures failed"
# make test adds every test program's totals up (tests/summary.sh reads this line)
[[ -n ${TINYDOCK_RESULTS:-} ]] && printf "totals\t%d\t%d\t0\n" "$passes" "$failures" >> "$TINYDOCK_RESULTS"
((failures == 0))
