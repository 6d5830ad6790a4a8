/*
 * test_yaml.c - the YAML parser (07-compose) on what compose files depend on: the 1.2 core
 * schema (`- 3000:3000` and `yes` are strings), block scalars, anchors and merge keys, unique
 * keys, tabs, errors with line and column, the alias bomb.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "yaml.h"

static struct yaml_node *parse(const char *text)
{
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_msg(root, "refused: %s", error_message());
	return root;
}

static void check_error(const char *text, const char *message)
{
	struct yaml_node *root = yaml_parse("compose.yaml", text, strlen(text));
	ck_assert_msg(root == NULL, "accepted: %s", text);
	ck_assert_str_eq(error_message(), message);
}

/* The document as compact JSON, to compare whole trees in one line. */
static void check_json(const char *text, const char *expected)
{
	struct yaml_node *root = parse(text);
	struct json *json = yaml_to_json(root);
	ck_assert_msg(json, "%s", error_message());
	char *written = json_write(json, 0, NULL);
	ck_assert_str_eq(written, expected);
	free(written);
	json_free(json);
	yaml_free(root);
}

START_TEST(a_port_mapping_like_3000_colon_3000_stays_a_string)
{
	/* YAML 1.1 read 3000:3000 as a base-60 integer; 1.2 and Compose read a string. */
	struct yaml_node *root = parse("ports:\n  - 3000:3000\n  - 22:22\n");
	struct yaml_node *ports = yaml_get(root, "ports");
	ck_assert_int_eq(ports->count, 2);
	ck_assert_str_eq(ports->first->text, "3000:3000");
	ck_assert_int_eq(yaml_scalar_type(ports->first), YAML_TYPE_STRING);
	ck_assert_int_eq(yaml_scalar_type(ports->last), YAML_TYPE_STRING);
	yaml_free(root);
}
END_TEST

START_TEST(yes_no_and_on_are_strings_and_only_true_and_false_are_booleans)
{
	check_json("a: yes\nb: no\nc: on\nd: off\ne: y\nf: true\ng: False\nh: \"no\"\n",
		   "{\"a\":\"yes\",\"b\":\"no\",\"c\":\"on\",\"d\":\"off\",\"e\":\"y\",\"f\":true,\"g\":false,\"h\":\"no\"}");
	struct yaml_node *root = parse("country: NO\n");
	bool value;
	ck_assert_int_eq(yaml_bool(yaml_get(root, "country"), &value), -1);
	yaml_free(root);
}
END_TEST

START_TEST(a_quoted_number_is_a_string_and_a_plain_one_is_a_number)
{
	check_json("a: 80\nb: \"80\"\nc: '80'\nd: !!str 80\ne: 0o17\nf: 0x1F\ng: 1.5e3\nh: 012\ni: ~\nj:\nk: null\n",
		   "{\"a\":80,\"b\":\"80\",\"c\":\"80\",\"d\":\"80\",\"e\":15,\"f\":31,\"g\":1500,\"h\":12,\"i\":null,"
		   "\"j\":null,\"k\":null}");
	struct yaml_node *root = parse("memory: 0x10\n");
	int64_t value;
	ck_assert_int_eq(yaml_int64(yaml_get(root, "memory"), &value), 0);
	ck_assert_int_eq(value, 16);
	yaml_free(root);
}
END_TEST

START_TEST(a_literal_block_scalar_keeps_its_lines_and_a_folded_one_joins_them)
{
	check_json("literal: |\n  echo one\n  echo two\nfolded: >\n  one\n  two\n\n  three\n",
		   "{\"literal\":\"echo one\\necho two\\n\",\"folded\":\"one two\\nthree\\n\"}");
}
END_TEST

