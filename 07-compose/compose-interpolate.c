/*
 * compose-interpolate.c - ${VAR}, ${VAR:-default}, $$ in a compose file's values
 * (compose-interpolate.h).
 *
 * A small recursive reader: copy text until a `$`, then read what follows it. A braced
 * expression ends at its matching `}`, counting the `${` nested inside a default, and the
 * word after the operator is interpolated (by this same function) only when it is used, so
 * `${A:-${B:?B is needed}}` is no error when A is set.
 */
#include "compose-interpolate.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text-builder.h"

const char *compose_env_get(const struct compose_env *env, const char *name, size_t name_length)
{
	if (!env)
		return NULL;
	for (size_t i = env->count; i-- > 0;) { /* the last one of a name wins */
		const char *var = env->vars[i];
		if (strncmp(var, name, name_length) == 0 && var[name_length] == '=')
			return var + name_length + 1;
	}
	return NULL;
}

static bool is_name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static int invalid(const char *whole)
{
	return fail_errno(0, "invalid interpolation format for \"%s\": write $$ for a literal $", whole);
}

static int interpolate_into(struct text_builder *out, const char *text, size_t length,
			    const struct compose_env *env, const char *whole, int depth);

/* Interpolate a default, message or alternative (a slice of the expression) into out. */
static int interpolate_word(struct text_builder *out, const char *word, size_t length,
			    const struct compose_env *env, const char *whole, int depth)
{
	return interpolate_into(out, word, length, env, whole, depth + 1);
}

/* The length of a braced expression's inside: text starts after `${`; returns the offset of
 * its matching `}`, or -1 when there is none. */
static long matching_brace(const char *text, size_t length)
{
	int open = 1;
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '$' && i + 1 < length && text[i + 1] == '$') {
			i++; /* an escaped dollar opens nothing */
		} else if (text[i] == '$' && i + 1 < length && text[i + 1] == '{') {
			open++;
			i++;
		} else if (text[i] == '}' && --open == 0) {
			return (long)i;
		}
	}
	return -1;
}

/* Read one braced expression (inside, without `${` and `}`) into out. */
static int braced(struct text_builder *out, const char *inside, size_t length,
		  const struct compose_env *env, const char *whole, int depth)
{
	size_t name_length = 0;
	if (length == 0 || !is_name_start(inside[0]))
		return invalid(whole);
	while (name_length < length && is_name_char(inside[name_length]))
		name_length++;
	const char *value = compose_env_get(env, inside, name_length);
	if (name_length == length) {
		text_add_string(out, value ? value : "");
		return 0;
	}
	const char *op = inside + name_length;
	size_t rest = length - name_length;
	bool colon = op[0] == ':';
	if (colon) {
		op++;
		rest--;
	}
	if (rest == 0 || (op[0] != '-' && op[0] != '?' && op[0] != '+'))
		return invalid(whole);
	const char *word = op + 1;
	size_t word_length = rest - 1;
	/* With a colon, an empty value counts as unset (POSIX sh, "Parameter Expansion"). */
	bool set = value && (!colon || value[0] != '\0');
	switch (op[0]) {
	case '-':
		if (set) {
			text_add_string(out, value);
			return 0;
		}
		return interpolate_word(out, word, word_length, env, whole, depth);
	case '+':
		if (set)
			return interpolate_word(out, word, word_length, env, whole, depth);
		return 0;
	default: /* '?' */
		if (set) {
			text_add_string(out, value);
			return 0;
		}
		struct text_builder message = { 0 };
		if (interpolate_word(&message, word, word_length, env, whole, depth) < 0) {
			text_free(&message);
			return -1;
		}
		char *said = text_take(&message);
		if (!said)
			return -1;
		if (said[0])
			fail_errno(0, "required variable %.*s is missing a value: %s", (int)name_length, inside, said);
		else
			fail_errno(0, "required variable %.*s is missing a value", (int)name_length, inside);
		free(said);
		return -1;
	}
}

static int interpolate_into(struct text_builder *out, const char *text, size_t length,
			    const struct compose_env *env, const char *whole, int depth)
{
	if (depth > 64) /* nesting is bounded, so that hostile input cannot exhaust the stack */
		return fail_errno(0, "interpolation of \"%s\" is nested too deeply", whole);
	for (size_t i = 0; i < length; i++) {
		if (text[i] != '$') {
			text_add_char(out, text[i]);
			continue;
		}
		if (i + 1 >= length)
			return invalid(whole);
		char next = text[i + 1];
		if (next == '$') {
			text_add_char(out, '$');
			i++;
		} else if (is_name_start(next)) {
			size_t start = i + 1, end = start;
			while (end < length && is_name_char(text[end]))
				end++;
			const char *value = compose_env_get(env, text + start, end - start);
			text_add_string(out, value ? value : "");
			i = end - 1;
		} else if (next == '{') {
			const char *inside = text + i + 2;
			long close = matching_brace(inside, length - i - 2);
			if (close < 0)
				return invalid(whole);
			if (braced(out, inside, (size_t)close, env, whole, depth) < 0)
				return -1;
			i += 2 + (size_t)close;
		} else {
			return invalid(whole);
		}
	}
	return 0;
}

int compose_interpolate(const char *text, const struct compose_env *env, char **out)
{
	struct text_builder result = { 0 };
	if (interpolate_into(&result, text, strlen(text), env, text, 0) < 0) {
		text_free(&result);
		return -1;
	}
	return (*out = text_take(&result)) ? 0 : -1;
}

int compose_interpolate_tree(struct yaml_node *root, const char *file, const struct compose_env *env)
{
	if (!root)
		return 0;
	if (root->kind == YAML_SCALAR) {
		/* Only text that names a variable changes; a null scalar (`image:`) stays null. */
		if (!root->text || !memchr(root->text, '$', root->length))
			return 0;
		char *value;
		if (compose_interpolate(root->text, env, &value) < 0)
			return fail_context("%s:%d:%d", file, root->line, root->column);
		free(root->text);
		root->text = value;
		root->length = strlen(value);
		return 0;
	}
	yaml_for_each(item, root)
		if (compose_interpolate_tree(item, file, env) < 0)
			return -1;
	return 0;
}
