/*
 * build-copy.c - COPY and ADD: a layer written straight from the build context.
 *
 * RUN needs a container because a program has to run; COPY does not: the files it adds are
 * known, so the layer tarball is written from them directly (04-layers/tar.h), as a layer
 * holds them: paths relative to "/", the folders on the way first. No container, no mount,
 * no copy of the files on disk: each file's bytes go once from the context into the layer
 * blob, hashed on the way (05-images/image-layers.c).
 *
 * The rules are the Dockerfile reference's, section COPY:
 *   - "<src> path must be inside the build context": sources are cleaned as if the context
 *     were "/" (so "../x" is refused), and links in it are copied as links (build-context.c);
 *   - "If <src> is a directory, the entire contents of the directory are copied, including
 *     filesystem metadata. The directory itself is not copied, just its contents."
 *   - "If multiple <src> resources are specified, either directly or due to the use of a
 *     wildcard, then <dest> must be a directory, and it must end with a slash /."
 *   - "If <dest> does not end with a trailing slash, it will be considered a regular file";
 *     Docker also puts the file inside when <dest> is a folder that exists in the image.
 *   - files from the context belong to root (0:0) unless --chown says otherwise; --chmod sets
 *     their permission bits.
 * ADD is COPY, except that a local tar archive (plain or gzip: 05-images/maybe-gzip.h) is
 * unpacked into <dest> instead of copied.
 *
 * Read next: build-run.c.
 */
#include "build-copy.h"
#include "build-rootfs.h"
#include "error.h"
#include "explain.h"
#include "image-layers.h"
#include "inroot.h"
#include "layer.h"
#include "maybe-gzip.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- the plan: which file goes where ------------------------------------------------------- */

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int add_item(struct copy_plan *plan, struct context_entry *entry, const char *dest, bool unpack)
{
	struct copy_item *items = realloc(plan->items, (plan->count + 1) * sizeof(*items));
	if (!items)
		return fail_errno(ENOMEM, "COPY");
	plan->items = items;
	struct copy_item *item = &items[plan->count];
	item->entry = entry;
	item->unpack = unpack;
	if (!(item->dest = strdup(dest)))
		return fail_errno(ENOMEM, "COPY");
	plan->count++;
	return 0;
}

/* Join a folder and a name of the image ("" is "/"). */
static void join(char *out, size_t size, const char *folder, const char *name)
{
	snprintf(out, size, "%s%s%s", folder, *folder && *name ? "/" : "", name);
}

static int add_folder(struct copy_plan *plan, const char *path)
{
	for (size_t i = 0; i < plan->folder_count; i++)
		if (strcmp(plan->folders[i], path) == 0)
			return 0;
	char **folders = realloc(plan->folders, (plan->folder_count + 1) * sizeof(*folders));
	if (!folders)
		return fail_errno(ENOMEM, "COPY");
	plan->folders = folders;
	if (!(folders[plan->folder_count] = strdup(path)))
		return fail_errno(ENOMEM, "COPY");
	plan->folder_count++;
	return 0;
}

/* The folders above dest (and dest itself when it is one), to be made first. */
static int add_folders_of(struct copy_plan *plan, const char *dest, bool itself)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s", dest);
	for (char *slash = path; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		if (add_folder(plan, path) < 0)
			return -1;
		*slash = '/';
	}
	return itself && *path ? add_folder(plan, path) : 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is entry a tar archive (ADD unpacks it)? Its first header must read as one. */
static bool is_archive(struct build_context *src, const struct context_entry *entry)
{
	if (!S_ISREG(entry->st.st_mode) || entry->st.st_size == 0)
		return false;
	int fd = build_context_open_file(src, entry->path);
	if (fd < 0) {
		error_clear();
		return false;
	}
	struct maybe_gzip in;
	bool archive = false;
	if (maybe_gzip_open(&in, fd, entry->path) == 0) {
		struct tar_reader *reader = tar_reader_new(maybe_gzip_read, &in, entry->path);
		const struct tar_entry *first;
		archive = reader && tar_reader_next(reader, &first) == 1;
		tar_reader_free(reader);
		maybe_gzip_close(&in);
	}
	error_clear();
	close(fd);
	return archive;
}

