/*
 * container-store.h - where containers live between commands: their folders, their record,
 * their names, and the lock that keeps two `tinydock` processes from corrupting them.
 *
 * There is no daemon holding containers in memory (daemonless, as Podman is): every
 * command (`ps`, `stop`, `rm`, ...) reads the state from the file system, and the monitor of
 * each container writes it. The layout:
 *
 *   $TINYDOCK_ROOT/containers/.lock         flock: held while names or records change
 *   $TINYDOCK_ROOT/containers/<id>/         the container's persistent home
 *       config.json                         the record (this file), Docker's field names
 *       container.log                       its output, one JSON line per line (container-log.h)
 *       fs/upper fs/work fs/merged fs/lowers  chapter 04's overlay (not ours)
 *   $TINYDOCK_RUN/containers/<id>/          live state, on a tmpfs: a reboot empties it
 *       state.json                          the monitor's and init's pids and start times
 *       stopping                            present once `stop`/`kill` asked: no restart then
 *       health.json                         State.Health, from the health checker (health-check.h)
 *
 * A container whose live state is missing, or whose monitor is no longer the process that
 * wrote it (pid and start time from /proc/PID/stat, so a recycled pid does not fool us), is
 * not running, whatever its record says: that is how a SIGKILLed monitor or a reboot shows.
 */
#ifndef TINYDOCK_CONTAINER_STORE_H
#define TINYDOCK_CONTAINER_STORE_H

#include <stddef.h>

/* The store's other parts, one concept each; included here so that a command that works on
 * containers includes one header. */
#include "container-find.h"
#include "container-live.h"
#include "container-record.h"

/* --- folders ------------------------------------------------------------------------------- */

/* $TINYDOCK_ROOT/containers/<id> and $TINYDOCK_RUN/containers/<id> (id "" gives the parent). */
void container_dir(const char *id, char *out, size_t size);
void container_run_dir(const char *id, char *out, size_t size);

/* --- the lock ------------------------------------------------------------------------------ */

/* Take the store's lock (flock on $TINYDOCK_ROOT/containers/.lock); close the fd to release.
 * Held for the few milliseconds of a read-modify-write, never while waiting for a container. */
int container_store_lock(void);

/* --- records ------------------------------------------------------------------------------- */

/* Read config.json of id. */
int container_record_load(const char *id, struct container_record *r);
/* Write config.json atomically (the caller holds the lock if it read the record first). */
int container_record_save(const struct container_record *r);

/* Create the container's folder and record, under the lock. Returns 0; 1 when the name is in
 * use, with Docker's message: `Conflict. The container name "/web" is already in use by
 * container "<id>". ...`; -1 on any other failure (message recorded). */
int container_create(const struct container_record *r);

/* Remove the container's folders (the record, the log, the live state). The caller stopped it. */
int container_remove_files(const char *id);

/* Give the container another name, under the lock (refusing one in use). */
int container_rename(const char *id, const char *name);

#endif
