/*
 * build-context.c - the build context: the folder `build` is given, read as a list of files.
 *
 * `docker build .` sends the folder "." to the daemon as a tar: the context. COPY and ADD can
 * only take files from it (the reference: "The <src> path must be inside the build context").
 * tinydock has no daemon, so it reads the folder in place, with two rules that keep a
 * Dockerfile from reaching outside it:
 *   - every entry is read with fstatat(AT_SYMLINK_NOFOLLOW) below an fd on the context, so a
 *     symbolic link is an entry of its own (COPY copies the link, not what it points at: a link
 *     to /etc/shadow copies as a link, never the host's file);
 *   - folders are opened with O_NOFOLLOW|O_DIRECTORY relative to their parent's fd.
 * .dockerignore (dockerignore.h) leaves entries out as the folder is read, as Docker leaves
 * them out of the tar it sends.
 *
 * The stat cache. The cache of a COPY step is keyed by the digests of the files it copies, so
 * a cached build must know every copied file's digest, and reading 10,000 files to find them
 * unchanged is what makes a "cached" build slow. Like git's index, we keep, per context, each
 * file's digest with the stat(2) it was computed for: size, mode, mtime, ctime and inode. A
 * file whose stat is the same is taken as unchanged; any write changes mtime and ctime (even
 * `touch -d` to an old mtime changes ctime), a replaced file changes the inode.
 *
 * Read next: build-copy.c.
 */
#include "build-context.h"
#include "error.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

bool context_path_within(const char *path, const char *folder)
{
	size_t n = strlen(folder);
	return n == 0 || (strncmp(path, folder, n) == 0 && (path[n] == '/' || path[n] == '\0'));
}

static int add_entry(struct build_context *ctx, size_t *size, const char *path, const struct stat *st,
		     const char *link)
{
	if (ctx->count == *size) {
		size_t bigger = *size ? *size * 2 : 256;
		struct context_entry *e = realloc(ctx->entries, bigger * sizeof(*e));
		if (!e)
			return fail_errno(ENOMEM, "reading the build context");
		ctx->entries = e;
		*size = bigger;
	}
	struct context_entry *e = &ctx->entries[ctx->count];
	memset(e, 0, sizeof(*e));
	e->path = strdup(path);
	e->link = link ? strdup(link) : NULL;
	e->st = *st;
	if (!e->path || (link && !e->link)) {
		free(e->path);
		free(e->link);
		return fail_errno(ENOMEM, "reading the build context");
	}
	ctx->count++;
	return 0;
}

/* Read folder dirfd (at relative path prefix, "" for the root) and everything below it. */
static int walk(struct build_context *ctx, size_t *size, int folder_fd, const char *prefix,
		const struct ignore_rules *rules)
{
	DIR *dir = fdopendir(folder_fd);
	if (!dir) {
		close(folder_fd);
		return fail_sys("cannot read the build context folder \"%s\"", *prefix ? prefix : ".");
	}
	int rc = 0;
	for (struct dirent *d; rc == 0 && (errno = 0, d = readdir(dir));) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "", d->d_name) >= sizeof(path)) {
			rc = fail_errno(ENAMETOOLONG, "build context entry \"%s/%s\"", prefix, d->d_name);
			break;
		}
		bool excluded = rules && ignore_rules_exclude(rules, path);
		struct stat st;
		if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = fail_sys("cannot stat \"%s\" in the build context", path);
			break;
		}
		if (excluded && !(S_ISDIR(st.st_mode) && ignore_rules_may_include_under(rules, path)))
			continue;
		char target[PATH_MAX] = "";
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlinkat(dirfd(dir), d->d_name, target, sizeof(target) - 1);
			if (n < 0) {
				rc = fail_sys("cannot read the link \"%s\" in the build context", path);
				break;
			}
			target[n] = '\0';
		}
		if (!excluded)
			rc = add_entry(ctx, size, path, &st, S_ISLNK(st.st_mode) ? target : NULL);
		if (rc == 0 && S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(dir), d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			rc = fd < 0 ? fail_sys("cannot open \"%s\" in the build context", path)
				    : walk(ctx, size, fd, path, rules);
		}
	}
	if (rc == 0 && errno)
		rc = fail_sys("cannot read the build context folder \"%s\"", *prefix ? prefix : ".");
	closedir(dir);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct context_entry *)a)->path, ((const struct context_entry *)b)->path);
}

/* --- the stat cache ------------------------------------------------------------------------
 * One line per file: "<64 hex> <size> <mode> <mtime s>.<ns> <ctime s>.<ns> <inode> <path>",
 * sorted by path. Text, so a student can `cat` it next to `stat`. */

static void load_cache(struct build_context *ctx)
{
	size_t length;
	char *text = read_file(ctx->cache_file, &length);
	if (!text) {
		error_clear(); /* no cache yet: every digest is made */
		return;
	}
	size_t lines = 0;
	for (size_t i = 0; i < length; i++)
		lines += text[i] == '\n';
	ctx->known = calloc(lines ? lines : 1, sizeof(*ctx->known));
	for (char *save, *line = strtok_r(text, "\n", &save); ctx->known && line; line = strtok_r(NULL, "\n", &save)) {
		struct context_entry *e = &ctx->known[ctx->known_count];
		char hex[65];
		uintmax_t size, mode, ms, mns, cs, cns, ino;
		int used = 0;
		if (sscanf(line, "%64s %ju %jo %ju.%ju %ju.%ju %ju %n", hex, &size, &mode, &ms, &mns, &cs, &cns, &ino,
			   &used) != 8 || used == 0 || strlen(hex) != 64)
			continue;
		bool ok = true;
		for (int i = 0; i < SHA256_SIZE && ok; i++) {
			unsigned byte;
			ok = sscanf(hex + 2 * i, "%2x", &byte) == 1;
			e->sum[i] = (uint8_t)byte;
		}
		if (!ok || !(e->path = strdup(line + used)))
			continue;
		e->st.st_size = (off_t)size;
		e->st.st_mode = (mode_t)mode;
		e->st.st_mtim.tv_sec = (time_t)ms;
		e->st.st_mtim.tv_nsec = (long)mns;
		e->st.st_ctim.tv_sec = (time_t)cs;
		e->st.st_ctim.tv_nsec = (long)cns;
		e->st.st_ino = (ino_t)ino;
		e->hashed = true;
		ctx->known_count++;
	}
	free(text);
	if (ctx->known_count > 1)
		qsort(ctx->known, ctx->known_count, sizeof(*ctx->known), by_path);
}