/* The entries that source names: one, or every match of a wildcard. */
static int match_source(struct build_context *src, const struct copy_request *req, const char *clean,
			struct context_entry ***matches, size_t *count, bool *root)
{
	*root = false;
	if (!*clean) {
		*root = true; /* "." : the whole context */
		return 0;
	}
	if (!has_wildcard(clean)) {
		struct context_entry *e = build_context_find(src, clean);
		if (!e)
			return fail_errno(0,
					  "Dockerfile line %d: COPY failed: file not found in build context or excluded "
					  "by .dockerignore: stat %s: file does not exist",
					  req->line, clean);
		*matches = malloc(sizeof(**matches));
		if (!*matches)
			return fail_errno(ENOMEM, "COPY");
		(*matches)[0] = e;
		*count = 1;
		return 0;
	}
	for (size_t i = 0; i < src->count; i++) {
		if (fnmatch(clean, src->entries[i].path, FNM_PATHNAME) != 0)
			continue;
		struct context_entry **m = realloc(*matches, (*count + 1) * sizeof(*m));
		if (!m)
			return fail_errno(ENOMEM, "COPY");
		*matches = m;
		m[(*count)++] = &src->entries[i];
	}
	if (*count == 0)
		return fail_errno(0, "Dockerfile line %d: COPY failed: no source files were specified (%s matches nothing)",
				  req->line, clean);
	return 0;
}

/* Everything under folder (relative, "" the root) goes under dest. */
static int add_folder_contents(struct copy_plan *plan, struct build_context *src, const char *folder,
			       const char *dest)
{
	size_t skip = *folder ? strlen(folder) + 1 : 0;
	for (size_t i = 0; i < src->count; i++) {
		struct context_entry *e = &src->entries[i];
		if (!context_path_within(e->path, folder) || strcmp(e->path, folder) == 0)
			continue;
		char to[PATH_MAX];
		join(to, sizeof(to), dest, e->path + skip);
		if (add_item(plan, e, to, false) < 0)
			return -1;
	}
	return add_folders_of(plan, dest, true);
}

