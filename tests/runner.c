/*
 * runner.c - the main() of a Check test program (unit-tests or system-tests).
 *
 * The Makefile collects every `Suite *NAME_suite(void)` of the files in tests/unit
 * (or tests/system) into suites.h as SUITE(NAME_suite) lines, so a new test file
 * needs no registration. Check's own environment variables select what runs:
 *     CK_RUN_SUITE=tar CK_RUN_CASE=reader build/unit-tests
 *     CK_VERBOSITY=verbose build/unit-tests      (one line per test)
 *
 * Check knows only passed and failed; a test that cannot run here (a peer tool is missing)
 * calls harness_skip, which records it. The runner closes with its own totals, in which a
 * skipped test is neither passed nor failed, and names every skipped test with its reason.
 * With TINYDOCK_RESULTS=FILE the totals are also appended to FILE for tests/summary.sh.
 * Built with NEEDS_ROOT (the system tests), it runs nothing unless it is root, and says so.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define SUITE(name) Suite *name(void);
#include "suites.h"
#undef SUITE

#define MAX_SKIPS 256

struct skip {
	char test[128];
	char reason[512];
	int passes; /* how often Check's log says this test passed */
};

/* The skip records the tests wrote (harness_skip: one "TEST<tab>REASON" line per skipped test). */
static int read_skips(const char *path, struct skip *skips)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return 0;
	int n = 0;
	char line[1024];
	while (n < MAX_SKIPS && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		snprintf(skips[n].test, sizeof(skips[n].test), "%s", line);
		snprintf(skips[n].reason, sizeof(skips[n].reason), "%s", tab + 1);
		skips[n].passes = 0;
		n++;
	}
	fclose(f);
	return n;
}

/* Check's log has one line per test run, "FILE:LINE:RESULT:TCASE:TEST:ITERATION: MESSAGE" with
 * RESULT P (passed), F (failed) or E (error). A skipped test counts as skipped only if it passed:
 * one that skipped and then failed anyway stays a failure. */
static void count_passes(const char *log, struct skip *skips, int n)
{
	FILE *f = log ? fopen(log, "r") : NULL;
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		char result[2], test[128];
		int iteration;
		if (sscanf(line, "%*[^:]:%*d:%1[PFE]:%*[^:]:%127[^:]:%d:", result, test, &iteration) != 3 ||
		    result[0] != 'P')
			continue;
		for (int i = 0; i < n; i++)
			if (strcmp(skips[i].test, test) == 0)
				skips[i].passes++;
	}
	fclose(f);
}

/* Append this program's figures to $TINYDOCK_RESULTS, in the lines tests/summary.sh reads. */
static void write_results(int passed, int failed, const struct skip *skips, int n, const char *not_run)
{
	const char *results = getenv("TINYDOCK_RESULTS");
	FILE *f = results ? fopen(results, "a") : NULL;
	if (!f)
		return;
	if (not_run)
		fprintf(f, "not-run\t%s\n", not_run);
	else
		fprintf(f, "totals\t%d\t%d\t%d\n", passed, failed, n);
	for (int i = 0; i < n; i++)
		fprintf(f, "skipped\t%s\t%s\n", skips[i].test, skips[i].reason);
	fclose(f);
}

int main(void)
{
#ifdef NEEDS_ROOT
	if (geteuid() != 0) {
		const char *why = "the system tests, which need root (sudo make test)";
		printf("NOT RUN: %s\n", why);
		write_results(0, 0, NULL, 0, why);
		return EXIT_FAILURE;
	}
#endif
	harness_begin();
	char log[64];
	snprintf(log, sizeof(log), "/tmp/tinydock-log.%d", (int)getpid());
	unlink(log);
	SRunner *runner = srunner_create(NULL);
	srunner_set_log(runner, log);
#define SUITE(name) srunner_add_suite(runner, name());
#include "suites.h"
#undef SUITE
	srunner_run_all(runner, CK_ENV);
	int total = srunner_ntests_run(runner);
	int failed = srunner_ntests_failed(runner);

	static struct skip skips[MAX_SKIPS];
	int recorded = read_skips(getenv("TINYDOCK_SKIP_FILE"), skips);
	/* CK_LOG_FILE_NAME, when set, takes the log elsewhere: read the one Check wrote. */
	count_passes(srunner_log_fname(runner), skips, recorded);
	int skipped = 0;
	for (int i = 0; i < recorded; i++)
		if (skips[i].passes > 0)
			skips[skipped++] = skips[i];
	srunner_free(runner);
	unlink(log);
	unlink(getenv("TINYDOCK_SKIP_FILE"));

	for (int i = 0; i < skipped; i++)
		printf("skipped: %s: %s\n", skips[i].test, skips[i].reason);
	printf("%d tests: %d passed, %d failed, %d skipped\n", total, total - failed - skipped, failed, skipped);
	write_results(total - failed - skipped, failed, skips, skipped, NULL);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
