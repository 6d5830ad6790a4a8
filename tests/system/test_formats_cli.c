/*
 * test_formats_cli.c - chapter 05's teaching commands as a student uses them from the shell:
 * `tinydock sha256sum` beside coreutils' sha256sum, `tinydock gunzip` beside gzip.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "harness.h"

static void write_in_sandbox(const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", sandbox.dir, name);
	ck_assert_int_eq(write_file_atomic(path, text, strlen(text), 0644), 0);
}

START_TEST(sha256sum_prints_what_coreutils_prints_and_goes_on_past_a_missing_file)
{
	if (!have_program("sha256sum")) {
		harness_skip("sha256sum is not installed");
		return;
	}
	char a[PATH_MAX], b[PATH_MAX], missing[PATH_MAX];
	write_in_sandbox("a.txt", "hello\n", a, sizeof(a));
	write_in_sandbox("b\\name.txt", "", b, sizeof(b)); /* a backslash: printed escaped */
	snprintf(missing, sizeof(missing), "%s/missing", sandbox.dir);
	struct run_result ours = run_tinydock(NULL, 10, "sha256sum", a, missing, b, NULL);
	const char *argv[] = { "sha256sum", a, missing, b, NULL };
	struct run_result theirs = run_program(NULL, 10, argv);
	ck_assert_str_eq(ours.out, theirs.out);
	ck_assert_int_eq(ours.status, 1);
	ck_assert_int_eq(theirs.status, 1);
	ck_assert_msg(strstr(ours.err, "tinydock: cannot open \"") && strstr(ours.err, "No such file or directory"),
		      "stderr: %s", ours.err);
	run_free(&ours);
	run_free(&theirs);

	struct run_result in = run_tinydock("abc", 10, "sha256sum", NULL);
	ck_assert_str_eq(in.out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n");
	run_free(&in);
}
END_TEST

START_TEST(gunzip_inflates_what_gzip_made_and_names_what_broke)
{
	if (!have_program("gzip")) {
		harness_skip("gzip is not installed");
		return;
	}
	char text[PATH_MAX], script[4 * PATH_MAX];
	write_in_sandbox("text", "content addressing names a blob by its digest\n", text, sizeof(text));
	snprintf(script, sizeof(script), "gzip -9 -c '%s' | '%s' gunzip", text, tinydock_binary());
	const char *argv[] = { "sh", "-c", script, NULL };
	struct run_result r = run_program(NULL, 20, argv);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "content addressing names a blob by its digest\n");
	run_free(&r);

	/* Cut the trailer off: the CRC-32 is missing. */
	snprintf(script, sizeof(script), "gzip -c '%s' | head -c 40 | '%s' gunzip", text, tinydock_binary());
	r = run_program(NULL, 20, argv);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "tinydock: gzip: member 1: "), "stderr: %s", r.err);
	run_free(&r);

	struct run_result plain = run_tinydock("not gzip", 10, "gunzip", NULL);
	ck_assert_int_eq(plain.status, 1);
	ck_assert_str_eq(plain.err, "tinydock: gzip: member 1: not in gzip format (starts with 6e 6f, not 1f 8b)\n");
	run_free(&plain);
}
END_TEST

START_TEST(both_commands_explain_themselves_with_help)
{
	struct run_result r = run_tinydock(NULL, 10, "sha256sum", "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "Usage:  tinydock sha256sum [FILE...]"));
	run_free(&r);
	r = run_tinydock(NULL, 10, "gunzip", "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "Usage:  tinydock gunzip < FILE.gz > FILE"));
	run_free(&r);
}
END_TEST

Suite *formats_cli_suite(void)
{
	Suite *s = suite_create("formats_cli");
	TCase *t = tcase_create("commands");
	harness_use_stage(t, 5);
	harness_use_sandbox(t);
	tcase_add_test(t, sha256sum_prints_what_coreutils_prints_and_goes_on_past_a_missing_file);
	tcase_add_test(t, gunzip_inflates_what_gzip_made_and_names_what_broke);
	tcase_add_test(t, both_commands_explain_themselves_with_help);
	suite_add_tcase(s, t);
	return s;
}
