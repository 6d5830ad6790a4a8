#!/usr/bin/env bash
# bench.sh - `make bench`: every chapter's benchmarks, side by side with the peers installed here.
# Each chapter's bench.sh prints rows (see bench-lib.sh); peers that are missing show "-".
# It reports and never fails the build.
set -u
cd "$(dirname "$0")/.."
export TINYDOCK=${TINYDOCK:-$PWD/build/tinydock}
source tests/bench-lib.sh
# Containers keep state (their overlay upper folders, chapter 03's records): the benchmarks keep
# theirs in a folder of their own, never in the machine's /var/lib/tinydock.
state=$(mktemp -d /tmp/tinydock-bench-state.XXXXXX)
trap 'rm -rf --one-file-system "$state"' EXIT
export TINYDOCK_ROOT=${TINYDOCK_ROOT:-$state/root} TINYDOCK_RUN=${TINYDOCK_RUN:-$state/run}
printf '%-44s %12s %-6s %-22s %12s %-6s %8s\n' "benchmark (median)" "tinydock" "" "peer" "peer" "" "ratio"
printf '%s\n' "$(printf '%.0s-' {1..116})"
for script in [0-9][0-9]-*/bench*.sh; do
  [[ -f $script ]] || continue
  bash "$script" || echo "(${script%%/*}: benchmark script failed; continuing)"
done
exit 0
