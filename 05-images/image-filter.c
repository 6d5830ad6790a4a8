/*
 * image-filter.c - which images `docker images --filter` keeps (image-filter.h).
 *
 * The rules are the daemon's image list (reference.FamiliarMatch for reference=, the
 * dangling and label filters), read as a specification.
 */
#include "image-filter.h"
#include "error.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int image_filters_add(struct filters *f, const char *text)
{
	static const char *const keys[] = { "reference", "dangling", "label", NULL };
	static const char *const later[] = { "before", "since", "until", NULL };
	if (filters_add_known(f, text, "images", keys, later) < 0)
		return -1;
	const struct filter *added = &f->items[f->count - 1];
	if (strcmp(added->key, "dangling") == 0 && strcmp(added->value, "true") != 0 && strcmp(added->value, "false") != 0) {
		fail_errno(0, "invalid filter 'dangling=%s'", added->value);
		free(f->items[f->count - 1].key);
		free(f->items[f->count - 1].value);
		f->count--;
		return -1;
	}
	return 0;
}

/* The pattern against "repo:tag", then against "repo" (reference.FamiliarMatch). */
static bool reference_matches(const char *pattern, const void *arg)
{
	const char *name = arg;
	if (!name[0])
		return false; /* an untagged image has no reference to match */
	if (fnmatch(pattern, name, FNM_PATHNAME) == 0)
		return true;
	char repository[600];
	const char *slash = strrchr(name, '/'), *colon = strrchr(slash ? slash : name, ':');
	snprintf(repository, sizeof(repository), "%.*s", colon ? (int)(colon - name) : (int)strlen(name), name);
	return fnmatch(pattern, repository, FNM_PATHNAME) == 0;
}

static bool dangling_is(const char *value, const void *arg)
{
	const char *name = arg;
	return (strcmp(value, "true") == 0) == (name[0] == '\0');
}

bool image_filters_match(const struct filters *f, const struct image_facts *image)
{
	return filters_match(f, "reference", reference_matches, image->name) &&
	       filters_match(f, "dangling", dangling_is, image->name) &&
	       filters_match(f, "label", filter_matches_label, image->labels);
}
