/*
 * test_compose_logs.c - the pure parts of `compose logs` (07-compose/compose-log-format.c and
 * compose-log-lines.c, and 03-cgroups' log_tail_start): prefixes padded and coloured as
 * Compose v2 prints them, when colour is used, complete lines out of partial reads, --tail.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose-log-format.h"
#include "compose-log-lines.h"
#include "container-log.h"

/* --- --tail ---------------------------------------------------------------------------- */

START_TEST(tail_two_starts_at_the_second_last_complete_line)
{
	const char text[] = "one\ntwo\nthree\n";
	ck_assert_uint_eq(log_tail_start(text, strlen(text), 2), 4);
}
END_TEST

START_TEST(tail_does_not_count_a_line_still_being_written)
{
	const char text[] = "one\ntwo\nthr";
	ck_assert_uint_eq(log_tail_start(text, strlen(text), 1), 4);
	ck_assert_uint_eq(log_tail_start(text, strlen(text), 0), 8);
}
END_TEST

START_TEST(tail_longer_than_the_log_or_negative_keeps_it_all)
{
	const char text[] = "one\ntwo\n";
	ck_assert_uint_eq(log_tail_start(text, strlen(text), 5), 0);
	ck_assert_uint_eq(log_tail_start(text, strlen(text), -1), 0);
	ck_assert_uint_eq(log_tail_start("", 0, 3), 0);
}
END_TEST

/* --- lines out of chunks ------------------------------------------------------------------ */

/* The next complete line as a string (static buffer), or NULL. */
static const char *next_line(struct log_lines *lines)
{
	static char text[256];
	const char *line;
	size_t length;
	if (!log_lines_next(lines, &line, &length))
		return NULL;
	snprintf(text, sizeof(text), "%.*s", (int)length, line);
	return text;
}

START_TEST(a_line_cut_between_two_reads_comes_out_once_and_whole)
{
	struct log_lines lines = { 0 };
	ck_assert_int_eq(log_lines_add(&lines, "{\"log\":\"hel", 11), 0);
	ck_assert_ptr_null(next_line(&lines));
	ck_assert_uint_eq(log_lines_partial(&lines), 11);
	ck_assert_int_eq(log_lines_add(&lines, "lo\"}\n{\"lo", 9), 0);
	ck_assert_str_eq(next_line(&lines), "{\"log\":\"hello\"}");
	ck_assert_ptr_null(next_line(&lines));
	ck_assert_uint_eq(log_lines_partial(&lines), 4);
	ck_assert_int_eq(log_lines_add(&lines, "g\"}\n", 4), 0);
	ck_assert_str_eq(next_line(&lines), "{\"log\"}");
	ck_assert_uint_eq(log_lines_partial(&lines), 0);
	log_lines_free(&lines);
}
END_TEST

START_TEST(several_lines_in_one_read_come_out_in_order)
{
	struct log_lines lines = { 0 };
	ck_assert_int_eq(log_lines_add(&lines, "a\n\nb\nc", 6), 0);
	ck_assert_str_eq(next_line(&lines), "a");
	ck_assert_str_eq(next_line(&lines), "");
	ck_assert_str_eq(next_line(&lines), "b");
	ck_assert_ptr_null(next_line(&lines));
	log_lines_free(&lines);
}
END_TEST

START_TEST(a_long_log_read_in_many_chunks_keeps_every_line)
{
	struct log_lines lines = { 0 };
	char chunk[7] = "line-X\n";
	size_t seen = 0;
	for (int i = 0; i < 5000; i++) {
		chunk[5] = (char)('0' + i % 10);
		/* Two pieces, the cut moving through the line. */
		size_t cut = (size_t)i % 7;
		ck_assert_int_eq(log_lines_add(&lines, chunk, cut), 0);
		ck_assert_int_eq(log_lines_add(&lines, chunk + cut, 7 - cut), 0);
		const char *line;
		while ((line = next_line(&lines))) {
			ck_assert_int_eq(line[5], '0' + (int)(seen % 10));
			seen++;
		}
	}
	ck_assert_uint_eq(seen, 5000);
	ck_assert_uint_lt(lines.capacity, 64 * 1024); /* lines handed out are not kept */
	log_lines_free(&lines);
}
END_TEST

START_TEST(keep_last_two_hands_out_only_the_last_two_complete_lines)
{
	struct log_lines lines = { 0 };
	ck_assert_int_eq(log_lines_add(&lines, "1\n2\n3\n4\n5", 9), 0);
	log_lines_keep_last(&lines, 2);
	ck_assert_str_eq(next_line(&lines), "3");
	ck_assert_str_eq(next_line(&lines), "4");
	ck_assert_ptr_null(next_line(&lines));
	ck_assert_uint_eq(log_lines_partial(&lines), 1);
	log_lines_free(&lines);
}
END_TEST

/* --- colour ---------------------------------------------------------------------------- */

