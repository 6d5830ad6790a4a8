/*
 * container-store.c - containers on disk: the folders, the record files, names, the lock.
 *
 * A runtime without a daemon keeps its memory in files. Docker's daemon holds every
 * container in memory and writes /var/lib/docker/containers/<id>/config.v2.json as a backup;
 * Podman has no daemon, so every `podman` process reads its state (a database under
 * /var/lib/containers, live state under /run) and takes a lock before it changes anything.
 * tinydock does what Podman does, with plain files:
 *
 *  - config.json is written atomically (write_file_atomic: temp file, fsync, rename(2)), so a
 *    reader sees the old record or the new one, never half of one;
 *  - every read-modify-write happens under flock(2) on one lock file, so that two `run --name
 *    web` at the same moment cannot both see the name free (flock(2): the lock belongs to the
 *    open file, and the kernel drops it when the holder dies, even by SIGKILL).
 *
 * What the record holds: container-record.c (and the spec in it: container-spec.c). Finding a
 * container by name or prefix: container-find.c. Whether it runs now: container-live.c.
 * Next: container-log.c (what the monitor writes), runtime.c (the monitor itself).
 */
#include "container-store.h"
#include "error.h"
#include "files.h"
#include "json.h"
#include "names.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- folders and the lock ---------------------------------------------------------------- */

void container_dir(const char *id, char *out, size_t size)
{
	snprintf(out, size, "%s/containers%s%s", state_root(), *id ? "/" : "", id);
}

void container_run_dir(const char *id, char *out, size_t size)
{
	snprintf(out, size, "%s/containers%s%s", state_run(), *id ? "/" : "", id);
}

int container_store_lock(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 8];
	container_dir("", dir, sizeof(dir));
	if (make_dirs(dir, 0700) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/.lock", dir);
	/* Holders keep it for milliseconds; 20 s of waiting means a stuck holder. */
	return take_lock(path, 20000);
}

/* --- records ------------------------------------------------------------------------------ */

static void record_path(const char *id, char *out, size_t size)
{
	char dir[PATH_MAX];
	container_dir(id, dir, sizeof(dir));
	snprintf(out, size, "%s/config.json", dir);
}

int container_record_load(const char *id, struct container_record *r)
{
	char path[PATH_MAX + 16];
	record_path(id, path, sizeof(path));
	struct json *doc = json_parse_file(path);
	if (!doc)
		return -1;
	int rc = container_record_from_json(doc, r);
	json_free(doc);
	if (rc < 0)
		return fail_context("%s", path);
	return 0;
}

/* Write r's config.json atomically; durable (fsync) or not. */
static int write_record(const struct container_record *r, bool durable)
{
	struct json *doc = container_record_to_json(r);
	if (!doc)
		return -1;
	size_t length = 0;
	char *text = json_write(doc, 2, &length);
	json_free(doc);
	if (!text)
		return -1;
	char path[PATH_MAX + 16];
	record_path(r->id, path, sizeof(path));
	int rc = durable ? write_file_atomic(path, text, length, 0600) : write_file_atomic_nosync(path, text, length, 0600);
	free(text);
	return rc;
}

int container_record_save(const struct container_record *r)
{
	/* A --rm container's record is removed when it ends, so a power cut is the only way it could
	 * outlive the container, and then it records a container that --rm asked not to keep: the
	 * fsyncs (milliseconds each on a disk) would buy nothing. If the cut leaves the name with no
	 * data, container-find.c skips a record it cannot read, as one being removed. */
	return write_record(r, !r->auto_remove);
}

/* The id of the container called name, under the lock; 1 if found, 0 if not, -1 on error. */
static int find_name(const char *name, const char *except_id, char found[CONTAINER_ID_LENGTH + 1])
{
	char **ids;
	size_t count;
	if (container_list(&ids, &count) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		struct container_record r;
		if (strcmp(ids[i], except_id) == 0 || container_record_load(ids[i], &r) < 0) {
			error_clear(); /* a container being removed right now: not a name holder */
			continue;
		}
		if (strcmp(r.name, name) == 0) {
			snprintf(found, CONTAINER_ID_LENGTH + 1, "%s", r.id);
			rc = 1;
		}
		container_record_free(&r);
	}
	container_list_free(ids, count);
	return rc;
}

static int name_conflict(const char *name, const char *holder)
{
	return fail_errno(0,
			  "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove "
			  "(or rename) that container to be able to reuse that name.",
			  name, holder);
}

int container_create(const struct container_record *r)
{
	if (!container_name_valid(r->name))
		return fail_errno(0, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", r->name);
	int lock = container_store_lock();
	if (lock < 0)
		return -1;
	int rc = -1;
	char holder[CONTAINER_ID_LENGTH + 1], dir[PATH_MAX];
	int found = find_name(r->name, r->id, holder);
	if (found != 0) {
		if (found > 0) {
			name_conflict(r->name, holder);
			rc = 1; /* the name is taken: a caller making names up tries another */
		}
		goto out;
	}
	container_dir(r->id, dir, sizeof(dir));
	if (mkdir(dir, 0700) < 0) {
		fail_sys("cannot create the container folder \"%s\"", dir);
		goto out;
	}
	/* Not yet durable. The record must survive a power cut once the container has run, and
	 * it is written again, durably, the moment it runs ("running", before SYNC_GO) or fails
	 * to ("Created" with the reason's code): runtime.c's started and finish. A cut before
	 * either ends the `run` that made it, which never said the container existed; if it
	 * leaves the name with no data, container-find.c skips it as a record being removed.
	 * Two fsyncs (the file, the folder's new name) saved on every run, 1 to 3 ms here. */
	rc = write_record(r, false);
out:
	close(lock);
	return rc;
}

int container_remove_files(const char *id)
{
	char dir[PATH_MAX];
	container_run_dir(id, dir, sizeof(dir));
	int rc = remove_tree(dir);
	struct error_saved first; /* both are removed whatever happens; the first failure is reported */
	error_save(&first);
	container_dir(id, dir, sizeof(dir));
	if (remove_tree(dir) < 0 && rc == 0)
		return -1;
	return rc < 0 ? error_restore(&first) : 0;
}

int container_rename(const char *id, const char *name)
{
	if (!container_name_valid(name))
		return fail_errno(0, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
	int lock = container_store_lock();
	if (lock < 0)
		return -1;
	int rc = -1;
	char holder[CONTAINER_ID_LENGTH + 1];
	struct container_record r;
	int found = find_name(name, id, holder);
	if (found != 0) {
		if (found > 0)
			name_conflict(name, holder);
		goto out;
	}
	if (container_record_load(id, &r) < 0)
		goto out;
	snprintf(r.name, sizeof(r.name), "%s", name);
	rc = container_record_save(&r);
	container_record_free(&r);
out:
	close(lock);
	return rc;
}
