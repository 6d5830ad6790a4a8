/*
 * files.c - small file helpers with the error convention (see files.h).
 *
 * Nothing here is a lesson of its own; these are the few file operations that
 * every chapter repeats, written once so that each does it the safe way:
 * atomic replacement for state (write, fsync, rename: see rename(2)), and tree
 * removal that never follows a symlink out of the tree (unlinkat/openat with
 * O_NOFOLLOW), because a container can plant symlinks in its own folders.
 */
#include "files.h"
#include "atomic-file.h"
#include "error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int make_dirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return fail_errno(ENAMETOOLONG, "cannot create folder \"%s\"", path);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return fail_sys("cannot create folder \"%s\"", buf);
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	if (!is_directory(path))
		return fail_errno(ENOTDIR, "cannot create folder \"%s\"", path);
	return 0;
}

char *read_file(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail_sys("cannot open \"%s\"", path);
		return NULL;
	}
	size_t cap = 4096, len = 0;
	char *data = malloc(cap);
	while (data) {
		if (len + 1 >= cap) {
			char *bigger = realloc(data, cap * 2);
			if (!bigger) {
				free(data);
				data = NULL;
				break;
			}
			data = bigger;
			cap *= 2;
		}
		ssize_t n = read(fd, data + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail_sys("cannot read \"%s\"", path);
			free(data);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!data) {
		fail_errno(ENOMEM, "cannot read \"%s\"", path);
		return NULL;
	}
	data[len] = '\0';
	if (size)
		*size = len;
	return data;
}

char *read_regular_file(const char *path, size_t max, size_t *size)
{
	/* O_NOFOLLOW: a symlink is refused (ELOOP), so the file cannot be a name for something else.
	 * O_NONBLOCK: opening a FIFO for reading would wait for a writer, forever (fifo(7)); with it
	 * the open returns at once and the fstat below refuses the FIFO. On a regular file it
	 * changes nothing (open(2)). */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fail_sys("cannot open \"%s\"", path);
		return NULL;
	}
	/* Only a regular file ends: /dev/zero or a FIFO would go on, or wait, as long as we read. */
	struct stat st;
	char *data = NULL;
	if (fstat(fd, &st) < 0) {
		fail_sys("cannot stat \"%s\"", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		fail_errno(0, "refusing to read \"%s\": not a regular file", path);
		goto out;
	}
	/* The size from fstat is only a hint (the file may grow while we read): read at most max + 1
	 * bytes, and one too many means too large. */
	data = malloc(max + 2);
	if (!data) {
		fail_errno(ENOMEM, "cannot read \"%s\"", path);
		goto out;
	}
	size_t len = 0;
	while (len <= max) {
		ssize_t n = read(fd, data + len, max + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail_sys("cannot read \"%s\"", path);
			free(data);
			data = NULL;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		fail_errno(0, "refusing to read \"%s\": larger than %zu bytes", path, max);
		free(data);
		data = NULL;
		goto out;
	}
	data[len] = '\0';
	if (size)
		*size = len;
out:
	close(fd);
	return data;
}

int write_all(int fd, const void *buf, size_t size)
{
	const char *p = buf;
	while (size > 0) {
		ssize_t n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

/* Both writes: the temporary file, filled, then committed with or without the fsyncs. */
static int write_file_via_temp(const char *path, const void *data, size_t size, mode_t mode, bool durable)
{
	struct atomic_file f;
	if (atomic_file_open(&f, path, mode) < 0)
		return -1;
	if (write_all(f.fd, data, size) < 0) {
		fail_sys("cannot write \"%s\"", f.temp);
		atomic_file_abort(&f);
		return -1;
	}
	return durable ? atomic_file_commit(&f) : atomic_file_commit_nosync(&f);
}

int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode)
{
	return write_file_via_temp(path, data, size, mode, true);
}

int write_file_atomic_nosync(const char *path, const void *data, size_t size, mode_t mode)
{
	return write_file_via_temp(path, data, size, mode, false);
}

/* --- durability: what must reach the disk before a power cut -------------------------------- */

void (*sync_observer)(const char *step, const char *path);

/* fsync(2): "Calling fsync() does not necessarily ensure that the entry in the directory
 * containing the file has also reached disk. For that an explicit fsync() on a file
 * descriptor for the directory is also needed." A rename is exactly such an entry: without
 * this, a power cut after write_file_atomic() returned may bring back the old file, or (for a
 * new name) none. A kill -9 cannot: the kernel's page cache outlives the process. */
int sync_folder(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open folder \"%s\" to sync it", path);
	int rc = fsync(fd);
	if (rc < 0)
		fail_sys("cannot sync folder \"%s\"", path);
	close(fd);
	if (rc == 0 && sync_observer)
		sync_observer("fsync folder", path);
	return rc < 0 ? -1 : 0;
}

int sync_parent_folder(const char *path)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		return sync_folder(".");
	size_t len = slash == path ? 1 : (size_t)(slash - path); /* "/name" lives in "/" */
	if (len >= sizeof(parent))
		return fail_errno(ENAMETOOLONG, "cannot sync the folder of \"%s\"", path);
	memcpy(parent, path, len);
	parent[len] = '\0';
	return sync_folder(parent);
}

