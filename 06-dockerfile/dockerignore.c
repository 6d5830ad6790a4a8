/*
 * dockerignore.c - leaving files out of a build context, as Docker reads a .dockerignore
 * (the Dockerfile reference, ".dockerignore file"; moby/patternmatcher's semantics).
 *
 *     # comment                 a line starting with '#' is a comment
 *     *.log                     '*' any run of characters but '/'; '?' one; [a-z] a class
 *     **.log                    '**' any number of folders too, none included (as an element
 *                               of its own, it stands for zero or more folders)
 *     docs/                     paths are cleaned first: "docs/", "./docs" and "/docs" are "docs"
 *     !docs/README.md           '!': an exception, put back what an earlier line left out
 *
 * A path is left out when the last line that matches it, or one of its parent folders, is not
 * an exception: "last match wins". A pattern matches a whole path, never a part of a name
 * ("doc" does not match "docs"), but matching a folder covers everything inside it.
 */
#include "dockerignore.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Clean a path lexically as Go's path.Clean does: one '/' between elements, no "." elements,
 * ".." removing the element before it (and dropped at the root), no trailing '/'; "" is ".".
 * In place; the result is never longer.
 */
static void clean_path(char *path)
{
	bool rooted = path[0] == '/';
	char *out = path;
	const char *in = path;
	size_t keep = 0; /* out[0..keep) cannot be removed by ".." (the root, or leading ".."s) */
	if (rooted) {
		*out++ = '/';
		in++;
		keep = 1;
	}
	size_t length = (size_t)(out - path);
	while (*in) {
		if (*in == '/') {
			in++;
		} else if (in[0] == '.' && (in[1] == '/' || in[1] == '\0')) {
			in++;
		} else if (in[0] == '.' && in[1] == '.' && (in[2] == '/' || in[2] == '\0')) {
			in += 2;
			if (length > keep) {
				/* remove the last element */
				while (length > keep && path[length - 1] != '/')
					length--;
				if (length > keep)
					length--; /* its separator */
			} else if (!rooted) {
				if (length > 0)
					path[length++] = '/';
				path[length++] = '.';
				path[length++] = '.';
				keep = length;
			}
		} else {
			if ((rooted && length != 1) || (!rooted && length != 0))
				path[length++] = '/';
			while (*in && *in != '/')
				path[length++] = *in++;
		}
		out = path + length;
	}
	if (length == 0)
		path[length++] = '.';
	path[length] = '\0';
}

/*
 * Does the bracket expression at p (after '[') match c? *after is set past its ']'.
 * "[^...]" negates; "a-z" is a range; '\' escapes the next character. -1 when malformed.
 */
static int match_class(const char *p, char c, const char **after)
{
	bool negate = *p == '^';
	if (negate)
		p++;
	bool matched = false;
	bool first = true;
	for (;;) {
		if (*p == '\0')
			return -1;
		if (*p == ']' && !first)
			break;
		first = false;
		char low = *p++;
		if (low == '\\') {
			if (*p == '\0')
				return -1;
			low = *p++;
		}
		char high = low;
		if (*p == '-' && p[1] != ']' && p[1] != '\0') {
			p++;
			high = *p++;
			if (high == '\\') {
				if (*p == '\0')
					return -1;
				high = *p++;
			}
		}
		if ((unsigned char)c >= (unsigned char)low && (unsigned char)c <= (unsigned char)high)
			matched = true;
	}
	*after = p + 1;
	return matched != negate;
}

/* Does pattern match all of path? (The regular expression patternmatcher builds, by hand.) */
static bool match(const char *p, const char *s)
{
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			if (*p == '/')
				p++;
			if (*p == '\0')
				return true; /* "**" at the end: anything */
			/* "**" then more: any number of whole folders (none included), then the rest */
			if (match(p, s))
				return true;
			for (const char *q = s; *q; q++)
				if (*q == '/' && match(p, q + 1))
					return true;
			return false;
		}
		if (*p == '*') {
			p++;
			for (const char *q = s;; q++) {
				if (match(p, q))
					return true;
				if (*q == '\0' || *q == '/')
					return false;
			}
		}
		if (*s == '\0')
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
			p++, s++;
			continue;
		}
		if (*p == '[') {
			const char *after;
			if (match_class(p + 1, *s, &after) != 1)
				return false;
			p = after, s++;
			continue;
		}
		if (*p == '\\' && p[1])
			p++;
		if (*p != *s)
			return false;
		p++, s++;
	}
	return *s == '\0';
}

/* Is the pattern well formed (every '[' closed)? Docker refuses the file otherwise. */
static bool pattern_valid(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			const char *after;
			if (match_class(p + 1, 'a', &after) < 0)
				return false;
			p = after - 1;
		}
	}
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* [s, end) without blanks at either end. */
static void trim(const char **s, const char **end)
{
	while (*s < *end && is_space(**s))
		(*s)++;
	while (*end > *s && is_space((*end)[-1]))
		(*end)--;
}

