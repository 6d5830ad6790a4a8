/*
 * test_dockerfile_expand.c - variable expansion and word splitting in a Dockerfile
 * (06-dockerfile/expand.c), the rules of BuildKit's shell lexer: each case is one rule.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "expand.h"

static const char *const vars[] = { "HOME=/root", "APP=web", "EMPTY=", "BARE", "APP=shop", "SPACED=a  b" };
static const struct expand_env env = { vars, sizeof(vars) / sizeof(vars[0]) };

struct expansion {
	const char *word;
	const char *expected; /* NULL: an error */
};

static void check_expansions(const struct expansion *cases, size_t count, char escape)
{
	for (size_t i = 0; i < count; i++) {
		char *out = NULL;
		int r = expand_word(cases[i].word, escape, &env, &out);
		if (cases[i].expected) {
			ck_assert_msg(r == 0, "%s: %s", cases[i].word, error_message());
			ck_assert_msg(strcmp(out, cases[i].expected) == 0, "%s gave \"%s\", not \"%s\"", cases[i].word, out,
				      cases[i].expected);
		} else {
			ck_assert_msg(r == -1, "%s gave \"%s\", not an error", cases[i].word, out);
			ck_assert_ptr_null(out);
		}
		free(out);
	}
}

#define CHECK(cases, escape) check_expansions(cases, sizeof(cases) / sizeof(cases[0]), escape)

START_TEST(a_variable_is_replaced_by_its_value_and_an_unset_one_by_nothing)
{
	static const struct expansion cases[] = {
		{ "$HOME/bin", "/root/bin" },   { "${HOME}bin", "/rootbin" }, { "x$NOPE.y", "x.y" },
		{ "x${NOPE}y", "xy" },          { "$BARE|", "|" },            { "a$1b", "ab" },
		{ "$", "$" },                   { "a$.b", "a$.b" },           { "cost: $ 5", "cost: $ 5" },
		{ "${APP}", "shop" }, /* the last definition of a name wins */
	};
	CHECK(cases, '\\');
}
END_TEST

START_TEST(a_default_replaces_an_unset_variable_and_with_a_colon_an_empty_one)
{
	static const struct expansion cases[] = {
		{ "${NOPE:-def}", "def" }, { "${EMPTY:-def}", "def" }, { "${APP:-def}", "shop" },
		{ "${NOPE-def}", "def" },  { "${EMPTY-def}", "" },     { "${APP-def}", "shop" },
		{ "${NOPE:-$HOME}", "/root" }, { "${NOPE:-${OTHER:-deep}}", "deep" },
		{ "${NOPE:-a b}", "a b" }, { "${NOPE:-\\}}", "}" }, { "${NOPE:-x}}", "x}" },
	};
	CHECK(cases, '\\');
}
END_TEST

START_TEST(an_alternative_replaces_a_set_variable_and_with_a_colon_a_non_empty_one)
{
	static const struct expansion cases[] = {
		{ "${APP:+alt}", "alt" }, { "${EMPTY:+alt}", "" }, { "${NOPE:+alt}", "" },
		{ "${APP+alt}", "alt" },  { "${EMPTY+alt}", "alt" }, { "${NOPE+alt}", "" },
		{ "${APP:+$HOME:}", "/root:" },
	};
	CHECK(cases, '\\');
}
END_TEST

START_TEST(a_required_variable_that_is_missing_is_an_error_with_its_message)
{
	static const struct expansion cases[] = {
		{ "${APP:?no app}", "shop" }, { "${EMPTY?unset}", "" }, { "${NOPE:?}", NULL }, { "${EMPTY:?}", NULL },
	};
	CHECK(cases, '\\');
	char *out;
	ck_assert_int_eq(expand_word("${V:?not set}", '\\', &env, &out), -1);
	ck_assert_str_eq(error_message(), "V: not set");
	ck_assert_int_eq(expand_word("${V?}", '\\', &env, &out), -1);
	ck_assert_str_eq(error_message(), "V: is not allowed to be unset");
	ck_assert_int_eq(expand_word("${EMPTY:?}", '\\', &env, &out), -1);
	ck_assert_str_eq(error_message(), "EMPTY: is not allowed to be empty");
}
END_TEST

