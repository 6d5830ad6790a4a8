/*
 * volume-store.c - the `local` volume driver: data that outlives containers and their layers.
 *
 * A container's writable layer goes when the container goes (`rm`), and an image's layers never
 * change. Data that must last (a database's files, a site's uploads) lives in a volume: a
 * folder that tinydock manages apart from any container and binds into those that ask for it.
 * Docker's local driver keeps volume NAME in /var/lib/docker/volumes/NAME/_data; so do we,
 * under the state root:
 *
 *   $TINYDOCK_ROOT/volumes/NAME/_data         what the container sees at its target
 *   $TINYDOCK_ROOT/volumes/NAME/volume.json   CreatedAt and Labels (Docker keeps them in its
 *                                             metadata.db); an anonymous volume is labelled
 *                                             com.docker.volume.anonymous, as Docker 23 does,
 *                                             which is what `rm -v` and `volume prune` look for
 *
 * `_data` one level down keeps the driver's own files out of what the container sees. A volume
 * is made once (mkdir(2) of NAME is the atomic "first one wins"), used by any number of
 * containers, and removed only when no container's record names it: a stopped container
 * counts, since `start` would bind it again.
 *
 * Next: volume-run.c (a container's volumes) and volume-commands.c (`tinydock volume`).
 */
#include "volume-store.h"
#include "container-find.h"
#include "container-store.h"
#include "error.h"
#include "files.h"
#include "json.h"
#include "timestamp.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ANONYMOUS_LABEL "com.docker.volume.anonymous"

static void volumes_dir(char *path, size_t size)
{
	snprintf(path, size, "%s/volumes", state_root());
}

static void volume_dir(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/volumes/%s", state_root(), name);
}

void volume_data_path(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/volumes/%s/_data", state_root(), name);
}

static int write_metadata(const char *name, bool anonymous)
{
	char path[PATH_MAX], created[TIMESTAMP_SIZE];
	timestamp_format(timestamp_now(), created);
	struct json *doc = json_new_object(), *labels = json_new_object();
	bool ok = doc && labels && json_add_string(doc, "CreatedAt", created) &&
		  (!anonymous || json_add_string(labels, ANONYMOUS_LABEL, "")) && json_add(doc, "Labels", labels);
	if (!ok && !doc)
		json_free(labels);
	char *text = ok ? json_write(doc, 2, NULL) : NULL;
	json_free(doc);
	if (!text)
		return fail_errno(ENOMEM, "cannot describe volume %s", name);
	snprintf(path, sizeof(path), "%s/volumes/%s/volume.json", state_root(), name);
	int rc = write_file_atomic(path, text, strlen(text), 0644);
	free(text);
	return rc;
}

int volume_create(char name[VOLUME_NAME_MAX + 1], bool anonymous, bool *created)
{
	*created = false;
	if (!name[0]) {
		char id[CONTAINER_ID_LENGTH + 1];
		if (make_container_id(id) < 0)
			return -1;
		snprintf(name, VOLUME_NAME_MAX + 1, "%s", id);
	} else if (!volume_name_valid(name)) {
		return fail_errno(EINVAL, "create %s: \"%s\" includes invalid characters for a local volume name, only "
					  "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed",
				  name, name);
	}
	char path[PATH_MAX];
	volumes_dir(path, sizeof(path));
	if (make_dirs(path, 0701) < 0)
		return -1;
	volume_dir(name, path, sizeof(path));
	if (mkdir(path, 0701) < 0) {
		if (errno != EEXIST)
			return fail_sys("cannot create volume %s", name);
		volume_data_path(name, path, sizeof(path));
		return is_directory(path) ? 0 : fail_errno(EEXIST, "volume %s is half made: remove %s", name, path);
	}
	/* _data last: a volume with its _data is complete (metadata first). */
	volume_data_path(name, path, sizeof(path));
	if (write_metadata(name, anonymous) < 0 || mkdir(path, 0755) < 0) {
		int err = errno;
		volume_dir(name, path, sizeof(path));
		remove_tree(path);
		return fail_errno(err, "cannot create volume %s", name);
	}
	*created = true;
	return 0;
}

