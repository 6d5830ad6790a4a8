/*
 * filters.h - Docker's --filter KEY=VALUE, as `docker ps` and `docker images` take it.
 *
 * Several filters combine as Docker's daemon combines them (its filters.Args): values of one
 * key are alternatives (status=exited --filter status=created: either), different keys must
 * all hold (status=exited --filter label=tier: both). Each command says which keys it knows
 * and how a value matches; this file keeps the set and the rule. Pure: unit-tested in
 * tests/unit/test_filters.c.
 */
#ifndef TINYDOCK_FILTERS_H
#define TINYDOCK_FILTERS_H

#include <stdbool.h>
#include <stddef.h>

struct json;

struct filter {
	char *key;
	char *value;
};

struct filters {
	struct filter *items;
	size_t count;
};

/* Add "key=value" from a --filter flag, if key is one of known (NULL-terminated). -1 with
 * Docker's words otherwise: "bad format of filter (expected name=value)", "invalid filter 'x'". */
int filters_add(struct filters *f, const char *text, const char *const *known);

/* filters_add, and for a key of docker_keys (Docker has it, tinydock not yet) the words
 * "tinydock's COMMAND does not filter on 'KEY' yet (it knows ...)". */
int filters_add_known(struct filters *f, const char *text, const char *command, const char *const *keys,
		      const char *const *docker_keys);

void filters_free(struct filters *f);

/* Is there a filter on key? */
bool filters_has(const struct filters *f, const char *key);

/* The test of one key: true when no filter has that key, or when match(value, arg) holds for
 * one of its values (the OR of a key; callers AND the keys). */
bool filters_match(const struct filters *f, const char *key, bool (*match)(const char *value, const void *arg),
		   const void *arg);

/* Docker's matching of names and ids (filters.Args.Match): the value equals text, or is a
 * regular expression found in it ("web" matches "my-web-1", "^web$" only "web"). */
bool filter_matches_text(const char *value, const void *text);

/* Docker's matching of labels (filters.Args.MatchKVList): "key" when the label is there,
 * "key=value" when it has that value. labels: a JSON object (Config.Labels), or NULL. */
bool filter_matches_label(const char *value, const void *labels);

/* --- ps ---------------------------------------------------------------------------------------- */

/* What `ps --filter` looks at in one container. */
struct container_facts {
	const char *id, *name, *image, *state, *network;
	int exit_code;
	const struct json *labels; /* Config.Labels, or NULL */
};

/* Add a filter of `ps`: id, name, label, status, ancestor, exited, network; a status must be
 * one of Docker's (created, restarting, running, removing, paused, exited, dead), exited a
 * number. */
int container_filters_add(struct filters *f, const char *text);

bool container_filters_match(const struct filters *f, const struct container_facts *c);

#endif