START_TEST(chomping_indicators_strip_or_keep_the_final_line_breaks)
{
	check_json("strip: |-\n  text\n\nclip: |\n  text\n\nkeep: |+\n  text\n\nnext: x\n",
		   "{\"strip\":\"text\",\"clip\":\"text\\n\",\"keep\":\"text\\n\\n\",\"next\":\"x\"}");
	check_json("- |2\n    indented\n   less\n", "[\"  indented\\n less\\n\"]");
}
END_TEST

START_TEST(double_quoted_escapes_and_line_folding_are_decoded)
{
	check_json("a: \"tab\\there \\x41\\u263A\\U0001F600\"\nb: \"one\n  two\n\n  three\"\nc: 'it''s'\n",
		   "{\"a\":\"tab\\there A\xe2\x98\xba\xf0\x9f\x98\x80\",\"b\":\"one two\\nthree\",\"c\":\"it's\"}");
	check_error("a: \"\\q\"\n", "compose.yaml:1:5: unknown escape sequence \"\\q\" in a double-quoted scalar");
}
END_TEST

START_TEST(an_alias_is_a_copy_of_the_node_its_anchor_names)
{
	check_json("x: &env {A: 1}\ny: *env\nz: [*env, *env]\n",
		   "{\"x\":{\"A\":1},\"y\":{\"A\":1},\"z\":[{\"A\":1},{\"A\":1}]}");
	check_error("a: *nothing\n", "compose.yaml:1:4: the alias *nothing names no anchor defined before it");
}
END_TEST

START_TEST(a_merge_key_adds_the_keys_the_mapping_does_not_have)
{
	const char *text = "x-defaults: &defaults\n"
			   "  restart: always\n"
			   "  image: busybox\n"
			   "x-more: &more\n"
			   "  image: alpine\n"
			   "  user: nobody\n"
			   "services:\n"
			   "  web:\n"
			   "    <<: [*defaults, *more]\n"
			   "    image: nginx\n";
	struct yaml_node *root = parse(text);
	struct yaml_node *web = yaml_get(yaml_get(root, "services"), "web");
	ck_assert_int_eq(web->count, 3);
	ck_assert_ptr_null(yaml_get(web, "<<"));
	ck_assert_str_eq(yaml_get(web, "image")->text, "nginx");   /* written here: wins */
	ck_assert_str_eq(yaml_get(web, "restart")->text, "always"); /* the first mapping merged */
	ck_assert_str_eq(yaml_get(web, "user")->text, "nobody");    /* then the second's others */
	yaml_free(root);
	check_error("a:\n  <<: 3\n", "compose.yaml:2:7: a merge key (<<) takes a mapping or a list of mappings");
}
END_TEST

START_TEST(a_duplicate_key_is_an_error_naming_both_places)
{
	check_error("services:\n  web:\n    image: a\n  web:\n    image: b\n",
		    "compose.yaml:4:3: duplicate key (first at line 2): keys of a mapping must be unique");
	check_error("{a: 1, \"a\": 2}", "compose.yaml:1:8: duplicate key (first at line 1): keys of a mapping must be unique");
}
END_TEST

START_TEST(a_duplicate_among_fifty_thousand_keys_is_found_without_comparing_every_pair)
{
	/* 50000 keys compared pair by pair are 1.25e9 comparisons: far past the test's timeout */
	size_t size = 50001 * 16;
	char *text = malloc(size), *at = text;
	for (int i = 0; i < 50000; i++)
		at += sprintf(at, "key%d: %d\n", i, i);
	sprintf(at, "key123: again\n");
	struct yaml_node *root = yaml_parse("big.yaml", text, strlen(text));
	ck_assert_ptr_null(root);
	ck_assert_str_eq(error_message(), "big.yaml:50001:1: duplicate key (first at line 124): keys of a mapping must be unique");
	free(text);
	/* nulls are one key however they are written; 1 and "1" are two */
	check_error("~: a\nnull: b\n", "compose.yaml:2:1: duplicate key (first at line 1): keys of a mapping must be unique");
	check_json("1: a\n\"1\": b\n", "{\"1\":\"a\",\"1\":\"b\"}");
}
END_TEST