START_TEST(single_quotes_keep_everything_literal)
{
	static const struct expansion cases[] = {
		{ "'$HOME'", "$HOME" }, { "'a\\tb'", "a\\tb" }, { "'a\\'", "a\\" }, { "x'a b'y", "xa by" },
		{ "'\"q\"'", "\"q\"" }, { "'${NOPE'", "${NOPE" },
	};
	CHECK(cases, '\\');
}
END_TEST

START_TEST(double_quotes_expand_and_escape_only_quote_dollar_and_the_escape)
{
	static const struct expansion cases[] = {
		{ "\"$HOME\"", "/root" },       { "\"a'$APP'b\"", "a'shop'b" }, { "\"a\\tb\"", "a\\tb" },
		{ "\"a\\\\tb\"", "a\\tb" },      { "\"\\$HOME\"", "$HOME" },     { "\"say \\\"hi\\\"\"", "say \"hi\"" },
		{ "\"\"", "" },                 { "\"a\\\"", NULL },
	};
	CHECK(cases, '\\');
}
END_TEST

START_TEST(the_escape_character_takes_the_next_character_literally)
{
	static const struct expansion cases[] = {
		{ "a\\tb", "atb" },        { "\\$HOME", "$HOME" }, { "\\\\$HOME", "\\/root" }, { "it\\'s", "it's" },
		{ "a\\ b", "a b" },        { "end\\", "end" },     { "end\\\\", "end\\" },      { "\\${}", "${}" },
		{ "\\${NOPE:-x}", "${NOPE:-x}" },
	};
	CHECK(cases, '\\');
}
END_TEST

START_TEST(after_the_escape_directive_the_backtick_escapes_and_the_backslash_is_a_character)
{
	static const struct expansion cases[] = {
		{ "C:\\Users\\$APP", "C:\\Users\\shop" }, { "`$HOME", "$HOME" }, { "\"a`\"b\"", "a\"b" },
		{ "a``b", "a`b" },
	};
	CHECK(cases, '`');
}
END_TEST

START_TEST(malformed_expansions_and_open_quotes_are_errors)
{
	static const struct expansion cases[] = {
		{ "${}", NULL },      { "a${}b", NULL },  { "${HOME", NULL },   { "${:-x}", NULL },  { "${{x}", NULL },
		{ "${.}", NULL },     { "${A:=x}", NULL }, { "${A:x}", NULL },  { "'open", NULL },   { "\"open", NULL },
		{ "${A:-x", NULL },   { "${A:-${B}", NULL },
	};
	CHECK(cases, '\\');
	char *out;
	ck_assert_int_eq(expand_word("${HOME", '\\', &env, &out), -1);
	ck_assert_str_eq(error_message(), "syntax error: missing '}'");
	ck_assert_int_eq(expand_word("${}", '\\', &env, &out), -1);
	ck_assert_str_eq(error_message(), "syntax error: bad substitution");
	ck_assert_int_eq(expand_word("${A:=x}", '\\', &env, &out), -1);
	ck_assert_str_eq(error_message(), "unsupported modifier (:=) in substitution");
	ck_assert_int_eq(expand_word("'open", '\\', &env, &out), -1);
	ck_assert_str_eq(error_message(), "unexpected end of statement while looking for matching single-quote");
}
END_TEST

START_TEST(non_ascii_text_passes_through_untouched)
{
	static const struct expansion cases[] = {
		{ "caf\xc3\xa9-$APP", "caf\xc3\xa9-shop" }, { "'\xec\x95\x88'\xeb\x85\x95", "\xec\x95\x88\xeb\x85\x95" },
	};
	CHECK(cases, '\\');
}
END_TEST

/* The words of text, joined by '|' for comparison, or "error". */
static char *words_of(const char *text, char escape)
{
	char **words;
	size_t count;
	if (expand_words(text, escape, &env, &words, &count) < 0)
		return strdup("error");
	size_t size = 1;
	for (size_t i = 0; i < count; i++)
		size += strlen(words[i]) + 1;
	char *joined = calloc(1, size);
	for (size_t i = 0; i < count; i++) {
		if (i)
			strcat(joined, "|");
		strcat(joined, words[i]);
	}
	ck_assert_ptr_null(words[count]);
	expand_free_words(words);
	return joined;
}

