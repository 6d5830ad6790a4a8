/*
 * volume-store.h - the `local` volume driver: named folders under the state root that outlive
 * every container (volume-store.c).
 */
#ifndef TINYDOCK_VOLUME_STORE_H
#define TINYDOCK_VOLUME_STORE_H

#include "container.h"
#include "volume-flags.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* What `volume inspect` shows of one volume. */
struct volume_info {
	char name[VOLUME_NAME_MAX + 1];
	char created_at[64];       /* CreatedAt, RFC 3339 */
	char mountpoint[PATH_MAX]; /* Mountpoint: $TINYDOCK_ROOT/volumes/NAME/_data */
	bool anonymous;            /* Labels: com.docker.volume.anonymous */
};

/* $TINYDOCK_ROOT/volumes/NAME/_data into path. */
void volume_data_path(const char *name, char *path, size_t size);

/* Make volume name (a random 64-hex name into name when it is ""), or use it if it exists.
 * *created says which. 0, or -1 with the message. */
int volume_create(char name[VOLUME_NAME_MAX + 1], bool anonymous, bool *created);

/* Read one volume's facts. 0, or -1 ("get NAME: no such volume"). */
int volume_load(const char *name, struct volume_info *info);

/* Every volume's name, sorted; free with volume_list_free. 0, or -1. */
int volume_list(char ***names, size_t *count);
void volume_list_free(char **names, size_t count);

/* The ids of the containers (running or not) whose record mounts volume name, into ids
 * (at most size; *count is the total). 0, or -1. */
int volume_users(const char *name, char (*ids)[CONTAINER_ID_LENGTH + 1], size_t size, size_t *count);

/* Remove volume name, refused while a container other than except (NULL: any) uses it
 * ("remove NAME: volume is in use - [ID]"). */
int volume_remove(const char *name, const char *except);

#endif