START_TEST(a_tab_in_indentation_is_an_error_with_line_and_column)
{
	check_error("services:\n\tweb:\n", "compose.yaml:2:1: a tab character used for indentation (tabs never indent)");
	check_error("a:\n  b: 1\n  \tc: 2\n", "compose.yaml:3:3: a tab character used for indentation (tabs never indent)");
}
END_TEST

START_TEST(wrong_indentation_is_an_error_with_line_and_column)
{
	check_error("services:\n  web:\n    image: a\n   ports: []\n",
		    "compose.yaml:4:4: wrong indentation: this mapping's keys are at column 3");
	check_error("a: b: c\n", "compose.yaml:1:5: a mapping cannot start on this line (is a value missing quotes?)");
	check_error("a: 'x\n", "compose.yaml:1:4: a quoted scalar without its closing quote");
	check_error("a: [1, 2\n", "compose.yaml:1:4: '[' without its closing ']'");
}
END_TEST

START_TEST(a_closing_bracket_may_stand_under_its_key_as_docker_compose_accepts)
{
	check_json("command: [\n  sh, -c,\n]\nlabels: {\n  a: 1\n}\n", "{\"command\":[\"sh\",\"-c\"],\"labels\":{\"a\":1}}");
	check_error("command: [\nsh]\n", "compose.yaml:2:1: a line inside [ ] or { } must be indented more than its parent");
}
END_TEST

START_TEST(every_node_knows_its_line_and_column)
{
	struct yaml_node *root = parse("# a comment\nservices:\n  web:\n    ports: [\"80:80\", 443]\n");
	struct yaml_node *web = yaml_get(yaml_get(root, "services"), "web");
	ck_assert_int_eq(web->key->line, 3);
	ck_assert_int_eq(web->key->column, 3);
	struct yaml_node *ports = yaml_get(web, "ports");
	ck_assert_int_eq(ports->line, 4);
	ck_assert_int_eq(ports->column, 12);
	ck_assert_int_eq(ports->last->line, 4);
	ck_assert_int_eq(ports->last->column, 22);
	ck_assert_int_eq(ports->first->style, YAML_DOUBLE_QUOTED);
	yaml_free(root);
}
END_TEST

START_TEST(an_alias_bomb_is_refused)
{
	/* billion laughs: each level ten aliases of the one before; 10^9 strings at the end */
	char text[2048] = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
	for (char level = 'b'; level <= 'i'; level++) {
		char line[128], prev = (char)(level - 1);
		snprintf(line, sizeof(line), "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", level, level, prev, prev,
			 prev, prev, prev, prev, prev, prev, prev, prev);
		strcat(text, line);
	}
	struct yaml_node *root = yaml_parse("bomb.yaml", text, strlen(text));
	ck_assert_ptr_null(root);
	ck_assert_msg(strstr(error_message(), "alias bomb"), "%s", error_message());
	/* a few aliases are fine */
	yaml_free(parse("a: &a [1, 2]\nb: [*a, *a, *a]\n"));
}
END_TEST

START_TEST(a_stream_holds_several_documents_and_a_compose_file_one)
{
	const char *text = "%YAML 1.2\n---\na: 1\n...\n--- b\n---\n";
	struct yaml_document *documents;
	ck_assert_int_eq(yaml_parse_stream("s.yaml", text, strlen(text), &documents), 3);
	ck_assert_str_eq(documents->next->root->text, "b");
	ck_assert_int_eq(yaml_scalar_type(documents->next->next->root), YAML_TYPE_NULL);
	yaml_free_documents(documents);
	check_error("a: 1\n---\nb: 2\n", "compose.yaml:3:1: a second document in a file that holds one");
}
END_TEST