int volume_load(const char *name, struct volume_info *info)
{
	memset(info, 0, sizeof(*info));
	char path[PATH_MAX];
	volume_data_path(name, path, sizeof(path));
	if (!volume_name_valid(name) || !is_directory(path))
		return fail_errno(0, "get %s: no such volume", name);
	snprintf(info->name, sizeof(info->name), "%s", name);
	snprintf(info->mountpoint, sizeof(info->mountpoint), "%s", path);
	snprintf(path, sizeof(path), "%s/volumes/%s/volume.json", state_root(), name);
	struct json *doc = json_parse_file(path);
	if (!doc)
		return fail_context("volume %s", name);
	const char *created = json_get_string(doc, "CreatedAt");
	snprintf(info->created_at, sizeof(info->created_at), "%s", created ? created : "");
	info->anonymous = json_get(json_get(doc, "Labels"), ANONYMOUS_LABEL) != NULL;
	json_free(doc);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void volume_list_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int volume_list(char ***names, size_t *count)
{
	*names = NULL;
	*count = 0;
	char path[PATH_MAX];
	volumes_dir(path, sizeof(path));
	DIR *dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : fail_sys("cannot list \"%s\"", path);
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(dir));) {
		char data[PATH_MAX];
		volume_data_path(e->d_name, data, sizeof(data));
		if (!volume_name_valid(e->d_name) || !is_directory(data))
			continue;
		char **more = realloc(*names, (*count + 1) * sizeof(*more));
		char *copy = strdup(e->d_name);
		if (more)
			*names = more;
		if (!more || !copy) {
			free(copy);
			rc = fail_errno(ENOMEM, "cannot list the volumes");
			break;
		}
		(*names)[(*count)++] = copy;
	}
	closedir(dir);
	if (rc < 0) {
		volume_list_free(*names, *count);
		*names = NULL;
		*count = 0;
		return -1;
	}
	if (*count)
		qsort(*names, *count, sizeof(**names), compare_names);
	return 0;
}

int volume_users(const char *name, char (*ids)[CONTAINER_ID_LENGTH + 1], size_t size, size_t *count)
{
	char **all;
	size_t total;
	*count = 0;
	if (container_list(&all, &total) < 0)
		return -1;
	for (size_t i = 0; i < total; i++) {
		struct container_record r;
		if (container_record_load(all[i], &r) < 0) {
			error_clear(); /* removed meanwhile */
			continue;
		}
		bool uses = false;
		for (size_t m = 0; m < r.mount_count && !uses; m++)
			uses = strcmp(r.mounts[m].type, "volume") == 0 && strcmp(r.mounts[m].name, name) == 0;
		if (uses && *count < size)
			snprintf(ids[*count], sizeof(ids[0]), "%s", r.id);
		*count += uses;
		container_record_free(&r);
	}
	container_list_free(all, total);
	return 0;
}

int volume_remove(const char *name, const char *except)
{
	struct volume_info info;
	if (volume_load(name, &info) < 0)
		return -1;
	char users[2][CONTAINER_ID_LENGTH + 1];
	size_t count;
	if (volume_users(name, users, 2, &count) < 0)
		return -1;
	for (size_t i = 0; i < count && i < 2; i++)
		if (!except || strcmp(users[i], except) != 0)
			return fail_errno(0, "remove %s: volume is in use - [%s]", name, users[i]);
	if (count > 2)
		return fail_errno(0, "remove %s: volume is in use", name);
	char path[PATH_MAX];
	volume_dir(name, path, sizeof(path));
	if (remove_tree(path) < 0)
		return fail_context("remove %s", name);
	return 0;
}
