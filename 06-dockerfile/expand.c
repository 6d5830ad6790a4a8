/*
 * expand.c - variable expansion and word splitting, as the reference's shell lexer does it
 * (BuildKit frontend/dockerfile/shell; the Dockerfile reference, "Environment replacement").
 *
 * It is a small part of the POSIX shell's word expansion (Shell Command Language, 2.2 Quoting
 * and 2.6.2 Parameter Expansion), done by the builder, not by a shell:
 *
 *     ${V}        the value of V ("" when unset)          $V  the same, V a run of [A-Za-z0-9_]
 *     ${V:-word}  word when V is unset or empty            ${V-word}  word when V is unset
 *     ${V:+word}  word when V is set and not empty         ${V+word}  word when V is set
 *     ${V:?msg}   an error "V: msg" when unset or empty    ${V?msg}   an error when unset
 *     'single'    everything literal, no escape inside     "double"   $ expands; the escape
 *     \c          c, literally (the escape character is `  character escapes only " $ and
 *                 after `# escape=``)                      itself, else it stays as written
 *
 * Word splitting happens after expansion, on unquoted whitespace, and (unlike a shell) also
 * on whitespace that came out of an unquoted variable: `COPY $FILES /dst/` with FILES="a b"
 * copies two files. A quoted empty string is no word at all, as in BuildKit.
 *
 * The same lexer, told to keep quotes and escapes and to leave unset variables as written
 * (expand_split_raw), finds the heredoc markers of a RUN line for the parser (heredoc.c).
 * Names are ASCII ([A-Za-z0-9_]): a shell's portable names (POSIX XBD 3.235 "Name").
 */
#include "expand.h"
#include "error.h"
#include "text-builder.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct lexer {
	const char *text;
	size_t pos;
	char escape;
	const struct expand_env *env;
	bool raw_quotes;  /* keep the quote characters in the result */
	bool raw_escapes; /* keep the escape characters in the result */
	bool skip_unset;  /* leave $V and ${V...} as written when V is unset */
	bool plain_quotes; /* quotes are ordinary characters (a here-document's body) */
};

