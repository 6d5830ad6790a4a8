/*
 * test_ps_format.c - `ps` as `docker ps` prints it: status words, the command column, the
 * tabwriter layout; and the json-file log line (03-cgroups/ps-format.c, container-log.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container-log.h"
#include "ps-format.h"

START_TEST(status_words_are_dockers)
{
	char s[128];
	ps_status("running", 0, 3, s, sizeof(s));
	ck_assert_str_eq(s, "Up 3 seconds");
	ps_status("running", 0, 0, s, sizeof(s));
	ck_assert_str_eq(s, "Up Less than a second");
	ps_status("exited", 0, 120, s, sizeof(s));
	ck_assert_str_eq(s, "Exited (0) 2 minutes ago");
	ps_status("exited", 137, 1, s, sizeof(s));
	ck_assert_str_eq(s, "Exited (137) 1 second ago");
	ps_status("created", 0, 5, s, sizeof(s));
	ck_assert_str_eq(s, "Created");
	ps_status("restarting", 1, 2, s, sizeof(s));
	ck_assert_str_eq(s, "Restarting (1) 2 seconds ago");
}
END_TEST

START_TEST(the_command_is_quoted_and_cut_to_twenty_characters)
{
	char s[256];
	char *short_cmd[] = { "sleep", "60", NULL };
	ps_command(short_cmd, false, s, sizeof(s));
	ck_assert_str_eq(s, "\"sleep 60\"");
	char *long_cmd[] = { "sh", "-c", "echo hello; sleep 30", NULL };
	ps_command(long_cmd, false, s, sizeof(s));
	ck_assert_str_eq(s, "\"sh -c 'echo hello; …\"");
	ps_command(long_cmd, true, s, sizeof(s));
	ck_assert_str_eq(s, "\"sh -c 'echo hello; sleep 30'\"");
}
END_TEST

START_TEST(columns_are_as_wide_as_their_widest_cell_plus_three)
{
	struct table t = { .columns = 3 };
	const char *header[] = { "CONTAINER ID", "NAMES", "X" };
	const char *row[] = { "4f2a", "a_much_longer_name", "…last" };
	ck_assert_int_eq(table_add_row(&t, header), 0);
	ck_assert_int_eq(table_add_row(&t, row), 0);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	table_print(&t, out);
	fclose(out);
	ck_assert_str_eq(text, "CONTAINER ID   NAMES" "                X\n"
			       "4f2a           a_much_longer_name   …last\n");
	free(text);
	table_free(&t);
	/* Narrow columns still take the minimum width of 10. */
	struct table narrow = { .columns = 2 };
	const char *cells[] = { "A", "B" };
	table_add_row(&narrow, cells);
	out = open_memstream(&text, &size);
	table_print(&narrow, out);
	fclose(out);
	ck_assert_str_eq(text, "A         B\n");
	free(text);
	table_free(&narrow);
}
END_TEST

/* The table printed to a string (free it). */
static char *printed(const struct table *t)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	table_print(t, out);
	fclose(out);
	return text;
}

START_TEST(a_column_is_measured_in_characters_and_is_at_least_ten_wide)
{
	/* "…" is three bytes of UTF-8 but one character on the screen: the second column starts
	 * at the same place on both lines. */
	struct table t = { .columns = 2 };
	const char *cut[] = { "…ab", "x" }, *plain[] = { "abcdefghij", "y" };
	ck_assert_int_eq(table_add_row(&t, cut), 0);
	ck_assert_int_eq(table_add_row(&t, plain), 0);
	char *text = printed(&t);
	ck_assert_str_eq(text, "…ab          x\n"
			       "abcdefghij   y\n");
	free(text);
	table_free(&t);
	/* 6 characters + 3 = 9, below the minimum: 10. */
	t = (struct table){ .columns = 2 };
	const char *six[] = { "abcdef", "x" };
	ck_assert_int_eq(table_add_row(&t, six), 0);
	text = printed(&t);
	ck_assert_str_eq(text, "abcdef    x\n");
	free(text);
	table_free(&t);
}
END_TEST

START_TEST(a_log_line_is_dockers_json_file_entry_and_reads_back)
{
	size_t n = 0;
	char *line = log_line_encode("say \"hi\"\n", 9, "stderr", 1764345903000000001LL, &n);
	ck_assert_str_eq(line, "{\"log\":\"say \\\"hi\\\"\\n\",\"stream\":\"stderr\",\"time\":\"2025-11-28T16:05:03.000000001Z\"}\n");
	ck_assert_uint_eq(n, strlen(line));
	struct log_entry e;
	ck_assert_int_eq(log_line_decode(line, n - 1, &e), 0);
	ck_assert_str_eq(e.text, "say \"hi\"\n");
	ck_assert(e.is_stderr);
	ck_assert(e.time == 1764345903000000001LL);
	log_entry_free(&e);
	free(line);
	ck_assert_int_eq(log_line_decode("not json", 8, &e), -1);
}
END_TEST

Suite *ps_format_suite(void)
{
	Suite *s = suite_create("ps_format");
	TCase *t = tcase_create("ps_format");
	tcase_add_test(t, status_words_are_dockers);
	tcase_add_test(t, the_command_is_quoted_and_cut_to_twenty_characters);
	tcase_add_test(t, columns_are_as_wide_as_their_widest_cell_plus_three);
	tcase_add_test(t, a_column_is_measured_in_characters_and_is_at_least_ten_wide);
	tcase_add_test(t, a_log_line_is_dockers_json_file_entry_and_reads_back);
	suite_add_tcase(s, t);
	return s;
}
