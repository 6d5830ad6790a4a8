/*
 * files.h - small file helpers that every chapter needs, with the error convention.
 *
 * Each helper records a message naming the path on failure (error.h) and returns -1 or NULL.
 */
#ifndef TINYDOCK_FILES_H
#define TINYDOCK_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Create a folder and its missing parents (like `mkdir -p`); an existing folder is fine. */
int make_dirs(const char *path, mode_t mode);

/* Read a whole (small) file into a NUL-terminated malloc'd buffer; *size gets its length if not NULL. */
char *read_file(const char *path, size_t *size);

/* Read a file that someone else controls (a container's /etc/passwd) into a NUL-terminated
 * malloc'd buffer, as read_file does, but never more than max bytes, and only a regular file:
 * a symlink (errno ELOOP), a FIFO, a device or a folder is refused without waiting, as is a
 * longer file. A missing file fails with errno ENOENT (error_errno()). */
char *read_regular_file(const char *path, size_t max, size_t *size);

/* Write data to path atomically (atomic-file.h): a temporary file beside it, fsync, rename,
 * fsync of the folder: after a power cut, path holds the old data or the new. */
int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode);

/* The same without the fsyncs (atomic_file_commit_nosync, atomic-file.h: what that is for):
 * atomic for readers and against a killed writer, not against a power cut. */
int write_file_atomic_nosync(const char *path, const void *data, size_t size, mode_t mode);

/* Write a string to an existing file such as /proc/PID/uid_map or a cgroup file, in one write(2). */
int write_string(const char *path, const char *text);

/* Write all of buf to fd, retrying short writes and EINTR. */
int write_all(int fd, const void *buf, size_t size);

/* True when path exists and is a folder (follows symlinks). */
bool is_directory(const char *path);

/* Remove a file or a whole folder tree, without following symlinks or crossing into other mounts. */
int remove_tree(const char *path);

/* remove_tree for the entry name inside the open folder dirfd (never following a symlink
 * in name); display names it in messages. A missing entry is fine. */
int remove_tree_at(int dirfd, const char *name, const char *display);

/* The state folders (README.md, "Layout"): $TINYDOCK_ROOT or /var/lib/tinydock (persistent),
 * $TINYDOCK_RUN or /run/tinydock (a tmpfs: emptied by a reboot). A user that is not root gets
 * folders of their own, as Podman's rootless mode does: $XDG_DATA_HOME/tinydock (or
 * ~/.local/share/tinydock) and $XDG_RUNTIME_DIR/tinydock (or /tmp/tinydock-UID, mode 0700). */
const char *state_root(void);
const char *state_run(void);

/* Take flock(LOCK_EX) on path (created if missing); the returned fd holds the lock until it is
 * closed. Waits at most timeout_ms, then fails with a message naming the file. */
int take_lock(const char *path, int timeout_ms);

/* The same with the flock(2) operation given: LOCK_EX (one holder) or LOCK_SH (many readers). */
int take_lock_mode(const char *path, int operation, int timeout_ms);

/* fsync(2) of a folder, so that the names in it (a rename into it) survive a power cut. */
int sync_folder(const char *path);

/* sync_folder() of the folder that holds path. */
int sync_parent_folder(const char *path);

/* syncfs(2) of the filesystem that holds the folder path: every file written there so far. */
int sync_filesystem(const char *path);

/* Tests set this to see each durability step as it completes ("fsync folder", "syncfs");
 * NULL in the program. */
extern void (*sync_observer)(const char *step, const char *path);

/* Copy a regular file, keeping its mode. */
int copy_file(const char *from, const char *to);

#endif