int copy_plan_make(struct build_context *src, const struct copy_request *req, struct copy_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	char dest[PATH_MAX];
	if (inroot_clean_path(req->dest, dest, sizeof(dest)) < 0)
		return fail_errno(0, "Dockerfile line %d: invalid destination %s", req->line, req->dest);
	size_t length = strlen(req->dest);
	bool slash = length > 0 && (req->dest[length - 1] == '/' || strcmp(req->dest + (length > 1 ? length - 2 : 0), "/.") == 0);
	bool into_folder = slash || req->dest_is_folder || !*dest;

	/* All sources first: how many there are decides what dest means. */
	struct context_entry ***found = calloc(req->source_count, sizeof(*found));
	size_t *counts = calloc(req->source_count, sizeof(*counts));
	bool *roots = calloc(req->source_count, sizeof(*roots));
	size_t total = 0;
	int rc = found && counts && roots ? 0 : fail_errno(ENOMEM, "COPY");
	for (size_t i = 0; i < req->source_count && rc == 0; i++) {
		char clean[PATH_MAX];
		if (inroot_clean_path(req->sources[i], clean, sizeof(clean)) < 0 ||
		    strncmp(req->sources[i], "..", 2) == 0) {
			rc = fail_errno(0, "Dockerfile line %d: COPY failed: forbidden path outside the build context: %s",
					req->line, req->sources[i]);
			break;
		}
		rc = match_source(src, req, clean, &found[i], &counts[i], &roots[i]);
		total += roots[i] ? 1 : counts[i];
	}
	if (rc == 0 && total > 1 && !into_folder)
		rc = fail_errno(0,
				"Dockerfile line %d: When using COPY with more than one source file, the destination "
				"must be a directory and end with a /",
				req->line);
	for (size_t i = 0; i < req->source_count && rc == 0; i++) {
		if (roots[i]) {
			plan->from_folder = true;
			rc = add_folder_contents(plan, src, "", dest);
			continue;
		}
		for (size_t j = 0; j < counts[i] && rc == 0; j++) {
			struct context_entry *e = found[i][j];
			const char *base = strrchr(e->path, '/') ? strrchr(e->path, '/') + 1 : e->path;
			char to[PATH_MAX];
			if (S_ISDIR(e->st.st_mode)) {
				plan->from_folder = true;
				rc = add_folder_contents(plan, src, e->path, dest);
			} else if (req->add && is_archive(src, e)) {
				rc = add_item(plan, e, dest, true);
				rc = rc < 0 ? rc : add_folders_of(plan, dest, true);
			} else {
				if (into_folder || total > 1)
					join(to, sizeof(to), dest, base);
				else
					snprintf(to, sizeof(to), "%s", dest);
				rc = add_item(plan, e, to, false);
				rc = rc < 0 ? rc : add_folders_of(plan, to, false);
			}
		}
	}
	for (size_t i = 0; found && i < req->source_count; i++)
		free(found[i]);
	free(found);
	free(counts);
	free(roots);
	if (rc < 0) {
		copy_plan_free(plan);
		return -1;
	}
	if (plan->folder_count > 1)
		qsort(plan->folders, plan->folder_count, sizeof(*plan->folders), by_string);
	return 0;
}

void copy_plan_free(struct copy_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		free(plan->items[i].dest);
	for (size_t i = 0; i < plan->folder_count; i++)
		free(plan->folders[i]);
	free(plan->items);
	free(plan->folders);
	memset(plan, 0, sizeof(*plan));
}

/* --- what the items are: mode and owner as they land ---------------------------------------- */

static mode_t item_mode(const struct copy_request *req, const struct context_entry *e)
{
	if (S_ISLNK(e->st.st_mode))
		return 0777;
	return req->mode_given ? req->mode : (e->st.st_mode & 07777);
}

static void item_owner(const struct copy_request *req, const struct context_entry *e, uint64_t *uid, uint64_t *gid)
{
	*uid = req->owner_given ? req->uid : req->keep_owner ? e->st.st_uid : 0;
	*gid = req->owner_given ? req->gid : req->keep_owner ? e->st.st_gid : 0;
}

int copy_plan_key(struct build_context *src, const struct copy_request *req, const struct copy_plan *plan,
		  struct cache_key *key)
{
	for (size_t i = 0; i < plan->count; i++) {
		struct copy_item *item = &plan->items[i];
		struct context_entry *e = item->entry;
		if (build_context_digest(src, e) < 0)
			return -1;
		uint64_t uid, gid;
		item_owner(req, e, &uid, &gid);
		char meta[128];
		snprintf(meta, sizeof(meta), "%c %o %ju:%ju %ju", item->unpack ? 'x' : 'f',
			 (unsigned)(e->st.st_mode & S_IFMT) | item_mode(req, e), (uintmax_t)uid, (uintmax_t)gid,
			 (uintmax_t)e->st.st_size);
		cache_key_add(key, item->dest);
		cache_key_add(key, meta);
		if (e->link)
			cache_key_add(key, e->link);
		if (S_ISREG(e->st.st_mode))
			cache_key_add_bytes(key, e->sum, sizeof(e->sum));
	}
	for (size_t i = 0; i < plan->folder_count; i++)
		cache_key_add(key, plan->folders[i]);
	return 0;
}

/* --- the layer ----------------------------------------------------------------------------- */

struct layer_job {
	struct build_context *src;
	const struct copy_request *req;
	const struct copy_plan *plan;
	const struct build_rootfs *image;
	struct tar_writer *w;
};