/* syncfs(2) writes out every dirty file of one filesystem in one call: for a tree of 20,000
 * new files that is one call instead of 20,000 fsyncs, at the price of also flushing what
 * other processes wrote there. (The file data, the inodes and the folders are all covered.) */
int sync_filesystem(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open folder \"%s\" to sync its filesystem", path);
	int rc = syncfs(fd);
	if (rc < 0)
		fail_sys("cannot sync the filesystem of \"%s\"", path);
	close(fd);
	if (rc == 0 && sync_observer)
		sync_observer("syncfs", path);
	return rc < 0 ? -1 : 0;
}

int write_string(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open \"%s\" for writing", path);
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	if (n < 0 || (size_t)n != len) {
		if (n >= 0)
			errno = EIO;
		fail_sys("cannot write \"%s\" to \"%s\"", text, path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

bool is_directory(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Remove the contents of the open folder dirfd, then nothing else: the caller removes the folder. */
static int remove_contents(int dirfd, const char *path, dev_t device)
{
	DIR *dir = fdopendir(dirfd);
	if (!dir) {
		close(dirfd);
		return fail_sys("cannot read folder \"%s\"", path);
	}
	int rc = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		const char *name = entry->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = fail_sys("cannot stat \"%s/%s\"", path, name);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != device) {
				rc = fail_errno(EBUSY, "refusing to remove \"%s/%s\", a mount point", path, name);
				break;
			}
			int child = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (child < 0) {
				rc = fail_sys("cannot open folder \"%s/%s\"", path, name);
				break;
			}
			char sub[PATH_MAX];
			snprintf(sub, sizeof(sub), "%s/%s", path, name);
			if (remove_contents(child, sub, device) < 0) {
				rc = -1;
				break;
			}
			if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0) {
				rc = fail_sys("cannot remove folder \"%s\"", sub);
				break;
			}
		} else if (unlinkat(dirfd, name, 0) < 0) {
			rc = fail_sys("cannot remove \"%s/%s\"", path, name);
			break;
		}
	}
	closedir(dir);
	return rc;
}

int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : fail_sys("cannot stat \"%s\"", path);
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? fail_sys("cannot remove \"%s\"", path) : 0;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open folder \"%s\"", path);
	if (remove_contents(fd, path, st.st_dev) < 0)
		return -1;
	if (rmdir(path) < 0)
		return fail_sys("cannot remove folder \"%s\"", path);
	return 0;
}

int remove_tree_at(int dirfd, const char *name, const char *display)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail_sys("cannot stat \"%s\"", display);
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 ? fail_sys("cannot remove \"%s\"", display) : 0;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open folder \"%s\"", display);
	if (remove_contents(fd, display, st.st_dev) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		return fail_sys("cannot remove folder \"%s\"", display);
	return 0;
}

int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fail_sys("cannot open \"%s\"", from);
	struct stat st;
	if (fstat(in, &st) < 0) {
		fail_sys("cannot stat \"%s\"", from);
		close(in);
		return -1;
	}
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777);
	if (out < 0) {
		fail_sys("cannot create \"%s\"", to);
		close(in);
		return -1;
	}
	int rc = 0;
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fail_sys("cannot read \"%s\"", from);
			break;
		}
		if (n == 0)
			break;
		if (write_all(out, buf, (size_t)n) < 0) {
			rc = fail_sys("cannot write \"%s\"", to);
			break;
		}
	}
	if (rc == 0 && fchmod(out, st.st_mode & 07777) < 0)
		rc = fail_sys("cannot set the mode of \"%s\"", to);
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = fail_sys("cannot write \"%s\"", to);
	return rc;
}