START_TEST(colour_only_on_a_terminal_without_no_color)
{
	ck_assert(compose_log_use_color(false, NULL, true));
	ck_assert(!compose_log_use_color(false, NULL, false)); /* a pipe or a file */
	ck_assert(!compose_log_use_color(true, NULL, true));   /* --no-color */
	ck_assert(!compose_log_use_color(false, "1", true));   /* NO_COLOR=1 */
	ck_assert(compose_log_use_color(false, "", true));     /* NO_COLOR= (empty) does not count */
}
END_TEST

START_TEST(containers_get_composes_ten_colours_in_turn)
{
	ck_assert_str_eq(compose_log_color(0), "36");
	ck_assert_str_eq(compose_log_color(1), "33");
	ck_assert_str_eq(compose_log_color(2), "32");
	ck_assert_str_eq(compose_log_color(3), "35");
	ck_assert_str_eq(compose_log_color(4), "34");
	ck_assert_str_eq(compose_log_color(5), "36;1");
	ck_assert_str_eq(compose_log_color(9), "34;1");
	ck_assert_str_eq(compose_log_color(10), "36");
}
END_TEST

/* --- prefixes and lines ---------------------------------------------------------------- */

START_TEST(names_are_padded_to_the_longest_plus_one_then_a_bar)
{
	const char *const names[] = { "shop-web-1", "shop-db-1" };
	size_t width = compose_log_prefix_width(names, 2);
	ck_assert_uint_eq(width, 11);
	char *web = compose_log_prefix(names[0], width, NULL), *db = compose_log_prefix(names[1], width, NULL);
	ck_assert_str_eq(web, "shop-web-1  | ");
	ck_assert_str_eq(db, "shop-db-1   | ");
	free(web);
	free(db);
}
END_TEST

START_TEST(a_coloured_prefix_is_wrapped_whole_and_reset_before_the_text)
{
	char *prefix = compose_log_prefix("web-1", 6, compose_log_color(0));
	ck_assert_str_eq(prefix, "\033[36mweb-1  | \033[0m");
	free(prefix);
}
END_TEST

START_TEST(a_line_is_the_prefix_then_the_text_with_one_newline)
{
	struct log_entry e = { .text = "hello\n", .length = 6 };
	size_t n;
	char *line = compose_log_line("web-1  | ", &e, false, &n);
	ck_assert_str_eq(line, "web-1  | hello\n");
	ck_assert_uint_eq(n, strlen(line));
	free(line);
	/* The container's last line without '\n' (or a piece of a longer line) gets one. */
	struct log_entry cut = { .text = "bye", .length = 3 };
	line = compose_log_line("web-1  | ", &cut, false, &n);
	ck_assert_str_eq(line, "web-1  | bye\n");
	free(line);
}
END_TEST

START_TEST(with_timestamps_the_time_of_writing_follows_the_prefix)
{
	struct log_entry e = { .text = "hello\n", .length = 6 };
	ck_assert_int_eq(timestamp_parse("2026-12-03T13:16:52.123456789Z", &e.time), 0);
	size_t n;
	char *line = compose_log_line("web-1  | ", &e, true, &n);
	ck_assert_str_eq(line, "web-1  | 2026-12-03T13:16:52.123456789Z hello\n");
	free(line);
}
END_TEST

START_TEST(the_end_of_a_container_is_its_name_and_exit_code_in_its_colour)
{
	char *line = compose_log_exit_line("shop-web-1", 137, NULL);
	ck_assert_str_eq(line, "shop-web-1 exited with code 137\n");
	free(line);
	line = compose_log_exit_line("shop-web-1", 0, compose_log_color(1));
	ck_assert_str_eq(line, "\033[33mshop-web-1 exited with code 0\033[0m\n");
	free(line);
}
END_TEST

Suite *compose_logs_suite(void)
{
	Suite *s = suite_create("compose logs");
	TCase *t = tcase_create("compose logs");
	tcase_add_test(t, tail_two_starts_at_the_second_last_complete_line);
	tcase_add_test(t, tail_does_not_count_a_line_still_being_written);
	tcase_add_test(t, tail_longer_than_the_log_or_negative_keeps_it_all);
	tcase_add_test(t, a_line_cut_between_two_reads_comes_out_once_and_whole);
	tcase_add_test(t, several_lines_in_one_read_come_out_in_order);
	tcase_add_test(t, a_long_log_read_in_many_chunks_keeps_every_line);
	tcase_add_test(t, keep_last_two_hands_out_only_the_last_two_complete_lines);
	tcase_add_test(t, colour_only_on_a_terminal_without_no_color);
	tcase_add_test(t, containers_get_composes_ten_colours_in_turn);
	tcase_add_test(t, names_are_padded_to_the_longest_plus_one_then_a_bar);
	tcase_add_test(t, a_coloured_prefix_is_wrapped_whole_and_reset_before_the_text);
	tcase_add_test(t, a_line_is_the_prefix_then_the_text_with_one_newline);
	tcase_add_test(t, with_timestamps_the_time_of_writing_follows_the_prefix);
	tcase_add_test(t, the_end_of_a_container_is_its_name_and_exit_code_in_its_colour);
	suite_add_tcase(s, t);
	return s;
}