int build_context_save(struct build_context *ctx)
{
	if (!ctx->cache_file[0] || ctx->files_read == 0)
		return 0;
	size_t size = 1, used = 0;
	for (size_t i = 0; i < ctx->count; i++)
		size += strlen(ctx->entries[i].path) + 160;
	char *text = malloc(size);
	if (!text)
		return fail_errno(ENOMEM, "the build's stat cache");
	for (size_t i = 0; i < ctx->count; i++) {
		const struct context_entry *e = &ctx->entries[i];
		if (!e->hashed)
			continue;
		char hex[SHA256_HEX_SIZE];
		sha256_hex(e->sum, hex);
		used += (size_t)snprintf(text + used, size - used, "%s %ju %jo %ju.%09ju %ju.%09ju %ju %s\n", hex,
					 (uintmax_t)e->st.st_size, (uintmax_t)e->st.st_mode,
					 (uintmax_t)e->st.st_mtim.tv_sec, (uintmax_t)e->st.st_mtim.tv_nsec,
					 (uintmax_t)e->st.st_ctim.tv_sec, (uintmax_t)e->st.st_ctim.tv_nsec,
					 (uintmax_t)e->st.st_ino, e->path);
	}
	char folder[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s", ctx->cache_file);
	char *slash = strrchr(folder, '/');
	if (slash)
		*slash = '\0';
	int rc = make_dirs(folder, 0700) < 0 ? -1 : write_file_atomic(ctx->cache_file, text, used, 0600);
	free(text);
	return rc;
}

int build_context_open(struct build_context *ctx, const char *dir, const struct ignore_rules *rules,
		       const char *cache_file)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->root_fd = -1;
	if (cache_file)
		snprintf(ctx->cache_file, sizeof(ctx->cache_file), "%s", cache_file);
	if (!dir)
		return 0;
	if (!realpath(dir, ctx->root))
		return fail_sys("unable to prepare context: path \"%s\" not found", dir);
	ctx->root_fd = open(ctx->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx->root_fd < 0)
		return fail_sys("unable to prepare context: cannot open \"%s\"", dir);
	int fd = dup(ctx->root_fd);
	size_t size = 0;
	if (fd < 0 || walk(ctx, &size, fd, "", rules) < 0) {
		if (fd < 0)
			fail_sys("dup");
		build_context_close(ctx);
		return -1;
	}
	if (ctx->count > 1)
		qsort(ctx->entries, ctx->count, sizeof(*ctx->entries), by_path);
	if (ctx->cache_file[0])
		load_cache(ctx);
	return 0;
}

struct context_entry *build_context_find(struct build_context *ctx, const char *path)
{
	struct context_entry key = { .path = (char *)path };
	return ctx->count ? bsearch(&key, ctx->entries, ctx->count, sizeof(key), by_path) : NULL;
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size && a->st_mode == b->st_mode && a->st_ino == b->st_ino &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Open a regular file of the context for reading. openat2(2) with RESOLVE_BENEATH and
 * RESOLVE_NO_SYMLINKS refuses any symbolic link on the way, also a folder swapped for a link
 * after the context was read; kernels before 5.6 have only O_NOFOLLOW, for the last element. */
int build_context_open_file(const struct build_context *ctx, const char *path)
{
	struct open_how how = { .flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
	int fd = (int)syscall(SYS_openat2, ctx->root_fd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = openat(ctx->root_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open \"%s\" in the build context", path);
	return fd;
}

int build_context_digest(struct build_context *ctx, struct context_entry *entry)
{
	if (entry->hashed || !S_ISREG(entry->st.st_mode))
		return 0;
	struct context_entry key = { .path = entry->path };
	const struct context_entry *known =
		ctx->known_count ? bsearch(&key, ctx->known, ctx->known_count, sizeof(key), by_path) : NULL;
	if (known && same_stat(&known->st, &entry->st)) {
		memcpy(entry->sum, known->sum, sizeof(entry->sum));
		entry->hashed = true;
		return 0;
	}
	int fd = build_context_open_file(ctx, entry->path);
	if (fd < 0)
		return -1;
	int rc = sha256_fd(fd, entry->sum);
	close(fd);
	if (rc < 0)
		return fail_context("cannot read \"%s\" in the build context", entry->path);
	entry->hashed = true;
	ctx->files_read++;
	return 0;
}

void build_context_close(struct build_context *ctx)
{
	for (size_t i = 0; i < ctx->count; i++) {
		free(ctx->entries[i].path);
		free(ctx->entries[i].link);
	}
	for (size_t i = 0; i < ctx->known_count; i++)
		free(ctx->known[i].path);
	free(ctx->entries);
	free(ctx->known);
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	ctx->entries = ctx->known = NULL;
	ctx->count = ctx->known_count = 0;
	ctx->root_fd = -1;
}
