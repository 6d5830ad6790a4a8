/*
 * test_compose_interpolate.c - ${VAR} in compose files (07-compose/compose-interpolate.c): every
 * form the Compose specification lists, nesting, $$, the errors, and the tree walk that
 * interpolates values but not keys and names file:line:column when it fails; and the .env
 * format (07-compose/compose-env-file.c) that supplies the variables.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compose-env-file.h"
#include "compose-interpolate.h"
#include "error.h"
#include "yaml.h"

static const char *const vars[] = { "TAG=1.2", "EMPTY=", "PORT=8080", "NAME=shop", "TAG=1.3" };
static const struct compose_env env = { vars, sizeof vars / sizeof vars[0] };

static void check(const char *text, const char *expected)
{
	char *out;
	ck_assert_msg(compose_interpolate(text, &env, &out) == 0, "%s: %s", text, error_message());
	ck_assert_str_eq(out, expected);
	free(out);
}

static void check_error(const char *text, const char *message)
{
	char *out = NULL;
	ck_assert_msg(compose_interpolate(text, &env, &out) == -1, "accepted %s", text);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(error_message(), message);
}

START_TEST(braced_and_bare_variables_take_their_value_and_the_last_definition_wins)
{
	check("shop:${TAG}", "shop:1.3");
	check("$NAME-web", "shop-web");
	check("${PORT}:80", "8080:80");
	check("no variables here", "no variables here");
}
END_TEST

START_TEST(an_unset_variable_is_empty)
{
	check("a${UNSET}b$UNSET", "ab");
}
END_TEST

START_TEST(colon_dash_defaults_when_unset_or_empty_and_dash_only_when_unset)
{
	check("${UNSET:-d}", "d");
	check("${EMPTY:-d}", "d");
	check("${TAG:-d}", "1.3");
	check("${UNSET-d}", "d");
	check("${EMPTY-d}", "");
}
END_TEST

START_TEST(colon_plus_gives_the_alternative_when_set_and_not_empty)
{
	check("${TAG:+yes}", "yes");
	check("${EMPTY:+yes}", "");
	check("${EMPTY+yes}", "yes");
	check("${UNSET+yes}", "");
}
END_TEST

START_TEST(colon_question_mark_is_an_error_with_the_message_when_unset_or_empty)
{
	check_error("${UNSET:?set it in .env}", "required variable UNSET is missing a value: set it in .env");
	check_error("${EMPTY:?}", "required variable EMPTY is missing a value");
	check_error("${UNSET?no}", "required variable UNSET is missing a value: no");
	check("${EMPTY?no}", "");
	check("${TAG:?no}", "1.3");
}
END_TEST

START_TEST(a_double_dollar_is_a_literal_dollar_and_is_not_interpolated)
{
	check("echo $$HOME", "echo $HOME");
	check("$${TAG}", "${TAG}");
	check("${UNSET:-$$}", "$");
}
END_TEST

START_TEST(defaults_nest_and_are_read_only_when_used)
{
	check("${UNSET:-${TAG}}", "1.3");
	check("${UNSET:-${ALSO_UNSET:-deep}}", "deep");
	check("${UNSET:-$PORT}", "8080");
	check("${TAG:-${UNSET:?never read}}", "1.3");
	check_error("${UNSET:-${ALSO:?inner}}", "required variable ALSO is missing a value: inner");
}
END_TEST

START_TEST(a_dollar_that_starts_no_variable_is_an_error)
{
	check_error("echo $1", "invalid interpolation format for \"echo $1\": write $$ for a literal $");
	check_error("${}", "invalid interpolation format for \"${}\": write $$ for a literal $");
	check_error("${TAG", "invalid interpolation format for \"${TAG\": write $$ for a literal $");
	check_error("cost: 5$", "invalid interpolation format for \"cost: 5$\": write $$ for a literal $");
	check_error("${TAG:x}", "invalid interpolation format for \"${TAG:x}\": write $$ for a literal $");
}
END_TEST

START_TEST(the_tree_interpolates_values_and_leaves_keys_alone)
{
	const char *text = "services:\n  web:\n    image: \"shop:${TAG}\"\n    ports:\n      - ${PORT}:80\n"
			   "    environment:\n      $NAME: ${UNSET:-x}\n";
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(compose_interpolate_tree(root, "compose.yaml", &env), 0);
	struct yaml_node *web = yaml_get(yaml_get(root, "services"), "web");
	ck_assert_str_eq(yaml_get(web, "image")->text, "shop:1.3");
	ck_assert_str_eq(yaml_get(web, "ports")->first->text, "8080:80");
	struct yaml_node *environment = yaml_get(web, "environment");
	ck_assert_str_eq(environment->first->key->text, "$NAME");
	ck_assert_str_eq(environment->first->text, "x");
	yaml_free(root);
}
END_TEST

START_TEST(a_plain_value_that_becomes_a_number_reads_as_a_number)
{
	const char *text = "replicas: ${COUNT}\n";
	static const char *const count[] = { "COUNT=3" };
	const struct compose_env three = { count, 1 };
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_int_eq(compose_interpolate_tree(root, "compose.yaml", &three), 0);
	int64_t n;
	ck_assert_int_eq(yaml_int64(yaml_get(root, "replicas"), &n), 0);
	ck_assert_int_eq(n, 3);
	yaml_free(root);
}
END_TEST

START_TEST(an_interpolation_error_in_the_tree_names_file_line_and_column)
{
	const char *text = "services:\n  web:\n    image: ${IMAGE:?no image given}\n";
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_int_eq(compose_interpolate_tree(root, "compose.yaml", &env), -1);
	ck_assert_str_eq(error_message(), "compose.yaml:3:12: required variable IMAGE is missing a value: no image given");
	yaml_free(root);
}
END_TEST

START_TEST(deep_nesting_is_refused_without_exhausting_the_stack)
{
	char text[2000] = "";
	for (int i = 0; i < 100; i++)
		strcat(text, "${U:-");
	for (int i = 0; i < 100; i++)
		strcat(text, "}");
	char *out;
	ck_assert_int_eq(compose_interpolate(text, &env, &out), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "nested too deeply"));
}
END_TEST

static struct compose_env_file env_file(const char *text)
{
	struct compose_env_file file;
	ck_assert_msg(compose_env_file_parse(".env", text, strlen(text), &env, &file) == 0, "%s", error_message());
	return file;
}

static void check_env_file_error(const char *text, const char *message)
{
	struct compose_env_file file;
	ck_assert_int_eq(compose_env_file_parse(".env", text, strlen(text), &env, &file), -1);
	ck_assert_str_eq(error_message(), message);
}

START_TEST(an_env_file_reads_key_equals_value_lines_and_skips_comments_and_blank_lines)
{
	struct compose_env_file file = env_file("# settings\n\nA=1\nexport B=two words  \n  C = spaced\nEMPTY=\n");
	ck_assert_int_eq(file.count, 4);
	ck_assert_str_eq(file.vars[0], "A=1");
	ck_assert_str_eq(file.vars[1], "B=two words");
	ck_assert_str_eq(file.vars[2], "C=spaced");
	ck_assert_str_eq(file.vars[3], "EMPTY=");
	compose_env_file_free(&file);
}
END_TEST

START_TEST(a_hash_after_a_blank_starts_a_comment_but_not_inside_a_word_or_quotes)
{
	struct compose_env_file file = env_file("A=x # note\nB=a#b\nC=\"x # y\" # note\n");
	ck_assert_str_eq(file.vars[0], "A=x");
	ck_assert_str_eq(file.vars[1], "B=a#b");
	ck_assert_str_eq(file.vars[2], "C=x # y");
	compose_env_file_free(&file);
}
END_TEST

START_TEST(double_quotes_read_escapes_and_single_quotes_keep_every_character)
{
	struct compose_env_file file = env_file("D=\"a\\nb\\t\\\"q\\\" \\$TAG $TAG\"\nS='a\\nb $TAG'\nM=\"line one\nline two\"\n");
	ck_assert_str_eq(file.vars[0], "D=a\nb\t\"q\" $TAG 1.3");
	ck_assert_str_eq(file.vars[1], "S=a\\nb $TAG");
	ck_assert_str_eq(file.vars[2], "M=line one\nline two");
	compose_env_file_free(&file);
}
END_TEST

START_TEST(values_interpolate_the_environment_and_earlier_lines_of_the_file)
{
	struct compose_env_file file = env_file("HOST=db\nURL=http://${HOST}:${PORT}/\nTAG=9\nSEEN=${TAG}\nD=${NOPE:-fallback}\n");
	ck_assert_str_eq(file.vars[1], "URL=http://db:8080/");
	ck_assert_str_eq(file.vars[3], "SEEN=1.3"); /* the environment wins over the file */
	ck_assert_str_eq(file.vars[4], "D=fallback");
	compose_env_file_free(&file);
}
END_TEST

