/*
 * image-run.c - a container from an image: chapter 05's part of `tinydock run`.
 *
 * Lecture: "a container is a running instance of an image". With this extension (in
 * 08-swarm/tinydock.c, between chapter 03's runtime and chapter 04's overlay), `run` takes
 * an IMAGE where it took --rootfs DIR, and:
 *
 *   operands  takes IMAGE, the first word after the flags (when there is no --rootfs);
 *   prepare   finds the image (making busybox when it is missing, image-base.c), makes sure
 *             its layers are unpacked (image-layers.c), hands them to chapter 04's overlay
 *             extension as the lower folders, and fills what the user left out from the
 *             image's config: the command (Entrypoint + Cmd), Env, WorkingDir, User.
 *
 * Precedence is Docker's: a flag beats the image (-w, -u, -e KEY=..., a command after the
 * image), and `--entrypoint` replaces the image's entrypoint and drops its Cmd.
 * ExposedPorts are metadata: shown by `inspect`, they publish nothing by themselves (-p does).
 *
 * Read next: image-commands.c.
 */
#include "image-run.h"
#include "container.h"
#include "container-store.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "image-base.h"
#include "image-config.h"
#include "image-layers.h"
#include "image-store.h"
#include "overlay-run.h"
#include "overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

enum { OPT_ENTRYPOINT = 1501 };

#define MAX_COMMAND 256

struct image_run {
	const char *name;       /* the IMAGE operand */
	const char *entrypoint; /* --entrypoint */
	struct image_store store;
	struct image image;
	char *argv[MAX_COMMAND];
	char (*lowers)[PATH_MAX];
};

static struct image_run state = { .store = { .gc_fd = -1 } };

static const struct option options[] = {
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ NULL, 0, NULL, 0 },
};

static int option(void *ctx, struct container *c, int opt, const char *arg)
{
	struct image_run *r = ctx;
	(void)c;
	if (opt == OPT_ENTRYPOINT)
		r->entrypoint = arg;
	return 0;
}

static int operands(void *ctx, struct container *c, int argc, char **argv)
{
	struct image_run *r = ctx;
	if (c->rootfs)
		return 0; /* --rootfs DIR: chapter 02's way, no image */
	if (argc < 1)
		return fail_errno(0, "\"run\" requires at least 1 argument: IMAGE [COMMAND] [ARG...] (or --rootfs DIR)");
	r->name = argv[0];
	c->image = argv[0];
	c->rootfs_from_extension = true;
	return 1;
}

/* Append the strings of a JSON array to argv[*n..]; -1 when they do not fit. */
static int append_strings(const struct json *array, char **argv, size_t *n, size_t size)
{
	size_t count;
	const char **list = image_config_strings(array, &count);
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		if (*n + 1 >= size)
			rc = fail_errno(0, "the command has too many arguments");
		else
			argv[(*n)++] = (char *)list[i];
	}
	free(list);
	return rc;
}

int image_command(const struct json *settings, const char *entrypoint, char *const *user_command, char **argv,
		  size_t size)
{
	size_t n = 0;
	if (size < 2)
		return fail_errno(0, "the command has too many arguments");
	if (entrypoint) {
		if (*entrypoint) /* --entrypoint "" clears it, as Docker */
			argv[n++] = (char *)entrypoint;
	} else if (append_strings(json_get(settings, "Entrypoint"), argv, &n, size) < 0) {
		return -1;
	}
	if (user_command && *user_command) {
		for (char *const *a = user_command; *a; a++) {
			if (n + 1 >= size)
				return fail_errno(0, "the command has too many arguments");
			argv[n++] = *a;
		}
	} else if (!entrypoint && append_strings(json_get(settings, "Cmd"), argv, &n, size) < 0) {
		return -1;
	}
	argv[n] = NULL;
	return (int)n;
}

