/*
 * runner.c - the main() of a Check test program (unit-tests or system-tests).
 *
 * The Makefile collects every `Suite *NAME_suite(void)` of the files in tests/unit
 * (or tests/system) into suites.h as SUITE(NAME_suite) lines, so a new test file
 * needs no registration. Check's own environment variables select what runs:
 *     CK_RUN_SUITE=tar CK_RUN_CASE=reader build/unit-tests
 *     CK_VERBOSITY=verbose build/unit-tests      (one line per test)
 * With TINYDOCK_RESULTS=FILE the totals are appended to FILE for tests/summary.sh.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

#define SUITE(name) Suite *name(void);
#include "suites.h"
#undef SUITE

int main(void)
{
	harness_begin();
	SRunner *runner = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(runner, name());
#include "suites.h"
#undef SUITE
	srunner_run_all(runner, CK_ENV);
	int total = srunner_ntests_run(runner);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);

	int skipped = harness_count_skipped();
	const char *results = getenv("TINYDOCK_RESULTS");
	if (results) {
		FILE *f = fopen(results, "a");
		if (f) {
			fprintf(f, "%d %d %d\n", total - failed - skipped, failed, skipped);
			fclose(f);
		}
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