/* The words being split out of the result. in_word: a word has begun (even an empty one). */
struct word_list {
	struct text_builder word;
	bool in_word;
	char **items;
	size_t count, capacity;
	bool failed;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* POSIX 2.5.2 "Special Parameters": $@ $* $# $? $- $$ $! $0 are one character long. */
static bool is_special_parameter(char c)
{
	return c && strchr("@*#?-$!0", c) != NULL;
}

static char peek(const struct lexer *lx)
{
	return lx->text[lx->pos];
}

static char next(struct lexer *lx)
{
	char c = lx->text[lx->pos];
	if (c)
		lx->pos++;
	return c;
}

static void words_end_word(struct word_list *w)
{
	if (w->word.length == 0) {
		w->in_word = false;
		return;
	}
	if (w->count + 2 > w->capacity) {
		size_t capacity = w->capacity ? w->capacity * 2 : 8;
		char **grown = realloc(w->items, capacity * sizeof(*grown));
		if (!grown) {
			w->failed = true;
			return;
		}
		w->items = grown;
		w->capacity = capacity;
	}
	char *word = text_take(&w->word);
	if (!word) {
		w->failed = true;
		return;
	}
	w->items[w->count++] = word;
	w->items[w->count] = NULL;
	w->in_word = false;
}

static void words_add_raw(struct word_list *w, const char *s, size_t length)
{
	text_add(&w->word, s, length);
	w->in_word = true;
}

/* An unquoted character: whitespace ends the word, anything else extends it. */
static void words_add_char(struct word_list *w, char c)
{
	if (is_space(c)) {
		if (w->in_word)
			words_end_word(w);
	} else {
		words_add_raw(w, &c, 1);
	}
}

static void words_free(struct word_list *w)
{
	text_free(&w->word);
	for (size_t i = 0; i < w->count; i++)
		free(w->items[i]);
	free(w->items);
	*w = (struct word_list){ 0 };
}

/* The value of name (NULL when unset): the last "name=value" wins; "name" alone is "". */
static const char *lookup(const struct expand_env *env, const char *name, size_t length)
{
	if (!env)
		return NULL;
	for (size_t i = env->count; i-- > 0;) {
		const char *var = env->vars[i];
		if (!var || strncmp(var, name, length) != 0)
			continue;
		if (var[length] == '=')
			return var + length + 1;
		if (var[length] == '\0')
			return "";
	}
	return NULL;
}

/* A name after '$': digits, or one special parameter, or [A-Za-z0-9_]+. */
static size_t scan_name(struct lexer *lx)
{
	size_t start = lx->pos;
	if (peek(lx) >= '0' && peek(lx) <= '9') {
		while (peek(lx) >= '0' && peek(lx) <= '9')
			lx->pos++;
	} else if (is_special_parameter(peek(lx))) {
		lx->pos++;
	} else {
		while (is_name_char(peek(lx)))
			lx->pos++;
	}
	return lx->pos - start;
}

static int process_until(struct lexer *lx, char stop, bool raw_escapes, struct text_builder *result,
			 struct word_list *words);

/* After "${NAME" and the modifier: the word up to '}', itself expanded. */
static int modifier_word(struct lexer *lx, struct text_builder *word)
{
	if (process_until(lx, '}', false, word, NULL) < 0) {
		if (peek(lx) == '\0') {
			error_clear();
			return fail_errno(0, "syntax error: missing '}'");
		}
		return -1;
	}
	return 0;
}

/* At '$': append what it expands to. */
static int process_dollar(struct lexer *lx, struct text_builder *out)
{
	size_t dollar = lx->pos;
	next(lx);
	if (peek(lx) != '{') {
		size_t name_at = lx->pos;
		size_t length = scan_name(lx);
		if (length == 0) {
			text_add_char(out, '$');
			return 0;
		}
		const char *value = lookup(lx->env, lx->text + name_at, length);
		if (!value && lx->skip_unset)
			text_add(out, lx->text + dollar, lx->pos - dollar);
		else if (value)
			text_add_string(out, value);
		return 0;
	}
	next(lx);
	char first = peek(lx);
	if (first == '\0')
		return fail_errno(0, "syntax error: missing '}'");
	if (first == '{' || first == '}' || first == ':')
		return fail_errno(0, "syntax error: bad substitution");
	size_t name_at = lx->pos;
	size_t length = scan_name(lx);
	const char *value = lookup(lx->env, lx->text + name_at, length);
	char modifier = next(lx);
	if (modifier == '}') {
		if (!value && lx->skip_unset)
			text_add(out, lx->text + dollar, lx->pos - dollar);
		else if (value)
			text_add_string(out, value);
		return 0;
	}
	bool empty_is_unset = false;
	if (modifier == ':') {
		empty_is_unset = true;
		modifier = next(lx);
	}
	if (modifier != '-' && modifier != '+' && modifier != '?') {
		if (modifier == '\0')
			return fail_errno(0, "syntax error: missing '}'");
		return fail_errno(0, "unsupported modifier (%s%c) in substitution", empty_is_unset ? ":" : "",
				  modifier);
	}
	struct text_builder word = { 0 };
	if (modifier_word(lx, &word) < 0) {
		text_free(&word);
		return -1;
	}
	const char *w = word.data ? word.data : "";
	bool unset = !value || (empty_is_unset && value[0] == '\0');
	if (!value && lx->skip_unset) {
		text_add(out, lx->text + dollar, lx->pos - dollar);
	} else if (modifier == '-') {
		text_add_string(out, unset ? w : value);
	} else if (modifier == '+') {
		text_add_string(out, unset ? "" : w);
	} else if (unset) { /* '?' */
		const char *why = w[0] ? w : !value ? "is not allowed to be unset" : "is not allowed to be empty";
		fail_errno(0, "%.*s: %s", (int)length, lx->text + name_at, why);
		text_free(&word);
		return -1;
	} else {
		text_add_string(out, value);
	}
	text_free(&word);
	return 0;
}

/* At '\'': everything up to the next '\'' literally (no escape can hide one). */
static int process_single_quote(struct lexer *lx, struct text_builder *out)
{
	char quote = next(lx);
	if (lx->raw_quotes)
		text_add_char(out, quote);
	for (;;) {
		char c = next(lx);
		if (c == '\0')
			return fail_errno(0, "unexpected end of statement while looking for matching single-quote");
		if (c == '\'') {
			if (lx->raw_quotes)
				text_add_char(out, c);
			return 0;
		}
		text_add_char(out, c);
	}
}

/* At '"': $ expands; the escape character escapes only '"', '$' and itself. */
static int process_double_quote(struct lexer *lx, bool raw_escapes, struct text_builder *out)
{
	char quote = next(lx);
	if (lx->raw_quotes)
		text_add_char(out, quote);
	for (;;) {
		char c = peek(lx);
		if (c == '\0')
			return fail_errno(0, "unexpected end of statement while looking for matching double-quote");
		if (c == '"') {
			next(lx);
			if (lx->raw_quotes)
				text_add_char(out, c);
			return 0;
		}
		if (c == '$') {
			if (process_dollar(lx, out) < 0)
				return -1;
			continue;
		}
		next(lx);
		if (c == lx->escape) {
			if (raw_escapes)
				text_add_char(out, c);
			char after = peek(lx);
			if (after == '\0')
				continue; /* an escape at the very end is dropped */
			if (after == '"' || after == '$' || after == lx->escape)
				c = next(lx);
		}
		text_add_char(out, c);
	}
}

/*
 * Read up to stop ('\0': the end), appending the expansion to result and, when words is not
 * NULL, the words to words. Quoted text and escaped characters stay in one word; whitespace
 * that came out of an unquoted $V splits.
 */
static int process_until(struct lexer *lx, char stop, bool raw_escapes, struct text_builder *result,
			 struct word_list *words)
{
	while (peek(lx) != '\0') {
		char c = peek(lx);
		if (stop && c == stop) {
			next(lx);
			return 0;
		}
		if (c == '$' || ((c == '\'' || c == '"') && !lx->plain_quotes)) {
			struct text_builder part = { 0 };
			int r = c == '$'    ? process_dollar(lx, &part)
				: c == '\'' ? process_single_quote(lx, &part)
					    : process_double_quote(lx, raw_escapes, &part);
			if (r < 0) {
				text_free(&part);
				return -1;
			}
			if (part.length)
				text_add(result, part.data, part.length);
			if (words && c == '$')
				for (size_t i = 0; i < part.length; i++)
					words_add_char(words, part.data[i]);
			else if (words)
				words_add_raw(words, part.data ? part.data : "", part.length);
			text_free(&part);
			continue;
		}
		next(lx);
		if (c == lx->escape) {
			if (raw_escapes) {
				text_add_char(result, c);
				if (words)
					words_add_raw(words, &c, 1);
			}
			c = next(lx);
			if (c == '\0')
				break;
			if (words)
				words_add_raw(words, &c, 1);
		} else if (words) {
			words_add_char(words, c);
		}
		text_add_char(result, c);
	}
	if (stop)
		return fail_errno(0, "unexpected end of statement while looking for matching %c", stop);
	return 0;
}

/* Run the lexer over text; *out (if not NULL) gets the whole result, *words the words. */
static int lex(struct lexer *lx, char **out, struct word_list *words)
{
	struct text_builder result = { 0 };
	if (process_until(lx, '\0', lx->raw_escapes, &result, words) < 0) {
		text_free(&result);
		return -1;
	}
	if (words) {
		if (words->in_word)
			words_end_word(words);
		if (words->failed || (!words->items && !(words->items = calloc(1, sizeof(char *))))) {
			text_free(&result);
			return fail_errno(ENOMEM, "cannot split words");
		}
	}
	if (!out) {
		text_free(&result);
		return 0;
	}
	*out = text_take(&result);
	return *out ? 0 : -1;
}

int expand_word(const char *word, char escape, const struct expand_env *env, char **out)
{
	struct lexer lx = { .text = word, .escape = escape, .env = env };
	*out = NULL;
	return lex(&lx, out, NULL);
}

static int split(struct lexer *lx, char ***words, size_t *count)
{
	struct word_list list = { 0 };
	*words = NULL;
	*count = 0;
	if (lex(lx, NULL, &list) < 0) {
		words_free(&list);
		return -1;
	}
	text_free(&list.word);
	*words = list.items;
	*count = list.count;
	return 0;
}

int expand_words(const char *text, char escape, const struct expand_env *env, char ***words, size_t *count)
{
	struct lexer lx = { .text = text, .escape = escape, .env = env };
	return split(&lx, words, count);
}

int expand_heredoc(const char *content, char escape, const struct expand_env *env, char **out)
{
	struct lexer lx = { .text = content, .escape = escape, .env = env, .plain_quotes = true };
	*out = NULL;
	return lex(&lx, out, NULL);
}

int expand_split_raw(const char *text, char escape, char ***words, size_t *count)
{
	struct lexer lx = { .text = text, .escape = escape, .raw_quotes = true, .raw_escapes = true,
			    .skip_unset = true };
	return split(&lx, words, count);
}

int expand_split_literal(const char *text, char escape, char ***words, size_t *count)
{
	struct lexer lx = { .text = text, .escape = escape, .skip_unset = true };
	return split(&lx, words, count);
}

void expand_free_words(char **words)
{
	if (!words)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}
