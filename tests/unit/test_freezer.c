/*
 * test_freezer.c - the freezer of `pause` (03-cgroups/freezer.c) against FAKE cgroup roots:
 * plain folders laid out like a v2 root and a hybrid one, with the files the kernel would
 * answer with written by the test. So the v2 logic (cgroup.freeze, then wait for cgroup.events
 * to say "frozen 1") is checked on any machine, without root.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "error.h"
#include "files.h"
#include "freezer.h"

static char fake[PATH_MAX];

static void fake_setup(void)
{
	snprintf(fake, sizeof(fake), "/tmp/tinydock-fakefreezer.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fake));
}

static void fake_teardown(void)
{
	if (strncmp(fake, "/tmp/tinydock-fakefreezer.", 26) == 0)
		remove_tree(fake);
}

/* Write text to fake/relative (making its folder). */
static void put(const char *relative, const char *text)
{
	char path[PATH_MAX], dir[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", fake, relative);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	ck_assert_int_eq(make_dirs(dir, 0755), 0);
	ck_assert_msg(write_file_atomic(path, text, strlen(text), 0644) == 0, "%s", error_message());
}

static const char *get(const char *relative)
{
	static char text[256];
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", fake, relative);
	char *data = read_file(path, NULL);
	snprintf(text, sizeof(text), "%s", data ? data : "<missing>");
	free(data);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* A v2 root holding container c1, whose cgroup.events says what the kernel would. */
static void open_v2(const char *events, struct cgroup *cg)
{
	put("cgroup.controllers", "cpu memory pids\n");
	put("tinydock/c1/cgroup.events", events);
	struct cgroup_layout layout;
	ck_assert_msg(cgroup_detect(fake, &layout) == 0, "%s", error_message());
	ck_assert_msg(cgroup_open(&layout, "tinydock", "c1", cg) == 0, "%s", error_message());
}

START_TEST(the_frozen_key_of_cgroup_events_is_read_wherever_it_is)
{
	ck_assert_int_eq(freezer_events_frozen("populated 1\nfrozen 1\n"), 1);
	ck_assert_int_eq(freezer_events_frozen("frozen 0\npopulated 1\n"), 0);
	ck_assert_int_eq(freezer_events_frozen("populated 1\n"), -1); /* Linux before 5.2 */
	ck_assert_int_eq(freezer_events_frozen(""), -1);
}
END_TEST

START_TEST(on_v2_pause_writes_cgroup_freeze_and_returns_once_events_say_frozen)
{
	struct cgroup cg;
	open_v2("populated 1\nfrozen 1\n", &cg);
	ck_assert_int_eq(freezer_of(&cg), FREEZER_V2);
	ck_assert_msg(freezer_set(&cg, FREEZER_V2, true, 1000) == 0, "%s", error_message());
	ck_assert_str_eq(get("tinydock/c1/cgroup.freeze"), "1");
	bool frozen = false;
	ck_assert_int_eq(freezer_get(&cg, FREEZER_V2, &frozen), 0);
	ck_assert(frozen);
}
END_TEST

START_TEST(on_v2_a_cgroup_the_kernel_does_not_freeze_fails_after_the_deadline_naming_cgroup_events)
{
	struct cgroup cg;
	open_v2("populated 1\nfrozen 0\n", &cg);
	ck_assert_int_eq(freezer_set(&cg, FREEZER_V2, true, 30), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "cgroup.events: still not frozen after 30 ms"));
	error_clear();
}
END_TEST

START_TEST(on_v2_a_kernel_without_the_freezer_is_named_as_the_reason)
{
	struct cgroup cg;
	open_v2("populated 1\n", &cg);
	ck_assert_int_eq(freezer_set(&cg, FREEZER_V2, true, 1000), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "Linux 5.2"));
	error_clear();
}
END_TEST

START_TEST(on_v2_unpause_writes_zero_and_waits_for_frozen_0)
{
	struct cgroup cg;
	open_v2("populated 1\nfrozen 0\n", &cg);
	put("tinydock/c1/cgroup.freeze", "1\n");
	ck_assert_msg(freezer_set(&cg, FREEZER_V2, false, 1000) == 0, "%s", error_message());
	ck_assert_str_eq(get("tinydock/c1/cgroup.freeze"), "0");
	bool frozen = true;
	ck_assert_int_eq(freezer_get(&cg, FREEZER_V2, &frozen), 0);
	ck_assert(!frozen);
}
END_TEST

/* Hybrid: v1 trees (memory, freezer) and the v2 tree at unified/; the container is in both. */
START_TEST(on_hybrid_the_v1_freezer_holds_the_container_and_freezer_state_says_frozen)
{
	put("memory/cgroup.procs", "");
	put("freezer/cgroup.procs", "");
	put("unified/cgroup.controllers", "");
	put("memory/tinydock/c1/cgroup.procs", "");
	put("freezer/tinydock/c1/freezer.state", "THAWED\n");
	put("unified/tinydock/c1/cgroup.events", "populated 1\nfrozen 0\n");
	struct cgroup_layout layout;
	struct cgroup cg;
	ck_assert_msg(cgroup_detect(fake, &layout) == 0, "%s", error_message());
	ck_assert_int_eq(layout.mode, CGROUP_HYBRID);
	ck_assert_msg(cgroup_open(&layout, "tinydock", "c1", &cg) == 0, "%s", error_message());
	ck_assert_int_eq(freezer_of(&cg), FREEZER_V1);
	ck_assert_msg(freezer_set(&cg, FREEZER_V1, true, 1000) == 0, "%s", error_message());
	ck_assert_str_eq(get("freezer/tinydock/c1/freezer.state"), "FROZEN");
	ck_assert_str_eq(get("unified/tinydock/c1/cgroup.freeze"), "<missing>"); /* one freezer only */
	bool frozen = false;
	ck_assert_int_eq(freezer_get(&cg, FREEZER_V1, &frozen), 0);
	ck_assert(frozen);
	/* FREEZING (not every task stopped yet) is paused already, as Docker reports it */
	put("freezer/tinydock/c1/freezer.state", "FREEZING\n");
	ck_assert_int_eq(freezer_get(&cg, FREEZER_V1, &frozen), 0);
	ck_assert(frozen);
}
END_TEST

Suite *freezer_suite(void)
{
	Suite *s = suite_create("freezer");
	TCase *t = tcase_create("fake roots");
	tcase_add_checked_fixture(t, fake_setup, fake_teardown);
	tcase_add_test(t, the_frozen_key_of_cgroup_events_is_read_wherever_it_is);
	tcase_add_test(t, on_v2_pause_writes_cgroup_freeze_and_returns_once_events_say_frozen);
	tcase_add_test(t, on_v2_a_cgroup_the_kernel_does_not_freeze_fails_after_the_deadline_naming_cgroup_events);
	tcase_add_test(t, on_v2_a_kernel_without_the_freezer_is_named_as_the_reason);
	tcase_add_test(t, on_v2_unpause_writes_zero_and_waits_for_frozen_0);
	tcase_add_test(t, on_hybrid_the_v1_freezer_holds_the_container_and_freezer_state_says_frozen);
	suite_add_tcase(s, t);
	return s;
}
