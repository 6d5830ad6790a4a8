/*
 * dockerignore.c - leaving files out of a build context, as Docker reads a .dockerignore
 * (the Dockerfile reference, ".dockerignore file"; moby/patternmatcher's semantics).
 *
 *     # comment                 a line starting with '#' is a comment
 *     *.log                     '*' any run of characters but '/'; '?' one; [a-z] a class
 *     **.log                    '**' crosses folders too: any file ending in ".log"; as an
 *                               element of its own it stands for zero or more folders
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
 * In place; the result is never longer, but for "" which becomes ".".
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

/*
 * A pattern, compiled to the steps of the regular expression patternmatcher would build, and
 * matched by following every possible position in the pattern at once (Thompson's
 * construction): time proportional to the pattern's length times the path's, whatever the
 * stars. Trying each way a star can match one after the other is exponential: a line of
 * forty '*' would hang the build (found by fuzzing).
 */
enum step_kind {
	STEP_CHARACTER, /* one given character ('\' escapes the next pattern character) */
	STEP_ANY,       /* '?': one character but '/' */
	STEP_CLASS,     /* "[...]": one character of the class */
	STEP_STAR,      /* '*': any run of characters but '/' */
	STEP_FOLDERS,   /* "**" before more pattern: nothing, or anything that ends in '/' */
	STEP_REST,      /* "**" at the end: anything */
};

struct step {
	enum step_kind kind;
	char character;
	const char *class; /* after the '[' */
};

/* The steps of pattern into steps (room for strlen(pattern) of them); their count, or -1 when
 * a class is not closed. */
static int compile(const char *p, struct step *steps)
{
	int n = 0;
	while (*p) {
		struct step *step = &steps[n++];
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			if (*p == '/')
				p++;
			step->kind = *p ? STEP_FOLDERS : STEP_REST;
		} else if (*p == '*') {
			step->kind = STEP_STAR;
			p++;
		} else if (*p == '?') {
			step->kind = STEP_ANY;
			p++;
		} else if (*p == '[') {
			const char *after;
			if (match_class(p + 1, 'a', &after) < 0)
				return -1;
			step->kind = STEP_CLASS;
			step->class = p + 1;
			p = after;
		} else {
			if (*p == '\\' && p[1])
				p++;
			step->kind = STEP_CHARACTER;
			step->character = *p++;
		}
	}
	return n;
}

/* Add position i, and every position reachable from it without a character, to the set.
 * at[i]: the match may stand before step i; inside[i]: it is inside STEP_FOLDERS i, after a
 * character that was not '/' (so it cannot leave yet). */
static void reach(const struct step *steps, int n, bool *at, int i)
{
	while (i <= n && !at[i]) {
		at[i] = true;
		if (i == n || (steps[i].kind != STEP_STAR && steps[i].kind != STEP_FOLDERS && steps[i].kind != STEP_REST))
			return;
		i++; /* these steps may match nothing */
	}
}

/* Does pattern match all of path? */
static bool match(const char *pattern, const char *path)
{
	size_t length = strlen(pattern);
	struct step *steps = malloc((length + 1) * sizeof(*steps));
	bool *sets = calloc(4 * (length + 1), sizeof(bool));
	int n = steps && sets ? compile(pattern, steps) : -1;
	bool matched = false;
	if (n >= 0) {
		bool *at = sets, *inside = sets + (length + 1);
		bool *next_at = sets + 2 * (length + 1), *next_inside = sets + 3 * (length + 1);
		reach(steps, n, at, 0);
		for (const char *s = path; *s; s++) {
			memset(next_at, 0, (size_t)(n + 1) * sizeof(bool));
			memset(next_inside, 0, (size_t)(n + 1) * sizeof(bool));
			const char *after;
			for (int i = 0; i < n; i++) {
				if (!at[i] && !inside[i])
					continue;
				const struct step *step = &steps[i];
				switch (step->kind) {
				case STEP_CHARACTER:
					if (at[i] && *s == step->character)
						reach(steps, n, next_at, i + 1);
					break;
				case STEP_ANY:
					if (at[i] && *s != '/')
						reach(steps, n, next_at, i + 1);
					break;
				case STEP_CLASS:
					if (at[i] && match_class(step->class, *s, &after) == 1)
						reach(steps, n, next_at, i + 1);
					break;
				case STEP_STAR:
					if (*s != '/')
						reach(steps, n, next_at, i);
					break;
				case STEP_FOLDERS:
					if (*s == '/')
						reach(steps, n, next_at, i); /* a folder ended: may go on */
					else
						next_inside[i] = true;
					break;
				case STEP_REST:
					reach(steps, n, next_at, i);
					break;
				}
			}
			bool *swap = at;
			at = next_at, next_at = swap;
			swap = inside;
			inside = next_inside, next_inside = swap;
		}
		matched = at[n];
	}
	free(steps);
	free(sets);
	return matched;
}

/* Does the pattern hold anything but literal characters? */
static bool has_wildcards(const char *p)
{
	for (; *p; p++)
		if (*p == '*' || *p == '?' || *p == '[' || *p == ']' || (*p == '\\' && p[1]))
			return true;
	return false;
}

/*
 * Does pattern match path? One special case first, as patternmatcher has it: a pattern that is
 * "**" followed by literal text is a plain suffix test, so "**.log" leaves out every file whose
 * name ends in ".log", at any depth, and "**" + "/cache" matches "cache" too.
 */
static bool pattern_matches(const char *pattern, const char *path)
{
	if (pattern[0] == '*' && pattern[1] == '*' && !has_wildcards(pattern + 2)) {
		const char *suffix = pattern + 2;
		size_t suffix_length = strlen(suffix), path_length = strlen(path);
		if (path_length >= suffix_length && strcmp(path + path_length - suffix_length, suffix) == 0)
			return true;
		return suffix[0] == '/' && strcmp(path, suffix + 1) == 0;
	}
	return match(pattern, path);
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
	/* room for clean_path's "." when the pattern cleans to nothing (or holds a NUL byte) */
	char *pattern = calloc(1, (size_t)(end - s) + 2);
	if (!pattern)
		return fail_errno(ENOMEM, "cannot read .dockerignore");
	memcpy(pattern, s, (size_t)(end - s));
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
	if (pattern_matches(pattern, path))
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
		found = pattern_matches(pattern, prefix);
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
