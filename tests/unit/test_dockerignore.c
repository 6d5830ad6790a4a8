/*
 * test_dockerignore.c - which files of a build context .dockerignore leaves out
 * (06-dockerfile/dockerignore.c), with Docker's patternmatcher semantics.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dockerignore.h"
#include "error.h"

static struct ignore_rules rules_of(const char *text)
{
	struct ignore_rules rules;
	ck_assert_msg(ignore_rules_parse(text, strlen(text), &rules) == 0, "%s", error_message());
	return rules;
}

/* Each path in excluded is left out, each in kept is not. */
static void check(const char *text, const char *const *excluded, const char *const *kept)
{
	struct ignore_rules rules = rules_of(text);
	for (; excluded && *excluded; excluded++)
		ck_assert_msg(ignore_rules_exclude(&rules, *excluded), "\"%s\" should be left out by:\n%s", *excluded, text);
	for (; kept && *kept; kept++)
		ck_assert_msg(!ignore_rules_exclude(&rules, *kept), "\"%s\" should be kept by:\n%s", *kept, text);
	ignore_rules_free(&rules);
}

#define PATHS(...) ((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(comments_and_blank_lines_are_no_patterns)
{
	struct ignore_rules rules = rules_of("# a comment\n\n   \n\t# not a comment once indented\n.git\n");
	ck_assert_uint_eq(rules.count, 2);
	ck_assert_str_eq(rules.patterns[0].pattern, "# not a comment once indented");
	ck_assert_str_eq(rules.patterns[1].pattern, ".git");
	ignore_rules_free(&rules);
}
END_TEST

START_TEST(patterns_are_cleaned_and_relative_to_the_context)
{
	struct ignore_rules rules = rules_of("./docs/\n/build\na//b/../c/.\n  spaced  \r\n!  ./keep/\n../up\n");
	ck_assert_uint_eq(rules.count, 6);
	ck_assert_str_eq(rules.patterns[0].pattern, "docs");
	ck_assert_str_eq(rules.patterns[1].pattern, "build");
	ck_assert_str_eq(rules.patterns[2].pattern, "a/c");
	ck_assert_str_eq(rules.patterns[3].pattern, "spaced");
	ck_assert_str_eq(rules.patterns[4].pattern, "keep");
	ck_assert(rules.patterns[4].exception);
	ck_assert_str_eq(rules.patterns[5].pattern, "../up");
	ignore_rules_free(&rules);
	/* a byte order mark before the first pattern is not part of it */
	check("\xef\xbb\xbf*.tmp\n", PATHS("a.tmp"), NULL);
}
END_TEST

START_TEST(a_pattern_matches_a_whole_path_and_everything_in_a_matched_folder)
{
	check("docs\nsecret.txt\n", PATHS("docs", "docs/a.md", "docs/deep/b.md", "secret.txt"),
	      PATHS("doc", "docs.md", "src/docs", "src/secret.txt", "secret.txt.bak"));
}
END_TEST

START_TEST(a_star_and_a_question_mark_stay_within_one_path_element)
{
	check("*.log\nsrc/*/gen\nv?.txt\n", PATHS("a.log", "src/x/gen", "src/x/gen/f.c", "v1.txt"),
	      PATHS("logs/a.log", "src/x/y/gen", "src/gen", "v10.txt", "v/.txt"));
}
END_TEST

START_TEST(brackets_match_one_character_of_a_class)
{
	check("file[0-9].c\nx[^ab]\n[\\]]\n", PATHS("file3.c", "xc", "]"), PATHS("filea.c", "xa", "xb", "file10.c"));
}
END_TEST

START_TEST(a_double_star_matches_any_number_of_folders)
{
	check("**/node_modules\nsrc/**/*.o\nbuild/**\n",
	      PATHS("node_modules", "a/node_modules", "a/b/node_modules/x.js", "src/a.o", "src/x/y/a.o", "build/x", "build/x/y"),
	      PATHS("node_modules_old", "src/a.c", "lib/a.o", "build"));
}
END_TEST

START_TEST(a_double_star_before_plain_text_is_a_suffix)
{
	check("**.bak\n", PATHS("a.bak", "x/y/z.bak", ".bak"), PATHS("a.bak.txt"));
}
END_TEST

START_TEST(an_exception_puts_back_what_an_earlier_line_left_out)
{
	check("*.txt\n!README.txt\n", PATHS("notes.txt"), PATHS("README.txt", "main.c"));
	check("docs\n!docs/keep.md\n", PATHS("docs/a.md", "docs"), PATHS("docs/keep.md"));
}
END_TEST

START_TEST(the_last_matching_line_wins)
{
	check("*.md\n!README*.md\nREADME-secret.md\n", PATHS("a.md", "README-secret.md"), PATHS("README.md", "README-x.md"));
	check("!a\na\n", PATHS("a", "a/b"), NULL);
}
END_TEST

