/*
 * build-step-copy.c - the COPY and ADD steps: their words expanded, the source chosen (the
 * context, or a stage's or an image's files for --from), the rules of build-copy.c applied, and
 * the cache key made of the files' digests before any layer is written.
 *
 * Also WORKDIR's folder, made as a layer when the image has none: the same folder entries a
 * COPY writes for its destination.
 */
#include "build-copy.h"
#include "build-heredoc.h"
#include "build-rootfs.h"
#include "build-state.h"
#include "error.h"
#include "expand.h"
#include "files.h"
#include "image-base.h"
#include "image-layers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The layers of st unpacked, as a view for lookups (dest a folder? /etc/passwd?). */
struct unpacked {
	char (*folders)[PATH_MAX];
	const char **paths;
	struct build_rootfs rootfs;
};

static int unpack(struct build *b, const struct stage_image *img, struct unpacked *u)
{
	memset(u, 0, sizeof(*u));
	size_t n = img->layer_count ? img->layer_count : 1;
	u->folders = calloc(n, sizeof(*u->folders));
	u->paths = calloc(n, sizeof(*u->paths));
	if (!u->folders || !u->paths)
		return fail_errno(ENOMEM, "build");
	struct image view = { .parts = { .layers = img->layers, .layer_count = img->layer_count } };
	if (image_unpack_layers(&b->store, &view, u->folders) < 0)
		return -1;
	for (size_t i = 0; i < img->layer_count; i++)
		u->paths[i] = u->folders[i];
	u->rootfs.layers = u->paths;
	u->rootfs.count = img->layer_count;
	return 0;
}

static void unpacked_free(struct unpacked *u)
{
	free(u->folders);
	free(u->paths);
}

/* A file of the image, read whole (NULL when absent). */
static char *image_file(const struct unpacked *u, const char *path)
{
	struct stat st;
	char found[PATH_MAX];
	if (build_rootfs_lookup(&u->rootfs, path, &st, found) != 1 || !S_ISREG(st.st_mode))
		return NULL;
	char *text = read_file(found, NULL);
	error_clear();
	return text;
}

int build_make_workdir(struct build *b, const struct stage_image *img, const char *dir, struct oci_layer *layer,
			bool *made)
{
	struct unpacked u;
	struct stat st;
	*made = false;
	int rc = unpack(b, img, &u);
	int found = rc == 0 && dir && dir[0] == '/' && dir[1] ? build_rootfs_lookup(&u.rootfs, dir + 1, &st, NULL) : 1;
	if (rc == 0 && found == 0) { /* a layer of the folder and its missing parents */
		char *folders[PATH_MAX / 2];
		char path[PATH_MAX];
		size_t count = 0;
		snprintf(path, sizeof(path), "%s", dir + 1);
		for (char *p = path; count < PATH_MAX / 2; p++) {
			if (*p != '/' && *p != '\0')
				continue;
			folders[count++] = strndup(path, (size_t)(p - path));
			if (!*p)
				break;
		}
		for (size_t i = 0; i < count && rc == 0; i++)
			if (!folders[i])
				rc = fail_errno(ENOMEM, "WORKDIR");
		struct copy_plan plan = { .folders = folders, .folder_count = count };
		struct copy_request req = { .line = 0 };
		if (rc == 0)
			rc = copy_plan_write(&b->store, &b->context, &req, &plan, &u.rootfs, layer);
		*made = rc == 0;
		for (size_t i = 0; i < count; i++)
			free(folders[i]);
	} else if (found < 0) {
		rc = -1;
	}
	unpacked_free(&u);
	return rc;
}

static bool is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 || strncmp(s, "git@", 4) == 0;
}

/* The files of COPY --from: a stage built before, or an image; mounted read-only at *view. */
static int source_of(struct build *b, size_t stage_index, const char *from, struct stage_image *owned,
		     const struct stage_image **source)
{
	long stage = build_plan_find_stage(&b->plan, from, stage_index);
	if (stage >= 0) {
		if (!b->stages[stage].built)
			return fail_errno(0, "COPY --from=%s: that stage was not built", from);
		*source = &b->stages[stage];
		return 0;
	}
	struct image img;
	if (image_resolve_or_base(&b->store, from, &img) < 0)
		return fail_context("COPY --from=%s", from);
	owned->config = img.config;
	img.config = NULL;
	owned->layers = img.parts.layers;
	owned->layer_count = img.parts.layer_count;
	img.parts.layers = NULL;
	snprintf(owned->id, sizeof(owned->id), "%s", img.id);
	image_free(&img);
	*source = owned;
	return 0;
}

