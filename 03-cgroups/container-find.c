/*
 * container-find.c - a name, an id or an id prefix to the container's id (see container-find.h).
 *
 * Containers are the folders named by 64 hex digits under $TINYDOCK_ROOT/containers; their
 * names are in their records. A record that cannot be read (a container half made or half
 * removed by another process) leaves that container findable by its id only.
 */
#include "container-find.h"
#include "container-store.h"
#include "error.h"
#include "names.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- finding containers ------------------------------------------------------------------- */

int container_resolve_among(const char *ref, const char *const *ids, const char *const *names, size_t count)
{
	/* Docker's order: a full id, then a name, then an id prefix (which must be unique). */
	for (size_t i = 0; i < count; i++)
		if (strcmp(ids[i], ref) == 0)
			return (int)i;
	const char *name = ref[0] == '/' ? ref + 1 : ref;
	for (size_t i = 0; i < count; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return (int)i;
	int match = -1;
	if (*ref && looks_like_id_prefix(ref))
		for (size_t i = 0; i < count; i++)
			if (strncmp(ids[i], ref, strlen(ref)) == 0) {
				if (match >= 0)
					return fail_errno(0, "multiple IDs found with provided prefix: %s", ref);
				match = (int)i;
			}
	if (match < 0)
		return fail_errno(0, "No such container: %s", ref);
	return match;
}

int container_resolve(const char *ref, char id[CONTAINER_ID_LENGTH + 1])
{
	char **ids;
	size_t count;
	if (container_list(&ids, &count) < 0)
		return -1;
	const char **names = calloc(count + 1, sizeof(*names));
	struct container_record *records = calloc(count + 1, sizeof(*records));
	int rc = -1;
	if (!names || !records) {
		fail_errno(ENOMEM, "cannot look up \"%s\"", ref);
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		if (container_record_load(ids[i], &records[i]) == 0)
			names[i] = records[i].name;
		else
			error_clear(); /* half made or half removed: findable by id only */
	}
	int index = container_resolve_among(ref, (const char *const *)ids, names, count);
	if (index >= 0) {
		snprintf(id, CONTAINER_ID_LENGTH + 1, "%s", ids[index]);
		rc = 0;
	}
out:
	for (size_t i = 0; records && i < count; i++)
		container_record_free(&records[i]);
	free(records);
	free(names);
	container_list_free(ids, count);
	return rc;
}

static bool is_container_id(const char *name)
{
	return strlen(name) == CONTAINER_ID_LENGTH && looks_like_id_prefix(name);
}

int container_list(char ***ids, size_t *count)
{
	*ids = NULL;
	*count = 0;
	char dir[PATH_MAX];
	container_dir("", dir, sizeof(dir));
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : fail_sys("cannot list the containers in \"%s\"", dir);
	size_t size = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_container_id(e->d_name))
			continue;
		if (*count == size) {
			size = size ? size * 2 : 16;
			char **bigger = realloc(*ids, size * sizeof(**ids));
			if (!bigger)
				goto nomem;
			*ids = bigger;
		}
		if (!((*ids)[*count] = strdup(e->d_name)))
			goto nomem;
		(*count)++;
	}
	closedir(d);
	return 0;
nomem:
	closedir(d);
	container_list_free(*ids, *count);
	*ids = NULL;
	*count = 0;
	return fail_errno(ENOMEM, "cannot list the containers");
}

void container_list_free(char **ids, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(ids[i]);
	free(ids);
}
