/*
 * test_stages.c - every chapter's own binary, build/chNN/tinydock: it has the commands of its
 * chapter and the earlier ones, no later one, and its `run` has the flags they teach
 * (01-chroot/command.h, the stage-NN.c files, the Makefile's stage rules).
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chapter-01.h"
#include "chapter-02.h"
#include "chapter-03.h"
#include "chapter-04.h"
#include "chapter-05.h"
#include "chapter-06.h"
#include "chapter-07.h"
#include "chapter-08.h"
#include "harness.h"

/* The chapters written so far, with the tables they add; the last stage links them all. */
static const struct {
	int chapter;
	const struct command *table;
} chapters[] = {
	{ 1, chapter_01_commands }, { 2, chapter_02_commands }, { 3, chapter_03_commands },
	{ 4, chapter_04_commands }, { 5, chapter_05_commands }, { 6, chapter_06_commands },
	{ 7, chapter_07_commands }, { 8, chapter_08_commands },
};
#define CHAPTERS (sizeof(chapters) / sizeof(chapters[0]))
#define LAST_STAGE 8

/* Run the binary of a stage with the given arguments (NULL-terminated, at most 12). */
static struct run_result run_stage(int chapter, const char *const *args)
{
	char binary[PATH_MAX];
	harness_stage_binary(chapter, binary);
	const char *argv[16] = { binary };
	for (int i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	return run_program(NULL, 30, argv);
}

/* True when names ("\nrun\nps\n...") has name. */
static bool has_name(const char *names, const char *name)
{
	char line[64];
	snprintf(line, sizeof(line), "\n%s\n", name);
	return strstr(names, line) != NULL;
}

static void add_name(char *names, size_t size, const char *name)
{
	snprintf(names + strlen(names), size - strlen(names), "%s\n", name);
}

/* The command names in the "Commands:" part of a --help text, in order: "\nrootfs\nchroot\n". */
static void listed_commands(const char *help, char *names, size_t size)
{
	const char *line = strstr(help, "Commands:\n");
	ck_assert_msg(line != NULL, "%s", help);
	snprintf(names, size, "\n");
	for (line = strchr(line, '\n') + 1; strncmp(line, "  ", 2) == 0; line = strchr(line, '\n') + 1) {
		char name[32];
		ck_assert_int_eq(sscanf(line, "%31s", name), 1);
		add_name(names, size, name);
	}
}

/* The names of the tables of chapters up to stage, each once, in the order they come. */
static void expected_commands(int stage, char *names, size_t size)
{
	snprintf(names, size, "\n");
	for (size_t c = 0; c < CHAPTERS && chapters[c].chapter <= stage; c++)
		for (const struct command *row = chapters[c].table; row->name; row++)
			if (!has_name(names, row->name))
				add_name(names, size, row->name);
}

START_TEST(every_stage_lists_the_commands_of_its_chapters_and_no_later_ones)
{
	int stages[CHAPTERS + 1];
	for (size_t c = 0; c < CHAPTERS; c++)
		stages[c] = chapters[c].chapter;
	stages[CHAPTERS] = LAST_STAGE;
	for (size_t s = 0; s <= CHAPTERS; s++) {
		struct run_result r = run_stage(stages[s], (const char *[]){ "--help", NULL });
		ck_assert_msg(r.status == 0, "stage %d: (%d) %s", stages[s], r.status, r.err);
		char listed[4096], expected[4096];
		listed_commands(r.out, listed, sizeof(listed));
		expected_commands(stages[s], expected, sizeof(expected));
		ck_assert_msg(strcmp(listed, expected) == 0, "stage %d lists:%s\nexpected:%s", stages[s], listed,
			      expected);
		run_free(&r);
	}
}
END_TEST

/* Every command a later chapter adds (not one it gives a new function) is unknown to a stage. */
START_TEST(a_later_chapters_command_is_not_a_command_of_an_earlier_stage)
{
	for (size_t stage = 0; stage < CHAPTERS; stage++) {
		char known[4096];
		expected_commands(chapters[stage].chapter, known, sizeof(known));
		for (size_t later = stage + 1; later < CHAPTERS; later++)
			for (const struct command *row = chapters[later].table; row->name; row++) {
				if (has_name(known, row->name))
					continue;
				struct run_result r = run_stage(chapters[stage].chapter, (const char *[]){ row->name, NULL });
				char message[128];
				snprintf(message, sizeof(message), "tinydock: '%s' is not a tinydock command.\n", row->name);
				ck_assert_msg(r.status == 1 && strstr(r.err, message) != NULL, "stage %d ran %s: (%d) %s",
					      chapters[stage].chapter, row->name, r.status, r.err);
				run_free(&r);
			}
	}
}
END_TEST

START_TEST(each_stages_run_has_the_flags_of_its_chapters)
{
	/* chapter 02's run is in the foreground only */
	struct run_result r = run_stage(2, (const char *[]){ "run", "-d", "--network", "none", "--rootfs", sandbox.rootfs,
							     "true", NULL });
	ck_assert_msg(r.status == 125 && strstr(r.err, "unknown shorthand flag: 'd' in -d"), "(%d) %s", r.status, r.err);
	run_free(&r);
	r = run_stage(2, (const char *[]){ "run", "--network", "none", "--rootfs", sandbox.rootfs, "sh", "-c", "exit 3", NULL });
	ck_assert_msg(r.status == 3, "(%d) %s", r.status, r.err);
	run_free(&r);

	/* chapter 03's runs detached, and waits for it */
	r = run_stage(3, (const char *[]){ "run", "-d", "--name", "staged", "--network", "none", "--rootfs",
					   sandbox.rootfs, "sh", "-c", "exit 4", NULL });
	ck_assert_msg(r.status == 0 && strlen(r.out) == 65, "(%d) %s %s", r.status, r.out, r.err);
	run_free(&r);
	r = run_stage(3, (const char *[]){ "wait", "staged", NULL });
	ck_assert_msg(r.status == 0 && strcmp(r.out, "4\n") == 0, "(%d) %s %s", r.status, r.out, r.err);
	run_free(&r);
	r = run_stage(3, (const char *[]){ "rm", "staged", NULL });
	ck_assert_msg(r.status == 0, "(%d) %s", r.status, r.err);
	run_free(&r);

	/* chapter 04's needs a --rootfs: images are chapter 05's */
	r = run_stage(4, (const char *[]){ "run", "busybox", "true", NULL });
	ck_assert_msg(r.status == 125 && strstr(r.err, "images come in chapter 05"), "(%d) %s", r.status, r.err);
	run_free(&r);

	/* -v is chapter 06's */
	r = run_stage(5, (const char *[]){ "run", "--rm", "--network", "none", "-v", "/tmp:/t", "busybox", "true", NULL });
	ck_assert_msg(r.status == 125 && strstr(r.err, "unknown shorthand flag: 'v' in -v"), "(%d) %s", r.status, r.err);
	run_free(&r);
	r = run_stage(6, (const char *[]){ "run", "--help", NULL });
	ck_assert_msg(r.status == 0 && strstr(r.out, "--volume") && strstr(r.out, "--mount") && strstr(r.out, "--tmpfs"),
		      "(%d) %s", r.status, r.out);
	run_free(&r);
}
END_TEST

START_TEST(build_tinydock_is_the_last_stages_binary)
{
	char last[PATH_MAX];
	harness_stage_binary(LAST_STAGE, last);
	struct stat whole, stage;
	ck_assert_int_eq(stat(tinydock_binary(), &whole), 0);
	ck_assert_int_eq(stat(last, &stage), 0);
	ck_assert_msg(whole.st_dev == stage.st_dev && whole.st_ino == stage.st_ino, "%s is not %s", tinydock_binary(),
		      last);
}
END_TEST

/* In a test case of chapter 02 (harness_use_stage), run_tinydock runs build/ch02/tinydock. */
START_TEST(a_test_case_of_chapter_02_is_judged_by_the_binary_of_chapter_02)
{
	char stage[PATH_MAX];
	harness_stage_binary(2, stage);
	ck_assert_str_eq(tinydock_binary(), stage);
	struct run_result r = run_tinydock(NULL, 10, "ps", NULL);
	ck_assert_msg(r.status == 1 && strstr(r.err, "'ps' is not a tinydock command"), "(%d) %s", r.status, r.err);
	run_free(&r);
}
END_TEST

Suite *stages_suite(void)
{
	Suite *s = suite_create("stages");
	TCase *t = tcase_create("stage binaries");
	harness_use_sandbox(t);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, every_stage_lists_the_commands_of_its_chapters_and_no_later_ones);
	tcase_add_test(t, a_later_chapters_command_is_not_a_command_of_an_earlier_stage);
	tcase_add_test(t, each_stages_run_has_the_flags_of_its_chapters);
	tcase_add_test(t, build_tinydock_is_the_last_stages_binary);
	suite_add_tcase(s, t);
	TCase *judged = tcase_create("a chapter's test case");
	harness_use_stage(judged, 2);
	tcase_add_test(judged, a_test_case_of_chapter_02_is_judged_by_the_binary_of_chapter_02);
	suite_add_tcase(s, judged);
	return s;
}