static const char *state_dir(const char *variable, const char *fallback)
{
	const char *dir = getenv(variable);
	return dir && *dir ? dir : fallback;
}

/* The home folder of uid from /etc/passwd (name:password:uid:gid:gecos:home:shell, passwd(5)),
 * read by hand rather than with getpwuid(3): tinydock is linked statically (Makefile), and
 * glibc's name service switch behind getpwuid would want shared libraries at run time. */
static const char *home_from_passwd(uid_t uid, char *out, size_t size)
{
	snprintf(out, size, "/nonexistent");
	FILE *f = fopen("/etc/passwd", "re");
	if (!f)
		return out;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char *fields[7], *rest = line;
		int n = 0;
		while (n < 7 && (fields[n] = strsep(&rest, ":\n")) != NULL)
			n++;
		if (n >= 6 && strtoul(fields[2], NULL, 10) == uid && fields[5][0] == '/') {
			snprintf(out, size, "%s", fields[5]);
			break;
		}
	}
	fclose(f);
	return out;
}

/* The folders of a user that is not root (the XDG Base Directory specification, as Podman's
 * rootless mode uses it): /var/lib and /run belong to root, and a user's containers are theirs
 * alone, so that two users never see (or fight over) each other's. */
static const char *user_data_dir(void)
{
	static char dir[PATH_MAX];
	if (dir[0])
		return dir;
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char from_passwd[PATH_MAX];
	if (!home || !*home)
		home = home_from_passwd(geteuid(), from_passwd, sizeof(from_passwd));
	if (data && data[0] == '/') /* the spec: a relative value is invalid, ignore it */
		snprintf(dir, sizeof(dir), "%s/tinydock", data);
	else
		snprintf(dir, sizeof(dir), "%s/.local/share/tinydock", home);
	return dir;
}

/* True when path is a real folder of uid's that nobody else may enter (not a symlink). */
static bool private_dir(const char *path, uid_t uid)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid && (st.st_mode & 077) == 0;
}

static const char *user_run_dir(void)
{
	static char dir[PATH_MAX];
	if (dir[0])
		return dir;
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	if (runtime && runtime[0] == '/') {
		snprintf(dir, sizeof(dir), "%s/tinydock", runtime);
		return dir;
	}
	/* No runtime folder (no login session): /tmp, which anyone can write. Another user could
	 * make /tmp/tinydock-UID first, to read or plant our state: use it only if it is ours and
	 * private, else the next name, tried in the same order by every process of ours. */
	uid_t uid = geteuid();
	for (int attempt = 0; attempt < 10; attempt++) {
		if (attempt == 0)
			snprintf(dir, sizeof(dir), "/tmp/tinydock-%u", (unsigned)uid);
		else
			snprintf(dir, sizeof(dir), "/tmp/tinydock-%u.%d", (unsigned)uid, attempt);
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			break;
		if (private_dir(dir, uid))
			return dir;
	}
	snprintf(dir, sizeof(dir), "/tmp/tinydock-%u", (unsigned)uid); /* its errors will say why */
	return dir;
}

const char *state_root(void)
{
	return state_dir("TINYDOCK_ROOT", geteuid() == 0 ? "/var/lib/tinydock" : user_data_dir());
}

const char *state_run(void)
{
	const char *dir = getenv("TINYDOCK_RUN");
	if (dir && *dir)
		return dir;
	return geteuid() == 0 ? "/run/tinydock" : user_run_dir();
}

int take_lock(const char *path, int timeout_ms)
{
	return take_lock_mode(path, LOCK_EX, timeout_ms);
}

int take_lock_mode(const char *path, int operation, int timeout_ms)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail_sys("cannot open the lock \"%s\"", path);
	/* flock(2) with LOCK_NB in a bounded loop rather than a blocking call: a stuck holder
	 * becomes an error message instead of a hang. */
	for (int waited = 0;; waited++) {
		if (flock(fd, operation | LOCK_NB) == 0)
			return fd;
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= timeout_ms)
			break;
		usleep(1000);
	}
	fail_sys("cannot lock \"%s\"", path);
	close(fd);
	return -1;
}
