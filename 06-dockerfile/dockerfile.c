/*
 * dockerfile.c - reading a Dockerfile into instructions (dockerfile.h), as the reference parser
 * does (BuildKit frontend/dockerfile/parser; the Dockerfile reference is the specification).
 *
 * A Dockerfile is read in three passes over each instruction:
 *
 *   1. Lines. A line ending in the escape character (`\`, or ``` ` ``` after `# escape=``),
 *      maybe followed by spaces, continues on the next one; the escape is removed and the lines
 *      joined as they are. A line whose first non-blank character is `#` is a comment, also in
 *      the middle of a continued instruction; an empty line there is skipped with a warning.
 *      CRLF endings and a UTF-8 byte order mark are accepted. The parser directives
 *      (`# escape=`, `# syntax=`) count only at the very top: the first line that is not one
 *      (a comment, an empty line, an instruction) ends them, and later they are comments.
 *   2. The instruction: its keyword (any case), then the flags (`--from=build`), words that
 *      start with `--` before the arguments, then the arguments, split as that instruction
 *      wants them (dockerfile.h lists how). RUN, CMD, ENTRYPOINT and SHELL take the exec form,
 *      a JSON array of strings, else (not valid JSON) the rest of the line as one shell string.
 *   3. Here-documents: RUN, COPY and ADD in the shell form may open some (`<<EOF`, heredoc.c);
 *      their bodies are the lines that follow, up to the delimiter line.
 *
 * Nothing is expanded here (expand.c does that in the builder, with the build's variables).
 * Quotes stay in ENV, LABEL and ARG words so that `tinydock build --print` shows exactly what
 * BuildKit's parser shows (dockerfile-dump.c).
 */
#include "dockerfile.h"
#include "error.h"
#include "heredoc.h"
#include "json.h"
#include "text-builder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- Characters ---------------------------------------------------------------------------- */

/* The length of the Unicode white space at s (Go's unicode.IsSpace: ASCII blanks, U+0085,
 * U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), or 0. */
