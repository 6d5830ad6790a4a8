/*
 * test_system_report.c - what `system df` and `info` print, from given figures
 * (05-images/system-df.c: df_print; 03-cgroups/system-info.c: system_info_print).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system-df.h"
#include "system-info.h"

static char *captured(void (*print)(FILE *, const void *), const void *arg)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(out);
	print(out, arg);
	ck_assert_int_eq(fclose(out), 0);
	return text;
}

static void print_rows(FILE *out, const void *rows)
{
	df_print(out, rows, 4);
}

START_TEST(df_prints_dockers_columns_with_the_reclaimable_share_but_not_for_the_build_cache)
{
	const struct df_row rows[] = {
		{ "Images", 5, 2, 16430000, 11630000 },
		{ "Containers", 2, 0, 212, 212 },
		{ "Local Volumes", 2, 1, 36, 0 },
		{ "Build Cache", 3, 0, 1000, 1000 },
	};
	char *text = captured(print_rows, rows);
	ck_assert_str_eq(text, "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n"
			       "Images          5         2         16.4MB    11.6MB (70%)\n"
			       "Containers      2         0         212B      212B (100%)\n"
			       "Local Volumes   2         1         36B       0B (0%)\n"
			       "Build Cache     3         0         1kB       1kB\n");
	free(text);
}
END_TEST

static void print_info(FILE *out, const void *info)
{
	const struct system_info_more more = { "overlay", 7 };
	system_info_print(out, info, &more);
}

START_TEST(info_prints_the_counts_and_the_cgroup_version_as_docker_words_them)
{
	struct system_info info = { .containers = 4, .running = 1, .paused = 1, .stopped = 2, .cpus = 2,
				    .memory = 2ULL << 30 };
	strcpy(info.cgroup_version, "1");
	strcpy(info.cgroup_layout, "hybrid");
	strcpy(info.kernel, "6.1.0");
	strcpy(info.os, "Debian GNU/Linux 12 (bookworm)");
	strcpy(info.arch, "x86_64");
	strcpy(info.name, "vm");
	strcpy(info.root, "/var/lib/tinydock");
	char *text = captured(print_info, &info);
	ck_assert_msg(strstr(text, " Containers: 4\n  Running: 1\n  Paused: 1\n  Stopped: 2\n Images: 7\n"), "%s", text);
	ck_assert_msg(strstr(text, " Storage Driver: overlay\n Cgroup Driver: cgroupfs\n Cgroup Version: 1 (layout: hybrid)\n"),
		      "%s", text);
	ck_assert_msg(strstr(text, " CPUs: 2\n Total Memory: 2GiB\n"), "%s", text);
	free(text);
}
END_TEST

Suite *system_report_suite(void)
{
	Suite *s = suite_create("system_report");
	TCase *t = tcase_create("reports");
	tcase_add_test(t, df_prints_dockers_columns_with_the_reclaimable_share_but_not_for_the_build_cache);
	tcase_add_test(t, info_prints_the_counts_and_the_cgroup_version_as_docker_words_them);
	suite_add_tcase(s, t);
	return s;
}