/* A folder on the way: as the image has it when it exists (so the layer does not change its
 * owner or mode), else a new one, 0755 root. */
static int write_folder(struct layer_job *job, const char *path)
{
	struct stat st;
	char name[PATH_MAX + 1];
	snprintf(name, sizeof(name), "%s/", path);
	struct tar_entry e = { .path = name, .type = TAR_DIRECTORY, .mode = 0755 };
	e.mtime.tv_sec = time(NULL);
	int found = job->image ? build_rootfs_lookup(job->image, path, &st, NULL) : 0;
	if (found < 0)
		return -1;
	if (found && S_ISDIR(st.st_mode)) {
		e.mode = st.st_mode & 07777;
		e.uid = st.st_uid;
		e.gid = st.st_gid;
		e.mtime = st.st_mtim;
	}
	return tar_writer_header(job->w, &e);
}

static int write_item(struct layer_job *job, const struct copy_item *item)
{
	const struct context_entry *src = item->entry;
	char name[PATH_MAX + 1];
	snprintf(name, sizeof(name), "%s%s", item->dest, S_ISDIR(src->st.st_mode) ? "/" : "");
	struct tar_entry e = { .path = name, .mode = item_mode(job->req, src), .mtime = src->st.st_mtim };
	item_owner(job->req, src, &e.uid, &e.gid);
	if (S_ISDIR(src->st.st_mode)) {
		e.type = TAR_DIRECTORY;
		if (!job->req->mode_given)
			e.mode = src->st.st_mode & 07777;
		return tar_writer_header(job->w, &e);
	}
	if (S_ISLNK(src->st.st_mode)) {
		e.type = TAR_SYMLINK;
		e.linkname = src->link;
		return tar_writer_header(job->w, &e);
	}
	if (!S_ISREG(src->st.st_mode))
		return 0; /* sockets, fifos, devices of a context are not copied (as docker build) */
	e.type = TAR_REGULAR;
	e.size = (uint64_t)src->st.st_size;
	int fd = build_context_open_file(job->src, src->path);
	if (fd < 0)
		return -1;
	int rc = tar_writer_header(job->w, &e) < 0 ? -1 : tar_writer_data_from_fd(job->w, fd, src->path);
	close(fd);
	return rc;
}

/* ADD archive.tar.gz /dest: each entry of the archive, cleaned and put under dest. */
static int write_archive(struct layer_job *job, const struct copy_item *item)
{
	int fd = build_context_open_file(job->src, item->entry->path);
	if (fd < 0)
		return -1;
	struct maybe_gzip in;
	struct tar_reader *reader = NULL;
	int rc = maybe_gzip_open(&in, fd, item->entry->path);
	if (rc == 0 && !(reader = tar_reader_new(maybe_gzip_read, &in, item->entry->path)))
		rc = -1;
	const struct tar_entry *entry;
	int more;
	while (rc == 0 && (more = tar_reader_next(reader, &entry)) == 1) {
		char clean[PATH_MAX], path[PATH_MAX + 1], link[PATH_MAX];
		const char *base = strrchr(entry->path, '/');
		if (inroot_clean_path(entry->path, clean, sizeof(clean)) < 0 || !*clean ||
		    layer_whiteout(base ? base + 1 : entry->path, NULL) != NOT_A_WHITEOUT)
			continue; /* a path climbing out, the root itself, or a whiteout: not a file to add */
		snprintf(path, sizeof(path), "%s%s%s%s", item->dest, *item->dest ? "/" : "", clean,
			 entry->type == TAR_DIRECTORY ? "/" : "");
		struct tar_entry copy = *entry;
		copy.path = path;
		if (entry->type == TAR_HARDLINK) {
			char target[PATH_MAX];
			if (inroot_clean_path(entry->linkname, target, sizeof(target)) < 0)
				continue;
			snprintf(link, sizeof(link), "%s%s%s", item->dest, *item->dest ? "/" : "", target);
			copy.linkname = link;
		}
		rc = tar_writer_header(job->w, &copy);
		char buffer[65536];
		for (ssize_t n; rc == 0 && entry->type == TAR_REGULAR && (n = tar_reader_read(reader, buffer, sizeof(buffer))) != 0;)
			rc = n < 0 ? -1 : tar_writer_data(job->w, buffer, (size_t)n);
	}
	if (rc == 0 && more < 0)
		rc = -1;
	tar_reader_free(reader);
	if (reader || rc == 0)
		maybe_gzip_close(&in);
	close(fd);
	return rc < 0 ? fail_context("ADD %s", item->entry->path) : 0;
}

