/*
 * filters.c - Docker's --filter, and what `ps` filters on.
 *
 * The rules are the daemon's (its filters package and the container list's filters, read as
 * a specification): a key's values are alternatives, keys are all required; names and ids match
 * as regular expressions (POSIX extended ones here, regcomp(3); Go's RE2 reads the simple ones
 * the same way); labels as "key" or "key=value". `docker ps --filter status=exited` shows the
 * stopped containers without -a: a status filter asks for all of them (an exited filter does
 * not: `docker ps -a --filter exited=0`). Both are checked against Docker in test_format.c.
 */
#include "filters.h"
#include "error.h"
#include "json.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int filters_add(struct filters *f, const char *text, const char *const *known)
{
	const char *equals = strchr(text, '=');
	if (!equals)
		return fail_errno(0, "invalid argument \"%s\" for \"-f, --filter\" flag: bad format of filter (expected name=value)",
				  text);
	size_t key_length = (size_t)(equals - text);
	bool is_known = false;
	for (size_t i = 0; known[i] && !is_known; i++)
		is_known = strlen(known[i]) == key_length && strncmp(known[i], text, key_length) == 0;
	if (!is_known)
		return fail_errno(0, "invalid filter '%.*s'", (int)key_length, text);
	struct filter *bigger = realloc(f->items, (f->count + 1) * sizeof(*bigger));
	if (!bigger)
		return fail_errno(ENOMEM, "cannot add the filter \"%s\"", text);
	f->items = bigger;
	struct filter *added = &f->items[f->count];
	added->key = strndup(text, key_length);
	added->value = strdup(equals + 1);
	if (!added->key || !added->value) {
		free(added->key);
		free(added->value);
		return fail_errno(ENOMEM, "cannot add the filter \"%s\"", text);
	}
	f->count++;
	return 0;
}

void filters_free(struct filters *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->items[i].key);
		free(f->items[i].value);
	}
	free(f->items);
	f->items = NULL;
	f->count = 0;
}

bool filters_has(const struct filters *f, const char *key)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->items[i].key, key) == 0)
			return true;
	return false;
}

bool filters_match(const struct filters *f, const char *key, bool (*match)(const char *value, const void *arg),
		   const void *arg)
{
	bool any = false;
	for (size_t i = 0; i < f->count; i++) {
		if (strcmp(f->items[i].key, key) != 0)
			continue;
		if (match(f->items[i].value, arg))
			return true;
		any = true;
	}
	return !any;
}

bool filter_matches_text(const char *value, const void *arg)
{
	const char *text = arg;
	if (!text)
		return false;
	if (strcmp(value, text) == 0)
		return true;
	regex_t re;
	if (regcomp(&re, value, REG_EXTENDED | REG_NOSUB) != 0)
		return false; /* Docker: a value that is no expression matches only itself */
	bool found = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return found;
}

bool filter_matches_label(const char *value, const void *arg)
{
	const struct json *labels = arg;
	const char *equals = strchr(value, '=');
	char key[512];
	snprintf(key, sizeof(key), "%.*s", equals ? (int)(equals - value) : (int)strlen(value), value);
	const struct json *label = json_get(labels, key);
	if (!label)
		return false;
	return !equals || (json_string(label) && strcmp(json_string(label), equals + 1) == 0);
}

/* --- ps ---------------------------------------------------------------------------------------- */

static const char *const container_states[] = { "created", "restarting", "running", "removing", "paused", "exited", "dead", NULL };

/* A key Docker knows and tinydock does not is said so, rather than called invalid. */
static int not_yet(const char *text, const char *command, const char *const *docker_keys, const char *known)
{
	size_t length = strcspn(text, "=");
	for (size_t i = 0; docker_keys[i]; i++)
		if (strlen(docker_keys[i]) == length && strncmp(docker_keys[i], text, length) == 0)
			return fail_errno(0, "tinydock's %s does not filter on '%.*s' yet (it knows %s)", command, (int)length,
					  text, known);
	return 0;
}

int filters_add_known(struct filters *f, const char *text, const char *command, const char *const *keys,
		      const char *const *docker_keys)
{
	char known[256] = "";
	for (size_t i = 0, used = 0; keys[i] && used < sizeof(known); i++)
		used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "", keys[i]);
	if (strchr(text, '=') && not_yet(text, command, docker_keys, known) < 0)
		return -1;
	return filters_add(f, text, keys);
}

int container_filters_add(struct filters *f, const char *text)
{
	static const char *const keys[] = { "id", "name", "label", "status", "ancestor", "exited", "network", NULL };
	static const char *const later[] = { "before", "since", "volume", "health", "publish", "expose", "isolation", "is-task", NULL };
	if (filters_add_known(f, text, "ps", keys, later) < 0)
		return -1;
	const struct filter *added = &f->items[f->count - 1];
	bool valid = true;
	if (strcmp(added->key, "status") == 0) {
		valid = false;
		for (size_t i = 0; container_states[i]; i++)
			valid = valid || strcmp(added->value, container_states[i]) == 0;
	} else if (strcmp(added->key, "exited") == 0) {
		char *end;
		errno = 0;
		long code = strtol(added->value, &end, 10);
		valid = added->value[0] && !*end && errno == 0 && code >= 0 && code <= 255;
	}
	if (!valid) {
		fail_errno(0, "invalid filter '%s=%s'", added->key, added->value);
		free(f->items[f->count - 1].key);
		free(f->items[f->count - 1].value);
		f->count--;
		return -1;
	}
	return 0;
}

static bool name_matches(const char *value, const void *arg)
{
	const char *name = arg;
	char slashed[256]; /* Docker's names start with "/": "^/web$" and "^web$" both find web */
	snprintf(slashed, sizeof(slashed), "/%s", name);
	return filter_matches_text(value, name) || filter_matches_text(value, slashed);
}

static bool equals(const char *value, const void *arg)
{
	return arg && strcmp(value, (const char *)arg) == 0;
}

/* An image as `run` named it: "busybox" is "busybox:latest". */
static bool image_matches(const char *value, const void *arg)
{
	const char *image = arg;
	if (!image)
		return false;
	if (strcmp(value, image) == 0)
		return true;
	size_t v = strlen(value), i = strlen(image);
	const char *v_slash = strrchr(value, '/'), *i_slash = strrchr(image, '/');
	bool value_tagged = strchr(v_slash ? v_slash : value, ':') || strchr(value, '@');
	bool image_tagged = strchr(i_slash ? i_slash : image, ':') || strchr(image, '@');
	if (!value_tagged && image_tagged)
		return i == v + 7 && strncmp(image, value, v) == 0 && strcmp(image + v, ":latest") == 0;
	if (value_tagged && !image_tagged)
		return v == i + 7 && strncmp(value, image, i) == 0 && strcmp(value + i, ":latest") == 0;
	return false;
}

static bool exit_code_is(const char *value, const void *arg)
{
	const struct container_facts *c = arg;
	return strcmp(c->state, "exited") == 0 && atoi(value) == c->exit_code;
}

bool container_filters_match(const struct filters *f, const struct container_facts *c)
{
	return filters_match(f, "id", filter_matches_text, c->id) && filters_match(f, "name", name_matches, c->name) &&
	       filters_match(f, "label", filter_matches_label, c->labels) && filters_match(f, "status", equals, c->state) &&
	       filters_match(f, "ancestor", image_matches, c->image) && filters_match(f, "exited", exit_code_is, c) &&
	       filters_match(f, "network", equals, c->network);
}
