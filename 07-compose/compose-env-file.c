/*
 * compose-env-file.c - reading `.env` files (compose-env-file.h), a line at a time, with a
 * quoted value allowed to run over several lines.
 */
#include "compose-env-file.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text-builder.h"

/* Where the reader is in the file. */
struct env_reader {
	const char *name;
	const char *text;
	size_t size, at;
	int line;
};

static bool at_blank(const struct env_reader *r)
{
	return r->at < r->size && (r->text[r->at] == ' ' || r->text[r->at] == '\t');
}

static void skip_blanks(struct env_reader *r)
{
	while (at_blank(r))
		r->at++;
}

static bool is_key_char(char c)
{
	return c == '_' || c == '.' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* After a value: blanks, then a comment or the end of the line. */
static int end_of_line(struct env_reader *r)
{
	skip_blanks(r);
	if (r->at < r->size && r->text[r->at] == '#')
		while (r->at < r->size && r->text[r->at] != '\n')
			r->at++;
	if (r->at < r->size && r->text[r->at] == '\r')
		r->at++;
	if (r->at < r->size && r->text[r->at] != '\n')
		return fail_errno(0, "%s:%d: unexpected text after the value", r->name, r->line);
	if (r->at < r->size) {
		r->at++;
		r->line++;
	}
	return 0;
}

/* A value in quotes, the quote at r->at. Double quotes: escapes, and `$` kept for
 * interpolation (an escaped \$ becomes $$, which interpolation reads as a literal $). */
static int quoted(struct env_reader *r, struct text_builder *value)
{
	char quote = r->text[r->at++];
	int started = r->line;
	for (; r->at < r->size; r->at++) {
		char c = r->text[r->at];
		if (c == quote)
			break;
		if (c == '\n')
			r->line++;
		if (quote == '\'') {
			text_add_char(value, c);
			continue;
		}
		if (c == '$') {
			text_add_char(value, c);
			continue;
		}
		if (c != '\\' || r->at + 1 >= r->size) {
			text_add_char(value, c);
			continue;
		}
		char e = r->text[++r->at];
		switch (e) {
		case 'n': text_add_char(value, '\n'); break;
		case 't': text_add_char(value, '\t'); break;
		case 'r': text_add_char(value, '\r'); break;
		case '$': text_add(value, "$$", 2); break;
		case '"': case '\\': text_add_char(value, e); break;
		default: text_add_char(value, '\\'); text_add_char(value, e); break;
		}
	}
	if (r->at >= r->size)
		return fail_errno(0, "%s:%d: the quote opened here is never closed", r->name, started);
	r->at++;
	return 0;
}

/* An unquoted value: to the end of the line or a ` #` comment, trailing blanks removed. */
static void unquoted(struct env_reader *r, struct text_builder *value)
{
	size_t start = r->at, end = r->at;
	while (r->at < r->size && r->text[r->at] != '\n') {
		char c = r->text[r->at];
		if (c == '#' && r->at > start && (r->text[r->at - 1] == ' ' || r->text[r->at - 1] == '\t'))
			break;
		r->at++;
		if (c != ' ' && c != '\t' && c != '\r')
			end = r->at;
	}
	text_add(value, r->text + start, end - start);
}

static int add_var(struct compose_env_file *file, const char *key, size_t key_length, const char *value)
{
	char **grown = realloc(file->vars, (file->count + 1) * sizeof *grown);
	if (!grown)
		return fail_errno(12, "cannot read an env file");
	file->vars = grown;
	size_t length = key_length + 1 + strlen(value) + 1;
	char *var = malloc(length);
	if (!var)
		return fail_errno(12, "cannot read an env file");
	memcpy(var, key, key_length);
	var[key_length] = '=';
	strcpy(var + key_length + 1, value);
	file->vars[file->count++] = var;
	return 0;
}

/* Interpolate a value with the variables of this file so far and then the environment's, so
 * that the environment wins. */
static int interpolate_value(const struct compose_env_file *file, const struct compose_env *environment,
			     const char *raw, char **out)
{
	size_t outside = environment ? environment->count : 0;
	const char **vars = malloc((file->count + outside + 1) * sizeof *vars);
	if (!vars)
		return fail_errno(12, "cannot read an env file");
	for (size_t i = 0; i < file->count; i++)
		vars[i] = file->vars[i];
	for (size_t i = 0; i < outside; i++)
		vars[file->count + i] = environment->vars[i];
	const struct compose_env both = { vars, file->count + outside };
	int result = compose_interpolate(raw, &both, out);
	free(vars);
	return result;
}

static int read_line(struct env_reader *r, const struct compose_env *environment, struct compose_env_file *file)
{
	skip_blanks(r);
	if (r->at + 7 <= r->size && memcmp(r->text + r->at, "export", 6) == 0 &&
	    (r->text[r->at + 6] == ' ' || r->text[r->at + 6] == '\t')) {
		r->at += 6;
		skip_blanks(r);
	}
	const char *key = r->text + r->at;
	size_t key_length = 0;
	while (r->at < r->size && is_key_char(r->text[r->at])) {
		r->at++;
		key_length++;
	}
	if (key_length == 0)
		return fail_errno(0, "%s:%d: a line must be KEY=VALUE", r->name, r->line);
	skip_blanks(r);
	if (r->at >= r->size || r->text[r->at] != '=') {
		int line = r->line;
		if (end_of_line(r) < 0)
			return fail_errno(0, "%s:%d: a line must be KEY=VALUE", r->name, line);
		/* A name alone passes the environment's value on, and nothing when it has none. */
		const char *value = compose_env_get(environment, key, key_length);
		return value ? add_var(file, key, key_length, value) : 0;
	}
	r->at++;
	skip_blanks(r);
	struct text_builder raw = { 0 };
	bool literal = r->at < r->size && r->text[r->at] == '\'';
	int line = r->line;
	if (r->at < r->size && (r->text[r->at] == '"' || r->text[r->at] == '\'')) {
		if (quoted(r, &raw) < 0 || end_of_line(r) < 0) {
			text_free(&raw);
			return -1;
		}
	} else {
		unquoted(r, &raw);
		if (end_of_line(r) < 0) {
			text_free(&raw);
			return -1;
		}
	}
	char *text = text_take(&raw);
	if (!text)
		return -1;
	char *value = text;
	if (!literal && interpolate_value(file, environment, text, &value) < 0) {
		free(text);
		return fail_context("%s:%d", r->name, line);
	}
	int result = add_var(file, key, key_length, value);
	if (value != text)
		free(value);
	free(text);
	return result;
}

int compose_env_file_parse(const char *name, const char *text, size_t size,
			   const struct compose_env *environment, struct compose_env_file *file)
{
	struct env_reader r = { name, text, size, 0, 1 };
	file->vars = NULL;
	file->count = 0;
	while (r.at < r.size) {
		skip_blanks(&r);
		if (r.at < r.size && (r.text[r.at] == '\n' || r.text[r.at] == '\r' || r.text[r.at] == '#')) {
			if (end_of_line(&r) < 0)
				goto failed;
			continue;
		}
		if (r.at < r.size && memchr(r.text + r.at, '\0', 1))
			goto refused;
		if (r.at < r.size && read_line(&r, environment, file) < 0)
			goto failed;
	}
	return 0;
refused:
	fail_errno(0, "%s:%d: a NUL byte in an env file", name, r.line);
failed:
	compose_env_file_free(file);
	return -1;
}

void compose_env_file_free(struct compose_env_file *file)
{
	for (size_t i = 0; i < file->count; i++)
		free(file->vars[i]);
	free(file->vars);
	file->vars = NULL;
	file->count = 0;
}
