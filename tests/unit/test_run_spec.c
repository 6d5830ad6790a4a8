/*
 * test_run_spec.c - `run`'s flags of chapters 02 to 05 parsed into one composed spec
 * (run-flags.h): each chapter's fields land in its own part, and chapter 02's part is the
 * container every earlier chapter sees. Pure: nothing is made.
 */
#include <check.h>
#include <string.h>

#include "container.h"
#include "error.h"
#include "image-run.h"
#include "runtime.h"

static const struct run_flags *const image_run_flags[] = { &image_flags, &overlay_flags };

/* runtime_parse of chapter 05's `run` on a NULL-terminated list of words after "run" */
static int parse(struct image_spec *spec, const char *const words[])
{
	static char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)"run";
	for (int i = 0; words[i]; i++)
		argv[argc++] = (char *)words[i];
	argv[argc] = NULL;
	memset(spec, 0, sizeof(*spec));
	return runtime_parse(argc, argv, &spec->runtime, image_run_flags, 2);
}

START_TEST(each_chapters_flags_fill_its_own_part_of_the_spec)
{
	static struct image_spec spec;
	ck_assert_msg(parse(&spec, (const char *const[]){ "-d", "--name", "web", "-m", "16m", "--restart", "always",
							  "--entrypoint", "/bin/echo", "--network", "none", "busybox",
							  "hi", NULL }) == 0,
		      "%s", error_message());
	/* chapter 02 */
	ck_assert_str_eq(spec.runtime.container.name, "web");
	ck_assert_int_eq(spec.runtime.container.network, NETWORK_NONE);
	ck_assert_ptr_null(spec.runtime.container.rootfs);
	ck_assert_str_eq(spec.runtime.container.command[0], "hi");
	/* chapter 03 */
	ck_assert(spec.runtime.detach);
	ck_assert_int_eq(spec.runtime.limits.memory, 16 << 20);
	ck_assert_int_eq(spec.runtime.restart.mode, RESTART_ALWAYS);
	ck_assert_str_eq(spec.runtime.image, "busybox");
	/* chapter 05 */
	ck_assert_str_eq(spec.name, "busybox");
	ck_assert_str_eq(spec.entrypoint, "/bin/echo");
}
END_TEST

START_TEST(label_flags_are_repeatable_and_a_key_given_twice_keeps_its_last_value)
{
	static struct image_spec spec;
	ck_assert_msg(parse(&spec, (const char *const[]){ "-l", "tier=front", "--label", "owner=shop", "--label=tier=back",
							  "-l", "flag", "busybox", NULL }) == 0,
		      "%s", error_message());
	ck_assert_int_eq(spec.runtime.label_count, 3);
	ck_assert_str_eq(spec.runtime.labels[0], "tier=back");
	ck_assert_str_eq(spec.runtime.labels[1], "owner=shop");
	ck_assert_str_eq(spec.runtime.labels[2], "flag");
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "-l", "=x", "busybox", NULL }), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "invalid label \"=x\": empty key"));
}
END_TEST

START_TEST(with_rootfs_there_is_no_image_and_without_either_run_says_what_it_needs)
{
	static struct image_spec spec;
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "--rootfs", "/r", "ls", NULL }), 0);
	ck_assert_ptr_null(spec.name);
	ck_assert_ptr_null(spec.runtime.image);
	ck_assert_str_eq(spec.runtime.container.command[0], "ls");
	ck_assert_int_eq(parse(&spec, (const char *const[]){ "-d", NULL }), -1);
	ck_assert_msg(strstr(error_message(), "requires at least 1 argument: IMAGE"), "%s", error_message());
	error_clear();
}
END_TEST

START_TEST(chapter_03_alone_requires_rootfs_and_refuses_chapter_05s_flags)
{
	static struct runtime_spec spec;
	char *words[] = { (char *)"run", (char *)"-d", (char *)"busybox", NULL };
	ck_assert_int_eq(runtime_parse(3, words, &spec, NULL, 0), -1);
	ck_assert_msg(strstr(error_message(), "expects --rootfs DIR"), "%s", error_message());
	error_clear();
	char *more[] = { (char *)"run", (char *)"--entrypoint", (char *)"x", (char *)"--rootfs", (char *)"/r", NULL };
	ck_assert_int_eq(runtime_parse(5, more, &spec, NULL, 0), -1);
	ck_assert_msg(strstr(error_message(), "unknown flag: --entrypoint"), "%s", error_message());
	error_clear();
}
END_TEST

Suite *run_spec_suite(void)
{
	Suite *s = suite_create("05-images run spec");
	TCase *t = tcase_create("composed spec");
	tcase_add_test(t, each_chapters_flags_fill_its_own_part_of_the_spec);
	tcase_add_test(t, label_flags_are_repeatable_and_a_key_given_twice_keeps_its_last_value);
	tcase_add_test(t, with_rootfs_there_is_no_image_and_without_either_run_says_what_it_needs);
	tcase_add_test(t, chapter_03_alone_requires_rootfs_and_refuses_chapter_05s_flags);
	suite_add_tcase(s, t);
	return s;
}
