/*
 * test_json.c - JSON (03-cgroups, used most by 05-images): the JSONTestSuite corpus, errors with line and column,
 * strings and numbers, lookups, building and writing, round trips.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "json.h"

/* Read from where it is, never copied (see ../shared/corpora/README.md). */
static const char *corpus_dir(void)
{
	const char *dir = getenv("TINYDOCK_JSON_CORPUS");
	return dir ? dir : "../shared/corpora/json-test-suite/test_parsing";
}

/* Parse, write compactly and indented, parse both again: all three trees must be equal. */
static bool round_trips(const struct json *tree, char *why, size_t size)
{
	for (int indent = 0; indent <= 4; indent += 4) {
		size_t length;
		char *text = json_write(tree, indent, &length);
		if (!text) {
			snprintf(why, size, "write failed: %s", error_message());
			return false;
		}
		struct json *again = json_parse(text, length);
		bool same = again && json_equal(tree, again);
		if (!same)
			snprintf(why, size, "indent %d: %s", indent, again ? "different tree" : error_message());
		free(text);
		json_free(again);
		if (!same)
			return false;
	}
	return true;
}

START_TEST(every_y_file_of_the_json_test_suite_is_accepted_and_every_n_file_refused)
{
	DIR *dir = opendir(corpus_dir());
	if (!dir) {
		harness_skip("the JSONTestSuite corpus is not at %s", corpus_dir());
		return;
	}
	char failures[8192] = "";
	int checked = 0, failed = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		char kind = e->d_name[0];
		if ((kind != 'y' && kind != 'n' && kind != 'i') || e->d_name[1] != '_')
			continue;
		char path[1024], why[512] = "";
		snprintf(path, sizeof(path), "%s/%s", corpus_dir(), e->d_name);
		size_t size;
		char *text = read_file(path, &size);
		ck_assert_msg(text, "%s", error_message());
		struct json *tree = json_parse(text, size);
		bool ok = true;
		if (kind == 'y' && !tree)
			ok = false, snprintf(why, sizeof(why), "refused: %s", error_message());
		else if (kind == 'n' && tree)
			ok = false, snprintf(why, sizeof(why), "accepted");
		else if (tree && !round_trips(tree, why, sizeof(why)))
			ok = false; /* i_ files too: whatever we accept must survive a round trip */
		if (!ok) {
			failed++;
			size_t used = strlen(failures);
			snprintf(failures + used, sizeof(failures) - used, "\n  %s: %s", e->d_name, why);
		}
		checked++;
		json_free(tree);
		free(text);
	}
	closedir(dir);
	ck_assert_msg(checked >= 300, "only %d files found in %s", checked, corpus_dir());
	ck_assert_msg(failed == 0, "%d of %d files failed:%s", failed, checked, failures);
}
END_TEST

static void check_error(const char *text, const char *message)
{
	struct json *tree = json_parse(text, strlen(text));
	ck_assert_msg(tree == NULL, "accepted %s", text);
	ck_assert_str_eq(error_message(), message);
}

START_TEST(an_error_names_the_line_and_column_and_what_was_expected)
{
	check_error("{\n  \"name\": \"web\",\n  \"port\": 8080 \"x\"\n}", "json: line 3, column 16: expected ',' or '}'");
	check_error("[1, 2", "json: line 1, column 6: unexpected end of input, expected ',' or ']'");
	check_error("[1, 2,]", "json: line 1, column 7: expected a value");
	check_error("{\"a\" 1}", "json: line 1, column 6: expected ':'");
	check_error("{a: 1}", "json: line 1, column 2: expected a string key in double quotes");
	check_error("{} x", "json: line 1, column 4: expected the end of the input after the value");
	check_error("", "json: line 1, column 1: unexpected end of input, expected a value");
	check_error("[01]", "json: line 1, column 2: invalid number: leading zeros are not allowed");
	check_error("[1.]", "json: line 1, column 4: invalid number: expected a digit after '.'");
	check_error("\"tab\there\"", "json: line 1, column 5: control character U+0009 in a string must be escaped");
	check_error("\"\\x\"", "json: line 1, column 2: invalid escape '\\x' in a string");
	check_error("\"abc", "json: line 1, column 1: unterminated string");
}
END_TEST

START_TEST(a_column_counts_characters_not_bytes)
{
	/* "é" and "😀" are 2 and 4 bytes but one column each. */
	check_error("[\"é😀\" 1]", "json: line 1, column 7: expected ',' or ']'");
}
END_TEST

static struct json *parse(const char *text)
{
	struct json *tree = json_parse(text, strlen(text));
	ck_assert_msg(tree, "%s: %s", text, error_message());
	return tree;
}

