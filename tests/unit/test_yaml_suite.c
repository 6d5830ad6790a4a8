/*
 * test_yaml_suite.c - the YAML parser (07-compose) against the YAML test suite
 * (yaml/yaml-test-suite): every case must parse to the value its in.json holds, or be refused
 * when the case has an `error` file. Cases without either (their value has no JSON form, a
 * mapping as a key) must parse.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "json.h"
#include "yaml.h"

/* Read from where it is, never copied (see ../shared/corpora/README.md). */
static const char *corpus_dir(void)
{
	const char *dir = getenv("TINYDOCK_YAML_CORPUS");
	return dir ? dir : "../shared/corpora/yaml-test-suite";
}

static bool exists(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* The end of the JSON value that starts at text[i] (in.json holds one per document, one
 * after the other: "foo"\n"bar", or {...}\n[...]). */
static size_t json_value_end(const char *text, size_t size, size_t i)
{
	int depth = 0;
	bool in_string = false;
	for (; i < size; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"') {
				in_string = false;
				if (depth == 0)
					return i + 1;
			}
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (c == ' ' || c == '\n' || c == '\t' || c == '\r')) {
			return i;
		}
	}
	return size;
}

/* One case: NULL when it passes, else why not (static buffer). */
static const char *run_case(const char *dir)
{
	static char why[1024];
	char path[1024];
	size_t size, json_size = 0;
	snprintf(path, sizeof(path), "%s/in.yaml", dir);
	char *text = read_file(path, &size);
	if (!text)
		return error_message();
	struct yaml_document *documents;
	int count = yaml_parse_stream("in.yaml", text, size, &documents);
	free(text);
	if (exists(dir, "error")) {
		yaml_free_documents(documents);
		return count < 0 ? NULL : "accepted, but the case is an error";
	}
	if (count < 0) {
		snprintf(why, sizeof(why), "refused: %s", error_message());
		return why;
	}
	if (!exists(dir, "in.json")) {
		yaml_free_documents(documents);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/in.json", dir);
	char *expected = read_file(path, &json_size);
	const char *result = NULL;
	size_t i = 0;
	int index = 0;
	struct yaml_document *document = documents;
	for (;; index++) {
		while (i < json_size && strchr(" \t\r\n", expected[i]))
			i++;
		if (i >= json_size)
			break;
		size_t end = json_value_end(expected, json_size, i);
		struct json *want = json_parse(expected + i, end - i);
		i = end;
		if (!document) {
			json_free(want);
			snprintf(why, sizeof(why), "%d documents, expected more", index);
			result = why;
			break;
		}
		struct json *got = yaml_to_json(document->root);
		if (!want || !got || !json_equal(want, got)) {
			char *text_got = got ? json_write(got, 0, NULL) : NULL;
			char *text_want = want ? json_write(want, 0, NULL) : NULL;
			snprintf(why, sizeof(why), "document %d is %s, expected %s", index + 1,
				 text_got ? text_got : error_message(), text_want ? text_want : "?");
			free(text_got), free(text_want);
			result = why;
		}
		json_free(want), json_free(got);
		document = document->next;
		if (result)
			break;
	}
	if (!result && document) {
		snprintf(why, sizeof(why), "%d documents, expected %d", count, index);
		result = why;
	}
	free(expected);
	yaml_free_documents(documents);
	return result;
}

/* Every folder below dir that holds an in.yaml is a case (multi-case ids: ID/00, ID/01). */
static void walk(const char *dir, int *checked, int *failed, char *failures, size_t size)
{
	if (exists(dir, "in.yaml")) {
		const char *why = run_case(dir);
		(*checked)++;
		if (why) {
			(*failed)++;
			size_t used = strlen(failures);
			snprintf(failures + used, size - used, "\n  %s: %s", dir + strlen(corpus_dir()) + 1, why);
		}
		return;
	}
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		struct stat st;
		if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			walk(path, checked, failed, failures, size);
		free(names[i]);
	}
	free(names);
}

START_TEST(every_case_of_the_yaml_test_suite_parses_to_its_json_or_is_refused)
{
	struct stat st;
	if (stat(corpus_dir(), &st) != 0) {
		harness_skip("the YAML test suite is not at %s", corpus_dir());
		return;
	}
	static char failures[65536];
	failures[0] = '\0';
	int checked = 0, failed = 0;
	walk(corpus_dir(), &checked, &failed, failures, sizeof(failures));
	printf("yaml test suite: %d of %d cases pass\n", checked - failed, checked);
	ck_assert_msg(checked >= 200, "only %d cases found in %s", checked, corpus_dir());
	ck_assert_msg(failed == 0, "%d of %d cases failed:%s", failed, checked, failures);
}
END_TEST

Suite *yaml_suite_suite(void)
{
	Suite *s = suite_create("yaml_suite");
	TCase *tc = tcase_create("corpus");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_case_of_the_yaml_test_suite_parses_to_its_json_or_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