#define assert_words(text, expected)                   \
	do {                                           \
		char *got_ = words_of(text, '\\');     \
		ck_assert_str_eq(got_, expected);      \
		free(got_);                            \
	} while (0)

START_TEST(words_split_on_unquoted_blanks_after_expansion)
{
	assert_words("  src/a.txt \t b.txt   /dst/ ", "src/a.txt|b.txt|/dst/");
	assert_words("\"my file\" 'other file' plain\\ name /dst", "my file|other file|plain name|/dst");
	assert_words("x$APP y", "xshop|y");
	/* an unquoted variable's blanks split it, a quoted one's do not */
	assert_words("$SPACED /d", "a|b|/d");
	assert_words("\"$SPACED\" /d", "a  b|/d");
	/* an empty quoted string makes no word, nor does an empty variable */
	assert_words("a \"\" $EMPTY b", "a|b");
	assert_words("", "");
	assert_words("'open", "error");
}
END_TEST

START_TEST(the_raw_split_keeps_quotes_escapes_and_unset_variables)
{
	char **words;
	size_t count;
	ck_assert_int_eq(expand_split_raw("cat <<\"EOF\" a\\ b $NOPE ${X:-y} >out", '\\', &words, &count), 0);
	ck_assert_uint_eq(count, 6);
	ck_assert_str_eq(words[1], "<<\"EOF\"");
	ck_assert_str_eq(words[2], "a\\ b");
	ck_assert_str_eq(words[3], "$NOPE");
	ck_assert_str_eq(words[4], "${X:-y}");
	expand_free_words(words);
	ck_assert_int_eq(expand_split_literal("'E O'F", '\\', &words, &count), 0);
	ck_assert_uint_eq(count, 1);
	ck_assert_str_eq(words[0], "E OF");
	expand_free_words(words);
}
END_TEST

START_TEST(a_heredoc_body_expands_variables_but_keeps_its_quotes)
{
	char *out = NULL;
	ck_assert_int_eq(expand_heredoc("echo \"$APP\" '$HOME' \\$APP\n", '\\', &env, &out), 0);
	ck_assert_str_eq(out, "echo \"shop\" '/root' $APP\n");
	free(out);
	/* an unmatched quote is text in a body, not an error */
	ck_assert_int_eq(expand_heredoc("it's ${APP}\n", '\\', &env, &out), 0);
	ck_assert_str_eq(out, "it's shop\n");
	free(out);
}
END_TEST

Suite *dockerfile_expand_suite(void)
{
	Suite *s = suite_create("dockerfile expand");
	TCase *t = tcase_create("expand");
	tcase_add_test(t, a_variable_is_replaced_by_its_value_and_an_unset_one_by_nothing);
	tcase_add_test(t, a_default_replaces_an_unset_variable_and_with_a_colon_an_empty_one);
	tcase_add_test(t, an_alternative_replaces_a_set_variable_and_with_a_colon_a_non_empty_one);
	tcase_add_test(t, a_required_variable_that_is_missing_is_an_error_with_its_message);
	tcase_add_test(t, single_quotes_keep_everything_literal);
	tcase_add_test(t, double_quotes_expand_and_escape_only_quote_dollar_and_the_escape);
	tcase_add_test(t, the_escape_character_takes_the_next_character_literally);
	tcase_add_test(t, after_the_escape_directive_the_backtick_escapes_and_the_backslash_is_a_character);
	tcase_add_test(t, malformed_expansions_and_open_quotes_are_errors);
	tcase_add_test(t, non_ascii_text_passes_through_untouched);
	tcase_add_test(t, a_heredoc_body_expands_variables_but_keeps_its_quotes);
	suite_add_tcase(s, t);
	TCase *w = tcase_create("words");
	tcase_add_test(w, words_split_on_unquoted_blanks_after_expansion);
	tcase_add_test(w, the_raw_split_keeps_quotes_escapes_and_unset_variables);
	suite_add_tcase(s, w);
	return s;
}
