/*
 * dockerignore.h - which files of a build context are left out (.dockerignore), as Docker's
 * patternmatcher reads them: one pattern per line, `#` comments, paths cleaned and relative to
 * the context, `*` `?` `[...]` within one path element, `**` across any number of them, `!` for
 * an exception, the last matching line wins; a folder that is excluded excludes what is in it
 * unless an exception may match inside. Pure.
 */
#ifndef TINYDOCK_DOCKERIGNORE_H
#define TINYDOCK_DOCKERIGNORE_H

#include <stdbool.h>
#include <stddef.h>

struct ignore_pattern {
	char *pattern;  /* cleaned, without the leading '!' */
	bool exception; /* it began with '!' */
};

struct ignore_rules {
	struct ignore_pattern *patterns;
	size_t count;
};

/* Parse the text of a .dockerignore into *rules. 0, or -1 with a message naming the line. */
int ignore_rules_parse(const char *text, size_t length, struct ignore_rules *rules);
void ignore_rules_free(struct ignore_rules *rules);

/* Is path (relative to the context, '/'-separated, no leading "./") left out of the context? */
bool ignore_rules_exclude(const struct ignore_rules *rules, const char *path);

/* Can an exception match something under folder (so an excluded folder must still be walked)? */
bool ignore_rules_may_include_under(const struct ignore_rules *rules, const char *folder);

#endif