START_TEST(escapes_and_surrogate_pairs_decode_to_utf8)
{
	struct json *s = parse("\"a\\u00e9\\u20ac\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"");
	ck_assert_str_eq(json_string(s), "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\\/\b\f\n\r\t");
	json_free(s);
	s = parse("\"nul\\u0000inside\"");
	ck_assert_uint_eq(s->length, 10);
	ck_assert(memcmp(s->text, "nul\0inside", 10) == 0);
	json_free(s);
}
END_TEST

START_TEST(lone_surrogates_and_invalid_utf8_are_refused)
{
	check_error("\"\\ud800\"", "json: line 1, column 2: invalid \\u escape: high surrogate \\uD800 without a low one");
	check_error("\"\\udc00\"", "json: line 1, column 2: invalid \\u escape: low surrogate \\uDC00 without a high one");
	check_error("\"\\u12g4\"", "json: line 1, column 2: invalid \\u escape: expected four hex digits");
	check_error("\"\xff\"", "json: line 1, column 2: invalid UTF-8 byte 0xff in a string");
	check_error("\"\xc0\xaf\"", "json: line 1, column 2: invalid UTF-8 byte 0xc0 in a string");       /* overlong '/' */
	check_error("\"\xed\xa0\x80\"", "json: line 1, column 2: invalid UTF-8 byte 0xed in a string");   /* a surrogate */
	check_error("\"\xf4\x90\x80\x80\"", "json: line 1, column 2: invalid UTF-8 byte 0xf4 in a string"); /* > U+10FFFF */
}
END_TEST

START_TEST(numbers_keep_their_text_and_read_as_int64_or_double)
{
	struct json *a = parse("[9223372036854775807, -9223372036854775808, 9223372036854775808, 1e3, 2.5, -0.0, 1E-2]");
	int64_t v;
	double d;
	ck_assert_int_eq(json_int64(json_at(a, 0), &v), 0);
	ck_assert(v == INT64_MAX);
	ck_assert_int_eq(json_int64(json_at(a, 1), &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(json_int64(json_at(a, 2), &v), -1); /* too large: refused, not rounded */
	ck_assert_str_eq(json_at(a, 2)->text, "9223372036854775808");
	ck_assert_int_eq(json_int64(json_at(a, 3), &v), 0);
	ck_assert(v == 1000);
	ck_assert_int_eq(json_int64(json_at(a, 4), &v), -1);
	ck_assert_int_eq(json_double(json_at(a, 4), &d), 0);
	ck_assert(d == 2.5);
	ck_assert_int_eq(json_double(json_at(a, 6), &d), 0);
	ck_assert(d == 0.01);
	ck_assert_int_eq(json_int64(json_at(a, 7), &v), -1); /* no such element */
	ck_assert_int_eq(json_double(json_string(a) ? a : NULL, &d), -1);
	json_free(a);
}
END_TEST

START_TEST(nesting_is_limited_so_hostile_input_cannot_exhaust_the_stack)
{
	enum { DEEP = 100000 };
	char *text = malloc(2 * DEEP + 1);
	memset(text, '[', DEEP);
	memset(text + DEEP, ']', DEEP);
	text[2 * DEEP] = '\0';
	ck_assert_ptr_null(json_parse(text, 2 * DEEP));
	ck_assert_ptr_nonnull(strstr(error_message(), "nesting deeper than 512 levels"));
	/* Exactly the limit is fine. */
	struct json *tree = json_parse(text + DEEP - JSON_MAX_DEPTH, 2 * JSON_MAX_DEPTH);
	ck_assert_msg(tree, "%s", error_message());
	json_free(tree);
	free(text);
}
END_TEST

START_TEST(lookups_by_key_by_index_and_by_json_pointer)
{
	struct json *m = parse("{\"schemaVersion\": 2, \"layers\": [{\"digest\": \"sha256:aa\"}, {\"digest\": \"sha256:bb\"}],"
			       " \"annotations\": {\"org.opencontainers.image.ref.name\": \"1.0\", \"a/b\": 1, \"m~n\": 2},"
			       " \"dup\": 1, \"dup\": 2}");
	ck_assert_str_eq(json_get_string(json_at(json_get(m, "layers"), 1), "digest"), "sha256:bb");
	ck_assert_str_eq(json_string(json_pointer(m, "/layers/0/digest")), "sha256:aa");
	ck_assert_str_eq(json_string(json_pointer(m, "/annotations/org.opencontainers.image.ref.name")), "1.0");
	ck_assert_ptr_eq(json_pointer(m, ""), m);
	ck_assert_str_eq(json_pointer(m, "/annotations/a~1b")->text, "1");
	ck_assert_str_eq(json_pointer(m, "/annotations/m~0n")->text, "2");
	ck_assert_ptr_null(json_pointer(m, "/layers/2"));
	ck_assert_ptr_null(json_pointer(m, "/layers/01"));
	ck_assert_ptr_null(json_pointer(m, "/layers/x"));
	ck_assert_ptr_null(json_pointer(m, "/schemaVersion/x"));
	ck_assert_ptr_null(json_pointer(m, "layers"));
	ck_assert_ptr_null(json_get(m, "missing"));
	ck_assert_ptr_null(json_get_string(m, "schemaVersion")); /* a number, not a string */
	ck_assert_str_eq(json_get(m, "dup")->text, "2");          /* the last one, as Go reads it */
	char digests[64] = "";
	json_for_each(layer, json_get(m, "layers"))
		strcat(digests, json_get_string(layer, "digest"));
	ck_assert_str_eq(digests, "sha256:aasha256:bb");
	int members = 0;
	json_for_each(member, m)
		members++;
	ck_assert_int_eq(members, 5);
	json_for_each(nothing, json_get(m, "missing"))
		ck_abort_msg("visited %s in a missing array", nothing->key);
	json_free(m);
}
END_TEST

START_TEST(a_built_tree_is_written_compact_and_indented_in_the_order_it_was_built)
{
	struct json *config = json_new_object();
	json_add_string(config, "architecture", "amd64");
	json_add_string(config, "os", "linux");
	struct json *c = json_add(config, "config", json_new_object());
	struct json *cmd = json_add(c, "Cmd", json_new_array());
	json_append(cmd, json_new_string("/bin/sh"));
	json_append(cmd, json_new_string("-c"));
	json_append(cmd, json_new_string("echo \"hi\"\\\n\t\x01"));
	json_add(c, "Env", json_new_array());
	json_add_int(config, "size", -42);
	json_add_bool(config, "ok", true);
	json_add(config, "none", json_new_null());
	json_add(config, "ratio", json_new_double(0.1));

	char *text = json_write(config, 0, NULL);
	ck_assert_str_eq(text, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\",\"-c\","
			       "\"echo \\\"hi\\\"\\\\\\n\\t\\u0001\"],\"Env\":[]},\"size\":-42,\"ok\":true,\"none\":null,\"ratio\":0.1}");
	free(text);

	json_remove(config, "none");
	json_remove(config, "ratio");
	json_set(config, "os", json_new_string("windows")); /* replaced where it stands */
	json_remove(json_get(config, "config"), "Cmd");
	text = json_write(config, 4, NULL);
	ck_assert_str_eq(text, "{\n"
			       "    \"architecture\": \"amd64\",\n"
			       "    \"os\": \"windows\",\n"
			       "    \"config\": {\n"
			       "        \"Env\": []\n"
			       "    },\n"
			       "    \"size\": -42,\n"
			       "    \"ok\": true\n"
			       "}");
	free(text);

	struct json *copy = json_copy(config);
	ck_assert(json_equal(copy, config));
	json_add_int(copy, "extra", 1); /* appending after a removal at the end must work */
	ck_assert(!json_equal(copy, config));
	ck_assert_str_eq(json_pointer(copy, "/extra")->text, "1");
	json_free(copy);
	json_free(config);
}
END_TEST

START_TEST(building_refuses_what_json_cannot_hold)
{
	ck_assert_ptr_null(json_new_double(0.0 / 0.0));
	struct json *arr = json_new_array();
	ck_assert_ptr_null(json_add(arr, "k", json_new_null())); /* an array has no keys */
	ck_assert_ptr_null(json_append(arr, NULL));                /* a failed constructor passes through */
	ck_assert_uint_eq(arr->count, 0);
	json_free(arr);
}
END_TEST

START_TEST(equal_compares_values_not_spelling_or_member_order)
{
	struct json *a = parse("{\"a\": 1.0, \"b\": [true, null, \"x\"]}");
	struct json *b = parse("{\"b\": [true, null, \"x\"], \"a\": 1}");
	struct json *c = parse("{\"b\": [true, null, \"y\"], \"a\": 1}");
	ck_assert(json_equal(a, b));
	ck_assert(!json_equal(a, c));
	json_free(a);
	json_free(b);
	json_free(c);
}
END_TEST

START_TEST(parse_file_names_the_file_in_its_errors)
{
	char dir[] = "/tmp/tinydock-json.XXXXXX", path[512];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/index.json", dir);
	ck_assert_int_eq(write_file_atomic(path, "{\"manifests\": [}", 16, 0644), 0);
	ck_assert_ptr_null(json_parse_file(path));
	char expected[600];
	snprintf(expected, sizeof(expected), "cannot parse \"%s\": json: line 1, column 16: expected a value", path);
	ck_assert_str_eq(error_message(), expected);
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *t = tcase_create("parser");
	tcase_add_test(t, every_y_file_of_the_json_test_suite_is_accepted_and_every_n_file_refused);
	tcase_add_test(t, an_error_names_the_line_and_column_and_what_was_expected);
	tcase_add_test(t, a_column_counts_characters_not_bytes);
	tcase_add_test(t, escapes_and_surrogate_pairs_decode_to_utf8);
	tcase_add_test(t, lone_surrogates_and_invalid_utf8_are_refused);
	tcase_add_test(t, numbers_keep_their_text_and_read_as_int64_or_double);
	tcase_add_test(t, nesting_is_limited_so_hostile_input_cannot_exhaust_the_stack);
	tcase_add_test(t, parse_file_names_the_file_in_its_errors);
	suite_add_tcase(s, t);
	t = tcase_create("tree");
	tcase_add_test(t, lookups_by_key_by_index_and_by_json_pointer);
	tcase_add_test(t, a_built_tree_is_written_compact_and_indented_in_the_order_it_was_built);
	tcase_add_test(t, building_refuses_what_json_cannot_hold);
	tcase_add_test(t, equal_compares_values_not_spelling_or_member_order);
	suite_add_tcase(s, t);
	return s;
}
