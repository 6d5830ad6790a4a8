#!/bin/sh
# summary.sh BUILD - the closing lines of `make test`: totals over all test programs, and
# whatever did not run. Each runner appended to BUILD/results tab-separated lines:
#   totals   PASSED FAILED SKIPPED   (one per program that ran)
#   skipped  TEST REASON             (one per skipped test: a peer such as docker is absent)
#   not-run  WHY                     (a whole program that could not run: the system tests
#                                     for a normal user)
# Exits non-zero when a test failed or a program did not run, so no summary reads as a pass
# that was not one.
results="$1/results"
[ -f "$results" ] || { echo "total: 0 passed, 1 failed (no test results were written)"; exit 1; }
awk -F '\t' '
	$1 == "totals"  { p += $2; f += $3; s += $4; programs++ }
	$1 == "skipped" { printf "skipped: %s: %s\n", $2, $3 }
	$1 == "not-run" { notrun[++n] = $2 }
	END {
		printf "total: %d passed, %d failed, %d skipped\n", p, f, s
		for (i = 1; i <= n; i++)
			printf "NOT RUN: %s\n", notrun[i]
		if (programs == 0 && n == 0)
			print "no test program wrote its totals"
		exit (f > 0 || n > 0 || programs == 0)
	}' "$results"