static size_t space_at(const char *s, const char *end)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t left = (size_t)(end - s);
	if (left == 0)
		return 0;
	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (left >= 2 && u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;
	if (left >= 3 && u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80)
		return 3;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] <= 0x8a || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return 3;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f)
		return 3;
	if (left >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

static const char *skip_spaces(const char *s, const char *end)
{
	size_t n;
	while ((n = space_at(s, end)))
		s += n;
	return s;
}

/* The blanks that split arguments: [\t\v\f\r ] (not Unicode, not '\n'). */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* The end of s without its trailing Unicode white space. */
static const char *trim_end(const char *s, const char *end)
{
	for (;;) {
		size_t n = 0;
		for (size_t width = 1; width <= 3 && width <= (size_t)(end - s) && !n; width++)
			if (space_at(end - width, end) == width)
				n = width;
		if (!n)
			return end;
		end -= n;
	}
}

/* --- A list of strings --------------------------------------------------------------------- */

struct string_list {
	char **items;
	size_t count, capacity;
};

static int list_add(struct string_list *l, const char *s, size_t length)
{
	if (l->count == l->capacity) {
		size_t capacity = l->capacity ? l->capacity * 2 : 4;
		char **grown = realloc(l->items, capacity * sizeof(*grown));
		if (!grown)
			return fail_errno(ENOMEM, "cannot parse the Dockerfile");
		l->items = grown;
		l->capacity = capacity;
	}
	char *copy = strndup(s, length);
	if (!copy)
		return fail_errno(ENOMEM, "cannot parse the Dockerfile");
	l->items[l->count++] = copy;
	return 0;
}

static int list_add_string(struct string_list *l, const char *s)
{
	return list_add(l, s, strlen(s));
}

static void list_free(struct string_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	*l = (struct string_list){ 0 };
}

/* --- Instructions by name ------------------------------------------------------------------ */

static const char *const keywords[] = {
	[INSTRUCTION_FROM] = "from",
	[INSTRUCTION_RUN] = "run",
	[INSTRUCTION_CMD] = "cmd",
	[INSTRUCTION_ENTRYPOINT] = "entrypoint",
	[INSTRUCTION_COPY] = "copy",
	[INSTRUCTION_ADD] = "add",
	[INSTRUCTION_ENV] = "env",
	[INSTRUCTION_ARG] = "arg",
	[INSTRUCTION_WORKDIR] = "workdir",
	[INSTRUCTION_USER] = "user",
	[INSTRUCTION_LABEL] = "label",
	[INSTRUCTION_EXPOSE] = "expose",
	[INSTRUCTION_VOLUME] = "volume",
	[INSTRUCTION_SHELL] = "shell",
	[INSTRUCTION_STOPSIGNAL] = "stopsignal",
	[INSTRUCTION_HEALTHCHECK] = "healthcheck",
	[INSTRUCTION_ONBUILD] = "onbuild",
	[INSTRUCTION_MAINTAINER] = "maintainer",
};

int instruction_kind_of(const char *word)
{
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
		if (strcasecmp(word, keywords[k]) == 0)
			return (int)k;
	return -1;
}

/* The flags each instruction takes (Dockerfile reference, each instruction's synopsis);
 * boolean ones (`--link`) may stand alone. Any other flag is an error, as in BuildKit. */
struct flag_spec {
	const char *name;
	bool boolean;
	bool repeatable;
};

static const struct flag_spec from_flags[] = { { "platform", false, false }, { NULL, false, false } };
static const struct flag_spec run_flags[] = {
	{ "mount", false, true }, { "network", false, false }, { "security", false, false }, { NULL, false, false },
};
static const struct flag_spec copy_flags[] = {
	{ "from", false, false }, { "chown", false, false }, { "chmod", false, false }, { "link", true, false },
	{ "parents", true, false }, { "exclude", false, true }, { NULL, false, false },
};
static const struct flag_spec add_flags[] = {
	{ "chown", false, false }, { "chmod", false, false }, { "link", true, false },
	{ "checksum", false, false }, { "keep-git-dir", true, false }, { "exclude", false, true },
	{ NULL, false, false },
};
static const struct flag_spec healthcheck_flags[] = {
	{ "interval", false, false }, { "timeout", false, false }, { "start-period", false, false },
	{ "start-interval", false, false }, { "retries", false, false }, { NULL, false, false },
};
static const struct flag_spec no_flags[] = { { NULL, false, false } };

static const struct flag_spec *flags_of(enum instruction_kind kind)
{
	switch (kind) {
	case INSTRUCTION_FROM:
		return from_flags;
	case INSTRUCTION_RUN:
		return run_flags;
	case INSTRUCTION_COPY:
		return copy_flags;
	case INSTRUCTION_ADD:
		return add_flags;
	case INSTRUCTION_HEALTHCHECK:
		return healthcheck_flags;
	default:
		return no_flags;
	}
}

/* --- Pass 2: one instruction ---------------------------------------------------------------- */

/*
 * The flags at the start of rest: words beginning with "--", quotes removed and '\' escapes
 * applied inside them; a lone "--" ends them. *args_at is where the arguments begin.
 */
static int split_flags(const char *rest, const char *end, struct string_list *flags, const char **args_at)
{
	const char *p = rest;
	for (;;) {
		p = skip_spaces(p, end);
		if (p == end || end - p < 2 || p[0] != '-' || p[1] != '-')
			break;
		char *text = malloc((size_t)(end - p) + 1);
		if (!text)
			return fail_errno(ENOMEM, "cannot parse the Dockerfile");
		size_t n = 0;
		char quote = 0;
		while (p < end) {
			if (!quote && space_at(p, end))
				break;
			char c = *p++;
			if (!quote && (c == '\'' || c == '"')) {
				quote = c;
				continue;
			}
			if (quote && c == quote) {
				quote = 0;
				continue;
			}
			if (c == '\\') {
				if (p == end)
					continue; /* a '\' at the end is dropped */
				c = *p++;
			}
			text[n++] = c;
		}
		int r;
		if (n == 2 && text[0] == '-' && text[1] == '-') {
			free(text);
			break;
		}
		r = list_add(flags, text, n);
		free(text);
		if (r < 0)
			return -1;
	}
	*args_at = p;
	return 0;
}

/* Check the flags against what the instruction takes. */
static int check_flags(enum instruction_kind kind, const struct string_list *flags)
{
	const struct flag_spec *specs = flags_of(kind);
	for (size_t i = 0; i < flags->count; i++) {
		const char *flag = flags->items[i] + 2; /* after "--" */
		const char *equals = strchr(flag, '=');
		size_t name_length = equals ? (size_t)(equals - flag) : strlen(flag);
		const struct flag_spec *spec = specs;
		while (spec->name && (strlen(spec->name) != name_length || strncmp(spec->name, flag, name_length) != 0))
			spec++;
		if (!spec->name)
			return fail_errno(0, "unknown flag: --%.*s", (int)name_length, flag);
		if (!equals && !spec->boolean)
			return fail_errno(0, "missing a value on flag: --%s", spec->name);
		if (equals && spec->boolean && strcmp(equals + 1, "true") != 0 && strcmp(equals + 1, "false") != 0)
			return fail_errno(0, "expecting boolean value for flag --%s, not: %s", spec->name, equals + 1);
		for (size_t j = 0; j < i && !spec->repeatable; j++) {
			const char *other = flags->items[j] + 2;
			if (strncmp(other, flag, name_length) == 0 && (other[name_length] == '=' || !other[name_length]))
				return fail_errno(0, "duplicate flag specified: --%s", spec->name);
		}
	}
	return 0;
}

/*
 * Words as ENV, LABEL and ARG split them: on unquoted white space, quotes kept, and an
 * escape keeps the character after it in the word (escape included); inside '...' the escape
 * is an ordinary character.
 */
static int split_quoted_words(const char *s, const char *end, char escape, struct string_list *out)
{
	while ((s = skip_spaces(s, end)) < end) {
		char quote = 0;
		char *word = malloc((size_t)(end - s) + 1);
		if (!word)
			return fail_errno(ENOMEM, "cannot parse the Dockerfile");
		size_t n = 0;
		while (s < end) {
			if (!quote && space_at(s, end))
				break;
			char c = *s++;
			if (quote && c == quote) {
				quote = 0;
			} else if (!quote && (c == '\'' || c == '"')) {
				quote = c;
			} else if (c == escape && quote != '\'') {
				if (s == end) {
					if (quote)
						quote = 0;
					continue; /* an escape at the very end is dropped */
				}
				word[n++] = c;
				c = *s++;
			}
			word[n++] = c;
		}
		int r = list_add(out, word, n);
		free(word);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* Arguments split on runs of [\t\v\f\r ], as written (FROM, EXPOSE, COPY's shell form). */
static int split_blanks(const char *s, const char *end, struct string_list *out)
{
	if (s == end)
		return 0;
	for (;;) {
		const char *word = s;
		while (s < end && !is_blank(*s))
			s++;
		if (list_add(out, word, (size_t)(s - word)) < 0)
			return -1;
		if (s == end)
			return 0;
		while (s < end && is_blank(*s))
			s++;
	}
}

enum json_outcome { JSON_NOT_AN_ARRAY, JSON_STRINGS, JSON_FAILED };

/*
 * The exec form: rest is a JSON array of strings (RFC 8259). What comes after the array is
 * ignored, as the reference's decoder reads one value and stops. An array that is valid JSON
 * but holds anything but strings is an error; text that is not a JSON array is the shell form.
 */
static enum json_outcome parse_json_array(const char *s, const char *end, struct string_list *out)
{
	if (s == end || *s != '[')
		return JSON_NOT_AN_ARRAY;
	/* where the array ends: the ']' that closes the first '[', outside strings */
	int depth = 0;
	bool in_string = false;
	const char *p = s;
	for (; p < end; p++) {
		if (in_string) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				in_string = false;
		} else if (*p == '"') {
			in_string = true;
		} else if (*p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ']' || *p == '}') && --depth == 0) {
			break;
		}
	}
	if (p == end)
		return JSON_NOT_AN_ARRAY;
	struct json *array = json_parse(s, (size_t)(p - s) + 1);
	if (!array) {
		error_clear();
		return JSON_NOT_AN_ARRAY;
	}
	enum json_outcome outcome = JSON_STRINGS;
	if (!json_is(array, JSON_ARRAY)) {
		outcome = JSON_NOT_AN_ARRAY;
	} else {
		struct json *item;
		for (size_t i = 0; (item = json_at(array, i)); i++) {
			const char *text = json_string(item);
			if (!text) {
				fail_errno(0, "when using JSON array syntax, arrays must be comprised of strings only");
				outcome = JSON_FAILED;
				break;
			}
			if (list_add_string(out, text) < 0) {
				outcome = JSON_FAILED;
				break;
			}
		}
	}
	json_free(array);
	return outcome;
}

/* ENV and LABEL: `KEY value with spaces` (one pair) or `k1=v1 k2="v 2"` (pairs). */
static int split_name_values(const char *keyword, const char *s, const char *end, char escape,
			     struct string_list *out)
{
	struct string_list words = { 0 };
	if (split_quoted_words(s, end, escape, &words) < 0) {
		list_free(&words);
		return -1;
	}
	int r = 0;
	if (words.count == 0) {
		/* nothing: the count check reports it */
	} else if (!strchr(words.items[0], '=')) {
		/* the old form: the name, then everything after the first blanks, as written */
		const char *name_end = s;
		while (name_end < end && !is_blank(*name_end))
			name_end++;
		const char *value = name_end;
		while (value < end && is_blank(*value))
			value++;
		if (value == end)
			r = fail_errno(0, "%s must have two arguments", keyword);
		else if (list_add(out, s, (size_t)(name_end - s)) < 0 || list_add(out, value, (size_t)(end - value)) < 0)
			r = -1;
	} else {
		for (size_t i = 0; i < words.count && r == 0; i++) {
			const char *word = words.items[i];
			const char *equals = strchr(word, '=');
			if (!equals)
				r = fail_errno(0, "syntax error - can't find = in \"%s\"; must be of the form: name=value", word);
			else if (list_add(out, word, (size_t)(equals - word)) < 0 || list_add_string(out, equals + 1) < 0)
				r = -1;
		}
	}
	list_free(&words);
	return r;
}

/* Arguments of the exec-or-shell form: RUN, CMD, ENTRYPOINT, SHELL (and HEALTHCHECK CMD). */
static int split_exec_or_shell(const char *s, const char *end, struct string_list *out, bool *json)
{
	if (s == end)
		return 0;
	enum json_outcome outcome = parse_json_array(s, end, out);
	if (outcome == JSON_FAILED)
		return -1;
	*json = outcome == JSON_STRINGS;
	if (!*json)
		return list_add(out, s, (size_t)(end - s));
	return 0;
}

/* Arguments of the exec-or-words form: COPY, ADD, VOLUME. */
static int split_exec_or_words(const char *s, const char *end, struct string_list *out, bool *json)
{
	enum json_outcome outcome = parse_json_array(s, end, out);
	if (outcome == JSON_FAILED)
		return -1;
	*json = outcome == JSON_STRINGS;
	return *json ? 0 : split_blanks(s, end, out);
}

/* HEALTHCHECK: its first word (NONE, CMD), then CMD's arguments in either form. */
static int split_healthcheck(const char *s, const char *end, struct string_list *out, bool *json)
{
	const char *type_end = s;
	while (type_end < end && !space_at(type_end, end))
		type_end++;
	if (type_end == s)
		return 0;
	if (list_add(out, s, (size_t)(type_end - s)) < 0)
		return -1;
	return split_exec_or_shell(skip_spaces(type_end, end), end, out, json);
}

static int parse_line(const char *line, char escape, struct instruction *in);

/* The arguments of in, from [s, end). */
static int split_arguments(struct instruction *in, const char *s, const char *end, char escape,
			   struct string_list *args)
{
	switch (in->kind) {
	case INSTRUCTION_RUN:
	case INSTRUCTION_CMD:
	case INSTRUCTION_ENTRYPOINT:
	case INSTRUCTION_SHELL:
		return split_exec_or_shell(s, end, args, &in->json);
	case INSTRUCTION_COPY:
	case INSTRUCTION_ADD:
	case INSTRUCTION_VOLUME:
		return split_exec_or_words(s, end, args, &in->json);
	case INSTRUCTION_ENV:
	case INSTRUCTION_LABEL:
		return split_name_values(in->kind == INSTRUCTION_ENV ? "ENV" : "LABEL", s, end, escape, args);
	case INSTRUCTION_ARG:
		return split_quoted_words(s, end, escape, args);
	case INSTRUCTION_FROM:
	case INSTRUCTION_EXPOSE:
		return split_blanks(s, end, args);
	case INSTRUCTION_WORKDIR:
	case INSTRUCTION_USER:
	case INSTRUCTION_STOPSIGNAL:
	case INSTRUCTION_MAINTAINER:
		return s == end ? 0 : list_add(args, s, (size_t)(end - s));
	case INSTRUCTION_HEALTHCHECK:
		return split_healthcheck(s, end, args, &in->json);
	case INSTRUCTION_ONBUILD: {
		if (s == end)
			return 0;
		char *inner_line = strndup(s, (size_t)(end - s));
		in->onbuild = calloc(1, sizeof(*in->onbuild));
		if (!inner_line || !in->onbuild) {
			free(inner_line);
			return fail_errno(ENOMEM, "cannot parse the Dockerfile");
		}
		int r = parse_line(inner_line, escape, in->onbuild);
		free(inner_line);
		return r;
	}
	}
	return 0;
}

/* An upper-case copy of the keyword for messages: "COPY". */
static const char *upper(enum instruction_kind kind, char *buffer, size_t size)
{
	size_t i = 0;
	for (const char *k = keywords[kind]; *k && i + 1 < size; k++)
		buffer[i++] = (char)(*k - 'a' + 'A');
	buffer[i] = '\0';
	return buffer;
}

/* Stage names: [a-z][a-z0-9-_.]* once lower-cased (BuildKit's parseBuildStageName). */
static bool stage_name_valid(const char *name)
{
	char first = name[0] | 0x20;
	if (first < 'a' || first > 'z')
		return false;
	for (const char *p = name + 1; *p; p++) {
		char c = *p | 0x20;
		if (!((c >= 'a' && c <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	}
	return true;
}

/* What each instruction needs of its arguments (BuildKit's instructions package). */
static int check_arguments(const struct instruction *in)
{
	char name[16];
	upper(in->kind, name, sizeof(name));
	char **a = in->args;
	size_t n = in->arg_count;
	switch (in->kind) {
	case INSTRUCTION_FROM:
		if (n == 3 && strcasecmp(a[1], "as") == 0) {
			if (!stage_name_valid(a[2]))
				return fail_errno(0, "invalid name for build stage: \"%s\", name can't start with a number or contain symbols",
						  a[2]);
		} else if (n != 1) {
			return fail_errno(0, "FROM requires either one or three arguments");
		}
		return 0;
	case INSTRUCTION_COPY:
	case INSTRUCTION_ADD:
		if (n < 2)
			return fail_errno(0, "%s requires at least two arguments, but only one was provided. Destination could not be determined", name);
		if (heredoc_is_marker(a[n - 1]))
			return fail_errno(0, "%s cannot accept a heredoc as a destination", name);
		return 0;
	case INSTRUCTION_ENV:
	case INSTRUCTION_LABEL:
		if (n == 0)
			return fail_errno(0, "%s requires at least one argument", name);
		for (size_t i = 0; i < n; i += 2)
			if (a[i][0] == '\0')
				return fail_errno(0, "%s names can not be blank", name);
		return 0;
	case INSTRUCTION_ARG:
	case INSTRUCTION_EXPOSE:
	case INSTRUCTION_ONBUILD:
		if (n == 0 && !in->onbuild)
			return fail_errno(0, "%s requires at least one argument", name);
		return 0;
	case INSTRUCTION_VOLUME:
		if (n == 0)
			return fail_errno(0, "VOLUME requires at least one argument");
		for (size_t i = 0; i < n; i++)
			if (a[i][0] == '\0')
				return fail_errno(0, "VOLUME specified can not be an empty string");
		return 0;
	case INSTRUCTION_WORKDIR:
	case INSTRUCTION_USER:
	case INSTRUCTION_STOPSIGNAL:
	case INSTRUCTION_MAINTAINER:
		if (n != 1)
			return fail_errno(0, "%s requires exactly one argument", name);
		return 0;
	case INSTRUCTION_SHELL:
		if (!in->json)
			return fail_errno(0, "SHELL requires the arguments to be in JSON form");
		if (n == 0)
			return fail_errno(0, "SHELL requires at least one argument");
		return 0;
	case INSTRUCTION_HEALTHCHECK:
		if (n == 0)
			return fail_errno(0, "HEALTHCHECK requires at least one argument");
		if (strcasecmp(a[0], "NONE") == 0) {
			if (n > 1)
				return fail_errno(0, "HEALTHCHECK NONE takes no arguments");
			if (in->flag_count)
				return fail_errno(0, "HEALTHCHECK NONE takes no flags");
		} else if (strcasecmp(a[0], "CMD") != 0) {
			return fail_errno(0, "unknown type \"%s\" in HEALTHCHECK (try CMD)", a[0]);
		} else if (n == 1) {
			return fail_errno(0, "missing command after HEALTHCHECK CMD");
		}
		return 0;
	case INSTRUCTION_RUN:
	case INSTRUCTION_CMD:
	case INSTRUCTION_ENTRYPOINT:
		return 0; /* `CMD []` and an empty CMD are allowed: they clear the inherited one */
	}
	return 0;
}

/* ONBUILD's trigger cannot be ONBUILD, FROM or MAINTAINER (Dockerfile reference, ONBUILD). */
static int check_onbuild(const struct instruction *in)
{
	if (!in->onbuild)
		return 0;
	switch (in->onbuild->kind) {
	case INSTRUCTION_ONBUILD:
		return fail_errno(0, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
	case INSTRUCTION_FROM:
	case INSTRUCTION_MAINTAINER: {
		char name[16];
		return fail_errno(0, "%s isn't allowed as an ONBUILD trigger", upper(in->onbuild->kind, name, sizeof(name)));
	}
	default:
		return 0;
	}
}

/*
 * Parse one instruction's joined line (no heredoc bodies yet) into *in. The keyword is the
 * first word, the flags follow, then the arguments; for ONBUILD, the rest is parsed again as
 * the trigger instruction.
 */
static int parse_line(const char *line, char escape, struct instruction *in)
{
	const char *end = line + strlen(line);
	const char *s = skip_spaces(line, end);
	end = trim_end(s, end);
	const char *word_end = s;
	while (word_end < end && !is_blank(*word_end))
		word_end++;
	char keyword[32];
	size_t keyword_length = (size_t)(word_end - s);
	snprintf(keyword, sizeof(keyword), "%.*s", (int)keyword_length, s);
	int kind = keyword_length < sizeof(keyword) ? instruction_kind_of(keyword) : -1;
	if (kind < 0)
		return fail_errno(0, "unknown instruction: %.*s", (int)(keyword_length > 64 ? 64 : keyword_length), s);
	in->kind = (enum instruction_kind)kind;
	in->keyword = strdup(keywords[kind]);
	in->original = strdup(line);
	if (!in->keyword || !in->original)
		return fail_errno(ENOMEM, "cannot parse the Dockerfile");

	struct string_list flags = { 0 }, args = { 0 };
	const char *rest = word_end;
	int r = 0;
	if (in->kind != INSTRUCTION_ONBUILD)
		r = split_flags(rest, end, &flags, &rest);
	rest = skip_spaces(rest, end);
	if (r == 0)
		r = split_arguments(in, rest, end, escape, &args);
	in->flags = flags.items;
	in->flag_count = flags.count;
	in->args = args.items;
	in->arg_count = args.count;
	if (r == 0)
		r = check_flags(in->kind, &flags);
	if (r == 0)
		r = check_onbuild(in);
	if (r == 0)
		r = check_arguments(in);
	return r;
}

/* --- Pass 1: lines -------------------------------------------------------------------------- */

struct reader {
	const char *text;
	size_t length;
	size_t pos;
	int line; /* lines read so far */
};

/* The next line: [*start, *start + *length) with its '\n' (and \r before it) excluded,
 * *raw_length with them. false at the end of the text. */
static bool read_line(struct reader *r, const char **start, size_t *length, size_t *raw_length)
{
	if (r->pos >= r->length)
		return false;
	const char *s = r->text + r->pos;
	const char *newline = memchr(s, '\n', r->length - r->pos);
	size_t raw = newline ? (size_t)(newline - s) + 1 : r->length - r->pos;
	size_t n = raw;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (r->line == 0 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3; /* a UTF-8 byte order mark on the first line */
		n -= 3;
		raw -= 3;
		r->pos += 3;
	}
	r->pos += raw;
	r->line++;
	*start = s;
	*length = n;
	*raw_length = raw;
	return true;
}

static bool is_comment(const char *s, size_t length)
{
	const char *p = skip_spaces(s, s + length);
	return p < s + length && *p == '#';
}

static bool is_empty(const char *s, size_t length)
{
	return skip_spaces(s, s + length) == s + length;
}

struct directives {
	bool done;
	bool seen_escape, seen_syntax;
	char escape;
	char *syntax;
};

/* Regular-expression \s of the reference's directive pattern: [\t\n\f\r ]. */
static bool is_directive_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/*
 * A line at the top of the file that may be a parser directive: `#` key `=` value, with
 * optional blanks around each (Dockerfile reference, "Parser directives"). The first line
 * that is not one, or names an unknown directive, ends the directives for good.
 */
static int directive_line(struct directives *d, const char *s, size_t length)
{
	if (d->done)
		return 0;
	const char *end = s + length, *p = s;
	if (p == end || *p++ != '#') {
		d->done = true;
		return 0;
	}
	while (p < end && is_directive_space(*p))
		p++;
	const char *key = p;
	if (p < end && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
		for (p++; p < end && (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9')); p++)
			;
	size_t key_length = (size_t)(p - key);
	while (p < end && is_directive_space(*p))
		p++;
	if (key_length == 0 || p == end || *p != '=') {
		d->done = true;
		return 0;
	}
	p++;
	while (p < end && is_directive_space(*p))
		p++;
	const char *value_end = end;
	while (value_end > p && is_directive_space(value_end[-1]))
		value_end--;
	if (value_end == p) {
		d->done = true;
		return 0;
	}
	size_t value_length = (size_t)(value_end - p);
	if (key_length == 6 && strncasecmp(key, "escape", 6) == 0) {
		if (d->seen_escape)
			return fail_errno(0, "only one escape parser directive can be used");
		d->seen_escape = true;
		if (value_length != 1 || (*p != '\\' && *p != '`'))
			return fail_errno(0, "invalid escape token '%.*s' does not match ` or \\", (int)value_length, p);
		d->escape = *p;
	} else if (key_length == 6 && strncasecmp(key, "syntax", 6) == 0) {
		if (d->seen_syntax)
			return fail_errno(0, "only one syntax parser directive can be used");
		d->seen_syntax = true;
		d->syntax = strndup(p, value_length);
		if (!d->syntax)
			return fail_errno(ENOMEM, "cannot parse the Dockerfile");
	} else {
		d->done = true;
	}
	return 0;
}

/*
 * Remove a line continuation: the escape character last on the line (blanks after it allowed),
 * not itself escaped. true when the line continues.
 */
static bool strip_continuation(const char *s, size_t *length, char escape)
{
	size_t n = *length;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || s[n - 1] != escape || (n >= 2 && s[n - 2] == escape))
		return false;
	*length = n - 1;
	return true;
}

/* --- The whole file ------------------------------------------------------------------------- */

struct parser {
	const char *name;
	struct reader reader;
	struct directives directives;
	struct dockerfile *out;
	size_t capacity;
	struct string_list warnings;
};

static int fail_at(const struct parser *p, int line)
{
	return fail_context("%s line %d", p->name, line);
}

/* Read the bodies of the heredocs that in's line opened, from the lines after it. */
static int read_heredocs(struct parser *p, const char *line, struct instruction *in)
{
	struct instruction *target = in->onbuild ? in->onbuild : in;
	if (target->json || (target->kind != INSTRUCTION_RUN && target->kind != INSTRUCTION_COPY &&
			     target->kind != INSTRUCTION_ADD))
		return 0;
	struct heredoc_marker *markers;
	size_t count;
	if (heredoc_markers_of(line, &markers, &count) < 0)
		return -1;
	if (count == 0) {
		free(markers);
		return 0;
	}
	target->heredocs = calloc(count, sizeof(*target->heredocs));
	if (!target->heredocs) {
		heredoc_markers_free(markers, count);
		return fail_errno(ENOMEM, "cannot parse the Dockerfile");
	}
	int r = 0;
	for (size_t i = 0; i < count && r == 0; i++) {
		struct heredoc *doc = &target->heredocs[target->heredoc_count++];
		doc->name = markers[i].name;
		markers[i].name = NULL;
		doc->expand = markers[i].expand;
		struct text_builder body = { 0 };
		bool terminated = false;
		const char *s;
		size_t length, raw_length;
		while (read_line(&p->reader, &s, &length, &raw_length)) {
			const char *candidate = s;
			size_t candidate_length = length;
			if (markers[i].chomp)
				while (candidate_length > 0 && *candidate == '\t')
					candidate++, candidate_length--;
			if (candidate_length == strlen(doc->name) && memcmp(candidate, doc->name, candidate_length) == 0) {
				terminated = true;
				break;
			}
			text_add(&body, s, raw_length); /* the line with its own ending, as written */
		}
		doc->content = text_take(&body);
		if (!doc->content)
			r = -1;
		if (r == 0 && !terminated)
			r = fail_errno(0, "unterminated heredoc %s", doc->name);
		if (r == 0 && markers[i].chomp)
			heredoc_strip_tabs(doc->content);
	}
	heredoc_markers_free(markers, count);
	return r;
}

static int add_instruction(struct parser *p, struct instruction **slot)
{
	struct dockerfile *d = p->out;
	if (d->count == p->capacity) {
		size_t capacity = p->capacity ? p->capacity * 2 : 16;
		struct instruction *grown = realloc(d->instructions, capacity * sizeof(*grown));
		if (!grown)
			return fail_errno(ENOMEM, "cannot parse the Dockerfile");
		d->instructions = grown;
		p->capacity = capacity;
	}
	*slot = &d->instructions[d->count++];
	**slot = (struct instruction){ 0 };
	return 0;
}

static int add_warning(struct parser *p, const char *line)
{
	size_t size = strlen(line) + 64;
	char *warning = malloc(size);
	if (!warning)
		return fail_errno(ENOMEM, "cannot parse the Dockerfile");
	snprintf(warning, size, "[WARNING]: Empty continuation line found in:\n    %s", line);
	int r = list_add_string(&p->warnings, warning);
	free(warning);
	return r;
}

/* One instruction from the reader: its lines joined, parsed, its heredocs read. 1 when one
 * was read, 0 at the end of the file, -1 on an error. */
static int next_instruction(struct parser *p)
{
	const char *s;
	size_t length, raw_length;
	for (;;) {
		if (!read_line(&p->reader, &s, &length, &raw_length))
			return 0;
		const char *end = s + length;
		const char *content = skip_spaces(s, end);
		if (directive_line(&p->directives, content, (size_t)(end - content)) < 0)
			return fail_at(p, p->reader.line);
		if (content == end || *content == '#')
			continue; /* an empty line or a comment (a directive is one too) */
		s = content;
		length = (size_t)(end - content);
		break;
	}
	int start_line = p->reader.line;
	char escape = p->directives.escape;
	p->directives.done = true;

	struct text_builder line = { 0 };
	bool continues = strip_continuation(s, &length, escape);
	text_add(&line, s, length);
	bool empty_continuation = false;
	while (continues && read_line(&p->reader, &s, &length, &raw_length)) {
		if (is_comment(s, length))
			continue; /* comments may sit inside a continued instruction */
		if (is_empty(s, length)) {
			empty_continuation = true; /* allowed, but BuildKit warns it will not be */
			continue;
		}
		continues = strip_continuation(s, &length, escape);
		text_add(&line, s, length);
	}
	char *joined = text_take(&line);
	if (!joined)
		return -1;
	if (empty_continuation && add_warning(p, joined) < 0) {
		free(joined);
		return -1;
	}
	struct instruction *in = NULL;
	if (add_instruction(p, &in) < 0) {
		free(joined);
		return -1;
	}
	in->line = start_line;
	int r = parse_line(joined, escape, in);
	if (r == 0)
		r = read_heredocs(p, joined, in);
	in->end_line = p->reader.line;
	if (in->onbuild) {
		in->onbuild->line = in->line; /* the trigger is written on ONBUILD's lines */
		in->onbuild->end_line = in->end_line;
	}
	free(joined);
	if (r < 0)
		return fail_at(p, start_line);
	return 1;
}

int dockerfile_parse(const char *name, const char *text, size_t length, struct dockerfile *out)
{
	*out = (struct dockerfile){ .escape = '\\' };
	struct parser p = {
		.name = name ? name : "Dockerfile",
		.reader = { .text = text, .length = length },
		.directives = { .escape = '\\' },
		.out = out,
	};
	int r;
	while ((r = next_instruction(&p)) > 0)
		;
	out->escape = p.directives.escape;
	out->syntax = p.directives.syntax;
	if (r == 0 && p.warnings.count > 0)
		r = list_add_string(&p.warnings, "[WARNING]: Empty continuation lines will become errors in a future release.");
	out->warnings = p.warnings.items;
	out->warning_count = p.warnings.count;
	if (r == 0 && out->count == 0)
		r = fail_errno(0, "%s: file with no instructions", p.name);
	if (r < 0) {
		dockerfile_free(out);
		return -1;
	}
	return 0;
}

static void strings_free(char **items, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(items[i]);
	free(items);
}

static void instruction_free(struct instruction *in)
{
	free(in->keyword);
	free(in->original);
	strings_free(in->flags, in->flag_count);
	strings_free(in->args, in->arg_count);
	for (size_t i = 0; i < in->heredoc_count; i++) {
		free(in->heredocs[i].name);
		free(in->heredocs[i].content);
	}
	free(in->heredocs);
	if (in->onbuild) {
		instruction_free(in->onbuild);
		free(in->onbuild);
	}
	*in = (struct instruction){ 0 };
}

void dockerfile_free(struct dockerfile *d)
{
	for (size_t i = 0; i < d->count; i++)
		instruction_free(&d->instructions[i]);
	free(d->instructions);
	free(d->syntax);
	strings_free(d->warnings, d->warning_count);
	*d = (struct dockerfile){ .escape = '\\' };
}