START_TEST(a_lone_exclamation_mark_and_an_open_bracket_are_errors)
{
	struct ignore_rules rules;
	ck_assert_int_eq(ignore_rules_parse("a\n!\n", 4, &rules), -1);
	ck_assert_str_eq(error_message(), ".dockerignore line 2: illegal exclusion pattern: \"!\"");
	ck_assert_uint_eq(rules.count, 0);
	ck_assert_int_eq(ignore_rules_parse("ok\n\nfile[0-9\n", 13, &rules), -1);
	ck_assert_str_eq(error_message(), ".dockerignore line 3: syntax error in pattern \"file[0-9\"");
}
END_TEST

START_TEST(an_excluded_folder_is_walked_only_when_an_exception_may_match_inside)
{
	struct ignore_rules none = rules_of("build\n");
	ck_assert(!ignore_rules_may_include_under(&none, "build"));
	ignore_rules_free(&none);

	struct ignore_rules rules = rules_of("build\nvendor\n!build/keep/*.txt\n!*/docs\n");
	ck_assert(ignore_rules_may_include_under(&rules, "build"));
	ck_assert(ignore_rules_may_include_under(&rules, "build/keep"));
	ck_assert(!ignore_rules_may_include_under(&rules, "build/other"));
	ck_assert(ignore_rules_may_include_under(&rules, "vendor")); /* vendor/docs may be put back */
	ck_assert(ignore_rules_may_include_under(&rules, "vendor/docs/deep")); /* inside an exception */
	ck_assert(!ignore_rules_may_include_under(&rules, "vendor/lib"));
	ignore_rules_free(&rules);

	struct ignore_rules deep = rules_of("*\n!**/*.go\n");
	ck_assert(ignore_rules_may_include_under(&deep, "any/folder"));
	ignore_rules_free(&deep);
}
END_TEST

START_TEST(a_pattern_that_cleans_to_nothing_is_read_without_overrunning)
{
	/* found by fuzzing: a line that is only a NUL byte cleaned to "." one byte past its buffer */
	static const char text[] = "\0\n*.log\n";
	struct ignore_rules rules;
	ck_assert_int_eq(ignore_rules_parse(text, sizeof(text) - 1, &rules), 0);
	ck_assert_uint_eq(rules.count, 2);
	ck_assert_str_eq(rules.patterns[0].pattern, ".");
	ck_assert(ignore_rules_exclude(&rules, "a.log"));
	ignore_rules_free(&rules);
}
END_TEST

START_TEST(a_pattern_of_many_stars_is_matched_without_backtracking)
{
	/* found by fuzzing: trying every way forty stars can split a path took minutes; the check
	 * timeout (seconds) fails this test if it comes back */
	char pattern[128] = "", path[128] = "";
	for (int i = 0; i < 20; i++)
		strcat(pattern, "*a");
	strcat(pattern, "*b\n**");
	for (int i = 0; i < 40; i++)
		strcat(pattern, "*");
	strcat(pattern, "x\n");
	memset(path, 'a', 100);
	struct ignore_rules rules = rules_of(pattern);
	ck_assert(!ignore_rules_exclude(&rules, path));
	path[99] = 'b';
	ck_assert(ignore_rules_exclude(&rules, path));
	/* "**" then more stars is "any folders" again and again: it ends at a '/' */
	path[99] = 'x';
	ck_assert(!ignore_rules_exclude(&rules, path));
	path[98] = '/';
	ck_assert(ignore_rules_exclude(&rules, path));
	ignore_rules_free(&rules);
}
END_TEST

Suite *dockerignore_suite(void)
{
	Suite *s = suite_create("dockerignore");
	TCase *t = tcase_create("patterns");
	tcase_add_test(t, comments_and_blank_lines_are_no_patterns);
	tcase_add_test(t, patterns_are_cleaned_and_relative_to_the_context);
	tcase_add_test(t, a_pattern_matches_a_whole_path_and_everything_in_a_matched_folder);
	tcase_add_test(t, a_star_and_a_question_mark_stay_within_one_path_element);
	tcase_add_test(t, brackets_match_one_character_of_a_class);
	tcase_add_test(t, a_double_star_matches_any_number_of_folders);
	tcase_add_test(t, a_double_star_before_plain_text_is_a_suffix);
	tcase_add_test(t, an_exception_puts_back_what_an_earlier_line_left_out);
	tcase_add_test(t, the_last_matching_line_wins);
	tcase_add_test(t, a_lone_exclamation_mark_and_an_open_bracket_are_errors);
	tcase_add_test(t, an_excluded_folder_is_walked_only_when_an_exception_may_match_inside);
	tcase_add_test(t, a_pattern_that_cleans_to_nothing_is_read_without_overrunning);
	tcase_add_test(t, a_pattern_of_many_stars_is_matched_without_backtracking);
	suite_add_tcase(s, t);
	return s;
}