/* Image Env first, then the -e values: the later one wins (options.c, put_env). */
static int apply_env(struct container *c, const struct json *settings)
{
	const struct json *env = json_get(settings, "Env");
	size_t image_count = 0;
	json_for_each(e, env)
		image_count += json_is(e, JSON_STRING);
	if (image_count + c->env_count > MAX_ENV)
		return fail_errno(0, "the image's Env and -e give more than %d variables", MAX_ENV);
	memmove(c->env + image_count, c->env, c->env_count * sizeof(c->env[0]));
	size_t i = 0;
	json_for_each(e, env)
		if (json_is(e, JSON_STRING))
			c->env[i++] = e->text;
	c->env_count += image_count;
	return 0;
}

static int prepare(void *ctx, struct container *c)
{
	struct image_run *r = ctx;
	if (!r->name)
		return 0;
	if (image_store_open(&r->store) < 0 || image_resolve_or_base(&r->store, r->name, &r->image) < 0)
		return -1;
	struct image *img = &r->image;
	snprintf(c->image_id, sizeof(c->image_id), "%s", img->id);
	/* Chapter 03's record (when its extension runs before ours) names the image, for `ps`
	 * and for `rmi`, which refuses to remove an image a container uses. */
	char record[PATH_MAX];
	container_dir(c->id, record, sizeof(record));
	strncat(record, "/config.json", sizeof(record) - strlen(record) - 1);
	if (access(record, F_OK) == 0 && container_set_image(c->id, r->name) < 0)
		return -1;
	size_t count = img->parts.layer_count;
	r->lowers = calloc(count ? count : 1, sizeof(*r->lowers));
	if (!r->lowers)
		return fail_sys("run");
	if (image_unpack_layers(&r->store, img, r->lowers) < 0)
		return -1;
	if (count == 0) { /* scratch: an empty folder as the only lower */
		snprintf(r->lowers[0], PATH_MAX, "%s/layers/empty", r->store.root);
		if (make_dirs(r->lowers[0], 0755) < 0)
			return -1;
		count = 1;
	}
	const char *lowers[OVERLAY_MAX_LOWERS];
	if (count > OVERLAY_MAX_LOWERS)
		return fail_errno(0, "image %s has %zu layers; overlayfs stacks at most %d", r->name, count,
				  OVERLAY_MAX_LOWERS);
	for (size_t i = 0; i < count; i++)
		lowers[i] = r->lowers[i];
	if (overlay_run_set_lowers(lowers, count) < 0)
		return -1;
	explain(CHAPTER, "image %s = %.19s: %zu layer(s) as lower folders, lowest first", r->name, img->id,
		img->parts.layer_count);

	const struct json *settings = json_get(img->config, "config");
	char *const *user = c->command == c->default_command ? NULL : c->command;
	int n = image_command(settings, r->entrypoint, user, r->argv, MAX_COMMAND);
	if (n < 0)
		return -1;
	if (n == 0)
		return fail_errno(0, "image %s has no command (no Entrypoint, no Cmd): give one after the image",
				  r->name);
	c->command = r->argv;
	if (apply_env(c, settings) < 0)
		return -1;
	const char *workdir = json_get_string(settings, "WorkingDir");
	if (!c->workdir && workdir && *workdir)
		c->workdir = workdir;
	const char *user_name = json_get_string(settings, "User");
	if (!c->user && user_name && *user_name)
		c->user = user_name;
	return 0;
}

static void finished(void *ctx, struct container *c, int code)
{
	struct image_run *r = ctx;
	(void)c;
	(void)code;
	free(r->lowers);
	r->lowers = NULL;
	image_store_close(&r->store);
}

const struct run_extension image_run_extension = {
	.chapter = CHAPTER,
	.options = options,
	.help = "      --entrypoint CMD      Overwrite the default ENTRYPOINT of the image\n"
		"  IMAGE (instead of --rootfs DIR): run a container of an image; missing busybox is made\n",
	.ctx = &state,
	.option = option,
	.operands = operands,
	.prepare = prepare,
	.finished = finished,
};
