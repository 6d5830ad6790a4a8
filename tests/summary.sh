#!/bin/sh
# summary.sh BUILD - the closing line of `make test`: totals over all test programs.
# Each runner appended "passed failed skipped" to BUILD/results; the skipped tests
# (a peer such as docker or skopeo absent) were each named when they were skipped.
results="$1/results"
[ -f "$results" ] || { echo "total: 0 passed, 1 failed (no test results were written)"; exit 1; }
awk '{ p += $1; f += $2; s += $3 } END { printf "total: %d passed, %d failed, %d skipped\n", p, f, s }' "$results"