static int add_pattern(struct ignore_rules *rules, const char *s, const char *end, int line)
{
	bool exception = false;
	if (*s == '!') {
		exception = true;
		s++;
		trim(&s, &end);
		if (s == end)
			return fail_errno(0, ".dockerignore line %d: illegal exclusion pattern: \"!\"", line);
	}
	char *pattern = strndup(s, (size_t)(end - s));
	if (!pattern)
		return fail_errno(ENOMEM, "cannot read .dockerignore");
	clean_path(pattern);
	if (pattern[0] == '/' && pattern[1] != '\0')
		memmove(pattern, pattern + 1, strlen(pattern)); /* relative to the context */
	if (!pattern_valid(pattern)) {
		fail_errno(0, ".dockerignore line %d: syntax error in pattern \"%s\"", line, pattern);
		free(pattern);
		return -1;
	}
	struct ignore_pattern *grown = realloc(rules->patterns, (rules->count + 1) * sizeof(*grown));
	if (!grown) {
		free(pattern);
		return fail_errno(ENOMEM, "cannot read .dockerignore");
	}
	rules->patterns = grown;
	rules->patterns[rules->count++] = (struct ignore_pattern){ pattern, exception };
	return 0;
}

int ignore_rules_parse(const char *text, size_t length, struct ignore_rules *rules)
{
	*rules = (struct ignore_rules){ 0 };
	const char *p = text, *end = text + length;
	if (length >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3; /* a UTF-8 byte order mark */
	for (int line = 1; p < end; line++) {
		const char *newline = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = newline ? newline : end;
		const char *s = p, *e = line_end;
		p = newline ? newline + 1 : end;
		if (s < e && *s == '#')
			continue; /* a comment only when '#' is the very first character */
		trim(&s, &e);
		if (s == e)
			continue;
		if (add_pattern(rules, s, e, line) < 0) {
			ignore_rules_free(rules);
			return -1;
		}
	}
	return 0;
}

void ignore_rules_free(struct ignore_rules *rules)
{
	for (size_t i = 0; i < rules->count; i++)
		free(rules->patterns[i].pattern);
	free(rules->patterns);
	*rules = (struct ignore_rules){ 0 };
}

/* Does pattern match path or one of the folders above it? */
static bool matches_or_parent_matches(const char *pattern, const char *path)
{
	if (match(pattern, path))
		return true;
	size_t length = strlen(path);
	char *prefix = malloc(length + 1);
	if (!prefix)
		return false;
	memcpy(prefix, path, length + 1);
	bool found = false;
	for (size_t i = 0; i < length && !found; i++) {
		if (path[i] != '/')
			continue;
		prefix[i] = '\0';
		found = match(pattern, prefix);
		prefix[i] = '/';
	}
	free(prefix);
	return found;
}

bool ignore_rules_exclude(const struct ignore_rules *rules, const char *path)
{
	bool excluded = false;
	for (size_t i = 0; i < rules->count; i++) {
		const struct ignore_pattern *rule = &rules->patterns[i];
		/* only a rule that could change the answer needs to be tried */
		if (rule->exception != excluded)
			continue;
		if (matches_or_parent_matches(rule->pattern, path))
			excluded = !rule->exception;
	}
	return excluded;
}

/* Does the one-element pattern [p, p_end) match the element [s, s_end)? */
static bool element_matches(const char *p, size_t p_length, const char *s, size_t s_length)
{
	char *pattern = strndup(p, p_length), *element = strndup(s, s_length);
	bool matched = pattern && element && match(pattern, element);
	free(pattern);
	free(element);
	return matched;
}

/*
 * Can an exception match folder or something under it? Compare the exception's elements with
 * the folder's, one by one: a '**' may match anything, an element that fails means no;
 * an exception longer than the folder may match inside it; one that ends at or above the folder
 * matches the folder itself or a parent, and so everything in it. When in doubt, yes: a walk
 * that looks into a folder for nothing costs time, a skipped one loses files.
 */
bool ignore_rules_may_include_under(const struct ignore_rules *rules, const char *folder)
{
	for (size_t i = 0; i < rules->count; i++) {
		if (!rules->patterns[i].exception)
			continue;
		const char *p = rules->patterns[i].pattern;
		const char *f = folder;
		bool possible = true;
		while (possible) {
			if (*p == '\0' || *f == '\0')
				break; /* the exception ends at or above the folder, or goes deeper */
			const char *p_end = strchr(p, '/'), *f_end = strchr(f, '/');
			if (!p_end)
				p_end = p + strlen(p);
			if (!f_end)
				f_end = f + strlen(f);
			if (memmem(p, (size_t)(p_end - p), "**", 2))
				break;
			if (!element_matches(p, (size_t)(p_end - p), f, (size_t)(f_end - f)))
				possible = false;
			p = *p_end ? p_end + 1 : p_end;
			f = *f_end ? f_end + 1 : f_end;
		}
		if (possible)
			return true;
	}
	return false;
}