int build_step_copy(struct build *b, size_t stage_index, struct stage_state *st, const struct instruction *in)
{
	bool add = in->kind == INSTRUCTION_ADD;
	const char *name = add ? "ADD" : "COPY";
	const char *from = instruction_flag(in, "from"), *chown = instruction_flag(in, "chown"),
		   *chmod = instruction_flag(in, "chmod");
	for (size_t i = 0; i < in->flag_count; i++)
		if (strncmp(in->flags[i], "--from=", 7) && strncmp(in->flags[i], "--chown=", 8) &&
		    strncmp(in->flags[i], "--chmod=", 8))
			return fail_errno(0, "Dockerfile line %d: %s %s is not supported here", in->line, name,
					  in->flags[i]);
	const char *vars[MAX_VARS * 2];
	struct expand_env env = { vars, build_step_vars(st, vars, MAX_VARS * 2) };
	char **words = NULL;
	size_t count = 0;
	char heredocs[PATH_MAX] = ""; /* the folder of the here-documents' files */
	if (in->heredoc_count && !in->json) {
		char **written = NULL, all[65536] = "";
		size_t written_count, heredoc_sources;
		if (heredoc_copy_words(in, &written, &written_count, &heredoc_sources) < 0)
			return -1;
		for (size_t i = 0; i < written_count; i++)
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i ? " " : "", written[i]);
		expand_free_words(written);
		if (heredoc_sources + 1 < written_count || from)
			return fail_errno(0, "Dockerfile line %d: %s of here-documents together with other sources%s is not "
					     "supported here",
					  in->line, name, from ? " (--from)" : "");
		if (expand_words(all, b->file.escape, &env, &words, &count) < 0)
			return fail_context("Dockerfile line %d", in->line);
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%s/build-cache", b->store.root);
		if (heredoc_files_write(parent, in, b->file.escape, &env, heredocs) < 0) {
			expand_free_words(words);
			return fail_context("Dockerfile line %d", in->line);
		}
	} else if (in->json) {
		words = calloc(in->arg_count + 1, sizeof(*words));
		if (!words)
			return fail_errno(ENOMEM, "%s", name);
		for (size_t i = 0; i < in->arg_count; i++)
			if (expand_word(in->args[i], b->file.escape, &env, &words[count++]) < 0) {
				expand_free_words(words);
				return fail_context("Dockerfile line %d", in->line);
			}
	} else {
		char all[65536] = "";
		for (size_t i = 0; i < in->arg_count; i++)
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i ? " " : "", in->args[i]);
		if (expand_words(all, b->file.escape, &env, &words, &count) < 0)
			return fail_context("Dockerfile line %d", in->line);
	}
	struct unpacked image = { 0 };
	struct stage_image owned = { 0 };
	const struct stage_image *source = NULL;
	struct build_context stage_files = { .root_fd = -1 };
	struct build_context *files = &b->context;
	struct copy_plan plan = { 0 };
	char mount[PATH_MAX] = "";
	char *dest = NULL, *created_by = NULL;
	int rc = 0;
	if (count < 2)
		rc = fail_errno(0, "Dockerfile line %d: %s requires at least two arguments", in->line, name);
	for (size_t i = 0; rc == 0 && i + 1 < count; i++)
		if (is_url(words[i]))
			rc = fail_errno(0, "Dockerfile line %d: %s %s: sources from a URL are not supported here (download it "
					   "into the context first, or in a RUN step)",
					in->line, name, words[i]);
	struct copy_request req = { .sources = (const char *const *)words, .source_count = count - 1, .add = add,
				    .line = in->line };
	if (rc == 0) {
		const char *workdir = json_get_string(json_get(st->image->config, "config"), "WorkingDir");
		const char *last = words[count - 1];
		size_t length = strlen(last);
		bool slash = length && last[length - 1] == '/';
		char *joined = build_workdir_join(workdir && *workdir ? workdir : "/", last);
		dest = joined ? malloc(strlen(joined) + 2) : NULL;
		if (dest)
			sprintf(dest, "%s%s", joined, slash && strcmp(joined, "/") ? "/" : "");
		free(joined);
		rc = dest ? unpack(b, st->image, &image) : fail_errno(ENOMEM, "%s", name);
	}
	if (rc == 0) {
		req.dest = dest;
		struct stat where;
		req.dest_is_folder = build_rootfs_lookup(&image.rootfs, dest + 1, &where, NULL) == 1 && S_ISDIR(where.st_mode);
	}
	if (rc == 0 && chown) {
		char *passwd = image_file(&image, "etc/passwd"), *group = image_file(&image, "etc/group");
		req.owner_given = true;
		rc = copy_owner_parse(chown, passwd, group, &req.uid, &req.gid);
		free(passwd);
		free(group);
		if (rc < 0)
			fail_context("Dockerfile line %d: %s --chown=%s", in->line, name, chown);
	}
	if (rc == 0 && chmod) {
		char *end;
		long mode = strtol(chmod, &end, 8);
		if (*end || mode < 0 || mode > 07777)
			rc = fail_errno(0, "Dockerfile line %d: invalid --chmod=%s: an octal mode is expected", in->line, chmod);
		req.mode_given = true;
		req.mode = (mode_t)mode;
	}
	if (rc == 0 && from) { /* the source stage's files, through a read-only overlay */
		struct unpacked from_layers;
		rc = source_of(b, stage_index, from, &owned, &source);
		if (rc == 0 && (rc = unpack(b, source, &from_layers)) == 0) {
			const char *view;
			snprintf(mount, sizeof(mount), "%s/build-cache/mnt-%d-%u", b->store.root, (int)getpid(), b->mounts++);
			rc = build_rootfs_mount(&from_layers.rootfs, mount, &view);
			if (rc == 0 && (rc = build_context_open(&stage_files, view, NULL, NULL)) == 0)
				files = &stage_files;
			if (rc < 0 && build_rootfs_unmount(&from_layers.rootfs, mount) == 0)
				mount[0] = '\0';
			req.keep_owner = true;
			if (mount[0] && from_layers.rootfs.count <= 1)
				mount[0] = '\0'; /* nothing was mounted, the layer was read in place */
		}
		unpacked_free(&from_layers);
	}
	if (rc == 0 && heredocs[0] && (rc = build_context_open(&stage_files, heredocs, NULL, NULL)) == 0)
		files = &stage_files;
	if (rc == 0)
		rc = copy_plan_make(files, &req, &plan);
	struct cache_key key;
	char hex[SHA256_HEX_SIZE];
	if (rc == 0) {
		cache_key_begin(&key, st->image->id);
		cache_key_add(&key, name);
		cache_key_add(&key, dest);
		cache_key_add(&key, source ? source->id : heredocs[0] ? "heredoc" : "context");
		rc = copy_plan_key(files, &req, &plan, &key);
		cache_key_end(&key, hex);
	}
	if (rc == 0) {
		size_t size = strlen(dest) + 128;
		if ((created_by = malloc(size)))
			snprintf(created_by, size, "/bin/sh -c #(nop) %s %s:%.64s in %s ", name,
				 plan.from_folder || plan.count != 1 ? "dir" : "file", hex, dest);
		rc = created_by ? build_from_cache(b, hex, st->image) : fail_errno(ENOMEM, "%s", name);
	}
	if (rc == 0) {
		struct oci_layer layer;
		rc = copy_plan_write(&b->store, files, &req, &plan, &image.rootfs, &layer);
		struct json *config = rc == 0 ? json_copy(st->image->config) : NULL;
		rc = config ? build_finish_step(st->image, config, created_by, &layer, hex) : -1;
	}
	build_context_close(&stage_files); /* its fd on the view keeps the mount busy */
	if (mount[0]) {
		struct error_saved first;
		error_save(&first);
		struct build_rootfs two = { .count = 2 };
		if (build_rootfs_unmount(&two, mount) < 0 && rc >= 0)
			rc = -1;
		else if (rc < 0)
			error_restore(&first);
	}
	if (heredocs[0]) {
		struct error_saved first;
		error_save(&first);
		if (remove_tree(heredocs) < 0 && rc >= 0)
			rc = -1;
		else
			error_restore(&first);
	}
	copy_plan_free(&plan);
	unpacked_free(&image);
	build_stage_image_free(&owned);
	expand_free_words(words);
	free(dest);
	free(created_by);
	return rc < 0 ? -1 : 0;
}