START_TEST(tags_are_kept_resolved_and_decide_the_type)
{
	struct yaml_node *root = parse("%TAG !e! tag:example.com,2000:\n---\na: !!str 1\nb: !e!x y\nc: !local z\n");
	ck_assert_str_eq(yaml_get(root, "a")->tag, "tag:yaml.org,2002:str");
	ck_assert_int_eq(yaml_scalar_type(yaml_get(root, "a")), YAML_TYPE_STRING);
	ck_assert_str_eq(yaml_get(root, "b")->tag, "tag:example.com,2000:x");
	ck_assert_str_eq(yaml_get(root, "c")->tag, "!local");
	yaml_free(root);
}
END_TEST

START_TEST(windows_line_breaks_and_a_byte_order_mark_are_read)
{
	check_json("\xEF\xBB\xBF" "a: 1\r\nb: |\r\n  x\r\n", "{\"a\":1,\"b\":\"x\\n\"}");
}
END_TEST

START_TEST(a_control_character_is_refused_unless_escaped)
{
	check_error("a: b\nc: d\x07\n", "compose.yaml:2:5: the control character U+0007, which YAML text cannot hold "
		    "(escape it in double quotes)");
	check_json("c: \"d\\x07\"\n", "{\"c\":\"d\\u0007\"}");
}
END_TEST

START_TEST(an_empty_file_is_a_null_document)
{
	struct yaml_node *root = parse("# nothing here\n");
	ck_assert_int_eq(root->kind, YAML_SCALAR);
	ck_assert_int_eq(yaml_scalar_type(root), YAML_TYPE_NULL);
	yaml_free(root);
}
END_TEST

START_TEST(deep_nesting_is_refused_before_the_stack_runs_out)
{
	static char text[4 * YAML_MAX_DEPTH];
	memset(text, '[', sizeof(text));
	struct yaml_node *root = yaml_parse("deep.yaml", text, sizeof(text));
	ck_assert_ptr_null(root);
	ck_assert_msg(strstr(error_message(), "nesting deeper than"), "%s", error_message());
}
END_TEST

Suite *yaml_suite(void)
{
	Suite *s = suite_create("yaml");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, a_port_mapping_like_3000_colon_3000_stays_a_string);
	tcase_add_test(tc, yes_no_and_on_are_strings_and_only_true_and_false_are_booleans);
	tcase_add_test(tc, a_quoted_number_is_a_string_and_a_plain_one_is_a_number);
	tcase_add_test(tc, a_literal_block_scalar_keeps_its_lines_and_a_folded_one_joins_them);
	tcase_add_test(tc, chomping_indicators_strip_or_keep_the_final_line_breaks);
	tcase_add_test(tc, double_quoted_escapes_and_line_folding_are_decoded);
	tcase_add_test(tc, an_alias_is_a_copy_of_the_node_its_anchor_names);
	tcase_add_test(tc, a_merge_key_adds_the_keys_the_mapping_does_not_have);
	tcase_add_test(tc, a_duplicate_key_is_an_error_naming_both_places);
	tcase_add_test(tc, a_duplicate_among_fifty_thousand_keys_is_found_without_comparing_every_pair);
	tcase_add_test(tc, a_tab_in_indentation_is_an_error_with_line_and_column);
	tcase_add_test(tc, wrong_indentation_is_an_error_with_line_and_column);
	tcase_add_test(tc, a_closing_bracket_may_stand_under_its_key_as_docker_compose_accepts);
	tcase_add_test(tc, every_node_knows_its_line_and_column);
	tcase_add_test(tc, an_alias_bomb_is_refused);
	tcase_add_test(tc, a_stream_holds_several_documents_and_a_compose_file_one);
	tcase_add_test(tc, tags_are_kept_resolved_and_decide_the_type);
	tcase_add_test(tc, windows_line_breaks_and_a_byte_order_mark_are_read);
	tcase_add_test(tc, a_control_character_is_refused_unless_escaped);
	tcase_add_test(tc, an_empty_file_is_a_null_document);
	tcase_add_test(tc, deep_nesting_is_refused_before_the_stack_runs_out);
	suite_add_tcase(s, tc);
	return s;
}