static int write_layer(tar_write_fn sink, void *sink_ctx, void *ctx)
{
	struct layer_job *job = ctx;
	job->w = tar_writer_new(sink, sink_ctx);
	if (!job->w)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < job->plan->folder_count && rc == 0; i++)
		rc = write_folder(job, job->plan->folders[i]);
	for (size_t i = 0; i < job->plan->count && rc == 0; i++)
		rc = job->plan->items[i].unpack ? write_archive(job, &job->plan->items[i])
						: write_item(job, &job->plan->items[i]);
	if (rc == 0)
		rc = tar_writer_finish(job->w);
	tar_writer_free(job->w);
	return rc;
}

int copy_plan_write(struct image_store *s, struct build_context *src, const struct copy_request *req,
		    const struct copy_plan *plan, const struct build_rootfs *image, struct oci_layer *layer)
{
	struct layer_job job = { .src = src, .req = req, .plan = plan, .image = image };
	int rc = image_layer_store(s, write_layer, &job, layer);
	if (rc == 0)
		explain("06-dockerfile", "a layer of %zu folder(s) and %zu file(s) written from the context: %.19s", plan->folder_count,
			plan->count, layer->diff_id);
	return rc;
}

/* --- --chown --------------------------------------------------------------------------------- */

/* The id of name in an /etc/passwd or /etc/group text (field 3), or -1. */
static long id_in(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, name, n) != 0 || line[n] != ':')
			continue;
		const char *field = strchr(line + n + 1, ':'); /* past the password */
		return field && isdigit((unsigned char)field[1]) ? strtol(field + 1, NULL, 10) : -1;
	}
	return -1;
}

/* A user's primary group (field 4 of its passwd line), or -1. */
static long group_of(const char *passwd, const char *name)
{
	size_t n = strlen(name);
	for (const char *line = passwd; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, name, n) != 0 || line[n] != ':')
			continue;
		const char *f = strchr(line + n + 1, ':');
		f = f ? strchr(f + 1, ':') : NULL;
		return f && isdigit((unsigned char)f[1]) ? strtol(f + 1, NULL, 10) : -1;
	}
	return -1;
}

static long numeric(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);
	return *text && !*end && v >= 0 ? v : -1;
}

int copy_owner_parse(const char *spec, const char *passwd, const char *group, uid_t *uid, gid_t *gid)
{
	char user[256], grp[256] = "";
	const char *colon = strchr(spec, ':');
	snprintf(user, sizeof(user), "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	if (colon)
		snprintf(grp, sizeof(grp), "%s", colon + 1);
	long u = numeric(user);
	if (u < 0 && passwd)
		u = id_in(passwd, user);
	if (u < 0)
		return fail_errno(0, "unable to convert uid/gid chown string to host mapping: no such user: %s", user);
	long g;
	if (!*grp) /* no group: the user's own (the reference: "the same as the user") */
		g = numeric(user) >= 0 ? u : (passwd ? group_of(passwd, user) : -1);
	else if ((g = numeric(grp)) < 0 && group)
		g = id_in(group, grp);
	if (g < 0)
		return fail_errno(0, "unable to convert uid/gid chown string to host mapping: no such group: %s",
				  *grp ? grp : user);
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}
