/*
 * atomic-file.h - a file that appears whole under its name, or not at all.
 *
 * A file written in place can be seen half-written: by a reader that opens it meanwhile, or
 * for good, when the writer is killed or the disk fills up. So tinydock writes "PATH.tmp.PID"
 * beside PATH, flushes it to the disk (fsync(2)) and renames it over PATH: rename(2) replaces
 * the name in one step, so PATH is always the old file or the whole new one; then it flushes
 * the folder too, since the new name is an entry of the folder, not of the file. Whatever fails on
 * the way, the temporary file is removed. The same steps serve a small record
 * (write_file_atomic, files.h) and an archive of any size streamed by `export -o`,
 * `layer create -o` and `save -o`:
 *
 *     struct atomic_file f;
 *     if (atomic_file_open(&f, "img.tar", 0644) < 0)
 *         return -1;
 *     if (write_the_archive(f.fd) < 0) {
 *         atomic_file_abort(&f);
 *         return -1;
 *     }
 *     return atomic_file_commit(&f);
 */
#ifndef TINYDOCK_ATOMIC_FILE_H
#define TINYDOCK_ATOMIC_FILE_H

#include <limits.h>
#include <sys/types.h>

struct atomic_file {
	int fd;               /* where to write (the temporary file); -1 once committed or aborted */
	char path[PATH_MAX];  /* the name the file gets at the end */
	char temp[PATH_MAX];  /* its name until then: PATH.tmp.PID */
};

/* Create the temporary file for path with mode (as open(2) takes it). A file already there
 * under that name (left by a killed writer that had our pid, or planted as a symlink in a
 * shared folder such as /tmp) is removed first and never followed. */
int atomic_file_open(struct atomic_file *f, const char *path, mode_t mode);

/* Flush the file to the disk, give it its name, and flush the folder that now holds that name
 * (so that a power cut cannot take the name back). On failure the temporary file is removed. */
int atomic_file_commit(struct atomic_file *f);

/* The same without the two fsyncs: readers still see the old file or the whole new one, and
 * a writer killed on the way leaves no half file (the page cache outlives the process), but a
 * power cut may take the new file back, or leave its name with no data. Each fsync costs
 * milliseconds on a disk, so this is for what a power cut ends anyway: the runtime state under
 * TINYDOCK_RUN (whose processes die with the power, and which is a tmpfs on most systems,
 * where fsync has nothing to do), and the files of a --rm container. */
int atomic_file_commit_nosync(struct atomic_file *f);

/* Give up: close and remove the temporary file. The error recorded before stays the one to
 * report, whatever the removal meets. Does nothing after a commit. */
void atomic_file_abort(struct atomic_file *f);

#endif
