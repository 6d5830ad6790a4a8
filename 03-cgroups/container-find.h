/*
 * container-find.h - finding a container by what a user types: a name, an id, an id prefix.
 *
 * `docker stop web`, `docker stop 4f2a` and `docker stop 4f2a1c...` (all 64 digits) name the
 * same container. Docker tries them in that order: a full id, then a name, then a prefix, which
 * must be unique ("multiple IDs found with provided prefix"). The decision is pure
 * (container_resolve_among), so it is tested on made-up pairs; container_resolve applies it
 * to the containers on disk.
 */
#ifndef TINYDOCK_CONTAINER_FIND_H
#define TINYDOCK_CONTAINER_FIND_H

#include <stddef.h>

#include "container.h"

/* A name, a full id or a unique id prefix -> the full id. Errors as Docker words them:
 * "No such container: web", "multiple IDs found with provided prefix: 4f". */
int container_resolve(const char *ref, char id[CONTAINER_ID_LENGTH + 1]);

/* Pure: the same decision, over known (id, name) pairs. Returns the index, or -1 with the message. */
int container_resolve_among(const char *ref, const char *const *ids, const char *const *names, size_t count);

/* Every container's id (malloc'd array of malloc'd strings; free with container_list_free). */
int container_list(char ***ids, size_t *count);
void container_list_free(char **ids, size_t count);

#endif