START_TEST(a_name_alone_passes_on_the_environment_value_or_nothing)
{
	struct compose_env_file file = env_file("PORT\nUNSET\n");
	ck_assert_int_eq(file.count, 1);
	ck_assert_str_eq(file.vars[0], "PORT=8080");
	compose_env_file_free(&file);
}
END_TEST

START_TEST(windows_line_endings_are_read_as_line_ends)
{
	struct compose_env_file file = env_file("A=1\r\nB=\"2\"\r\n");
	ck_assert_str_eq(file.vars[0], "A=1");
	ck_assert_str_eq(file.vars[1], "B=2");
	compose_env_file_free(&file);
}
END_TEST

START_TEST(a_bad_env_file_line_is_an_error_with_its_line_number)
{
	check_env_file_error("A=1\n=2\n", ".env:2: a line must be KEY=VALUE");
	check_env_file_error("A=1\nB=\"open\n", ".env:2: the quote opened here is never closed");
	check_env_file_error("A='x' y\n", ".env:1: unexpected text after the value");
	check_env_file_error("A=1\nB=${X:?needed}\n", ".env:2: required variable X is missing a value: needed");
}
END_TEST

Suite *compose_interpolate_suite(void)
{
	Suite *s = suite_create("compose_interpolate");
	TCase *tc = tcase_create("interpolate");
	tcase_add_test(tc, braced_and_bare_variables_take_their_value_and_the_last_definition_wins);
	tcase_add_test(tc, an_unset_variable_is_empty);
	tcase_add_test(tc, colon_dash_defaults_when_unset_or_empty_and_dash_only_when_unset);
	tcase_add_test(tc, colon_plus_gives_the_alternative_when_set_and_not_empty);
	tcase_add_test(tc, colon_question_mark_is_an_error_with_the_message_when_unset_or_empty);
	tcase_add_test(tc, a_double_dollar_is_a_literal_dollar_and_is_not_interpolated);
	tcase_add_test(tc, defaults_nest_and_are_read_only_when_used);
	tcase_add_test(tc, a_dollar_that_starts_no_variable_is_an_error);
	tcase_add_test(tc, the_tree_interpolates_values_and_leaves_keys_alone);
	tcase_add_test(tc, a_plain_value_that_becomes_a_number_reads_as_a_number);
	tcase_add_test(tc, an_interpolation_error_in_the_tree_names_file_line_and_column);
	tcase_add_test(tc, deep_nesting_is_refused_without_exhausting_the_stack);
	suite_add_tcase(s, tc);
	tc = tcase_create("env_file");
	tcase_add_test(tc, an_env_file_reads_key_equals_value_lines_and_skips_comments_and_blank_lines);
	tcase_add_test(tc, a_hash_after_a_blank_starts_a_comment_but_not_inside_a_word_or_quotes);
	tcase_add_test(tc, double_quotes_read_escapes_and_single_quotes_keep_every_character);
	tcase_add_test(tc, values_interpolate_the_environment_and_earlier_lines_of_the_file);
	tcase_add_test(tc, a_name_alone_passes_on_the_environment_value_or_nothing);
	tcase_add_test(tc, windows_line_endings_are_read_as_line_ends);
	tcase_add_test(tc, a_bad_env_file_line_is_an_error_with_its_line_number);
	suite_add_tcase(s, tc);
	return s;
}
