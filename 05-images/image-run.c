/*
 * image-run.c - a container from an image: chapter 05's `tinydock run`.
 *
 * A container is a running instance of an image. Chapter 05's `run` takes an IMAGE
 * where it took --rootfs DIR, and reads, top to bottom, as image_cmd_run does:
 *
 *   parse   the flags of chapters 02 to 05 into one struct image_spec (run-flags.h); IMAGE is
 *           the first word after the flags (when there is no --rootfs);
 *   image   find the image (making busybox when it is missing, image-base.c), make sure its
 *           layers are unpacked (image-layers.c), and fill what the user left out from the
 *           image's config: the command (Entrypoint + Cmd), Env, WorkingDir, User,
 *           Healthcheck (run by chapter 03's monitor: health-check.c);
 *   start   chapter 03's runtime_run, with chapter 04's overlay as the rootfs and the
 *           image's layers as its lower folders;
 *   wait    (in runtime_run) for the exit code, or print the id with -d.
 *
 * Precedence is Docker's: a flag beats the image (-w, -u, -e KEY=..., a command after the
 * image), and `--entrypoint` replaces the image's entrypoint and drops its Cmd.
 * ExposedPorts are metadata: shown by `inspect`, they publish nothing by themselves: -p
 * publishes one port, -P (--publish-all) every one of them, each on a free host port.
 *
 * Read next: image-commands.c.
 */
#include "image-run.h"
#include "cli.h"
#include "container.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "image-base.h"
#include "image-config.h"
#include "image-layers.h"
#include "container-spec.h"
#include "image-store.h"
#include "overlay-run.h"
#include "overlay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char CHAPTER[] = "05-images";

enum { OPT_ENTRYPOINT = 1501, OPT_PUBLISH_ALL = 'P' };

static const struct option options[] = {
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "publish-all", no_argument, NULL, OPT_PUBLISH_ALL },
	{ NULL, 0, NULL, 0 },
};

static int option(struct container *c, int opt, const char *arg)
{
	struct image_spec *spec = (struct image_spec *)c; /* run-flags.h: ours begins with c */
	if (opt == OPT_ENTRYPOINT)
		spec->entrypoint = arg;
	else if (opt == OPT_PUBLISH_ALL)
		spec->publish_all = cli_flag_on(arg);
	return 0;
}

static int operands(struct container *c, int argc, char **argv)
{
	struct image_spec *spec = (struct image_spec *)c;
	if (c->rootfs)
		return 0; /* --rootfs DIR: chapter 02's way, no image */
	if (argc < 1)
		return fail_errno(0, "\"run\" requires at least 1 argument: IMAGE [COMMAND] [ARG...] (or --rootfs DIR)");
	spec->name = argv[0];
	spec->runtime.image = argv[0]; /* what the record (`ps`, `rmi`) names */
	return 1;
}

const struct run_flags image_flags = {
	.chapter = CHAPTER,
	.options = options,
	.short_options = "P",
	.help = "      --entrypoint CMD      Overwrite the default ENTRYPOINT of the image\n"
		"  -P, --publish-all         Publish every port the image EXPOSEs on a free host port\n"
		"                            (`tinydock port CONTAINER` shows which; TCP ports only)\n"
		"  IMAGE (instead of --rootfs DIR): run a container of an image; missing busybox is made\n",
	.option = option,
	.operands = operands,
};

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

/* -P: each "PORT/tcp" of the image's ExposedPorts that no -p publishes already, on a host port
 * the kernel chooses (as -p PORT), as Docker's --publish-all does. tinydock's proxy relays TCP
 * only: a UDP port is left unpublished, and said so with --explain. */
static int publish_exposed(struct container *c, const struct json *settings)
{
	if (c->network != NETWORK_BRIDGE) {
		/* Docker too: host's and none's containers have no ports of their own to publish. */
		explain(CHAPTER, "-P: nothing published on network %s", c->network == NETWORK_HOST ? "host" : "none");
		return 0;
	}
	json_for_each(exposed, json_get(settings, "ExposedPorts")) {
		char *end;
		unsigned long port = strtoul(exposed->key, &end, 10);
		if (end == exposed->key || port == 0 || port > 65535 || (*end && strcmp(end, "/tcp") != 0)) {
			explain(CHAPTER, "-P: %.*s not published (TCP ports only)", (int)exposed->key_length,
				exposed->key);
			continue;
		}
		bool published = false;
		for (size_t i = 0; i < c->port_count; i++)
			published = published || c->ports[i].container_port == port;
		if (published)
			continue;
		if (c->port_count == MAX_PORTS)
			return fail_errno(0, "-P: too many published ports: at most %d", MAX_PORTS);
		c->ports[c->port_count++] = (struct port_mapping){ .container_port = (uint16_t)port };
	}
	return 0;
}

int image_run_resolve(struct image_spec *spec, struct image_run *r)
{
	struct container *c = &spec->runtime.container;
	if (!spec->name)
		return 0; /* --rootfs DIR: the folder is the only lower */
	if (image_store_open(&r->store) < 0 || image_resolve_or_base(&r->store, spec->name, &r->image) < 0)
		return -1;
	struct image *img = &r->image;
	size_t count = img->parts.layer_count;
	r->layers = calloc(count ? count : 1, sizeof(*r->layers));
	if (!r->layers)
		return fail_sys("run");
	if (image_unpack_layers(&r->store, img, r->layers) < 0)
		return -1;
	if (count == 0) { /* scratch: an empty folder as the only lower */
		snprintf(r->layers[0], PATH_MAX, "%s/layers/empty", r->store.root);
		if (make_dirs(r->layers[0], 0755) < 0)
			return -1;
		count = 1;
	}
	if (count > OVERLAY_MAX_LOWERS)
		return fail_errno(0, "image %s has %zu layers; overlayfs stacks at most %d", spec->name, count,
				  OVERLAY_MAX_LOWERS);
	for (size_t i = 0; i < count; i++)
		r->lowers[i] = r->layers[i];
	r->lower_count = count;
	explain(CHAPTER, "image %s = %.19s: %zu layer(s) as lower folders, lowest first", spec->name, img->id,
		img->parts.layer_count);

	if (spec->configured)
		return 0; /* started again: the record has the command, Env, ... as they ran */
	const struct json *settings = json_get(img->config, "config");
	char *const *user = c->command == c->default_command ? NULL : c->command;
	int n = image_command(settings, spec->entrypoint, user, r->argv, MAX_COMMAND);
	if (n < 0)
		return -1;
	if (n == 0)
		return fail_errno(0, "image %s has no command (no Entrypoint, no Cmd): give one after the image",
				  spec->name);
	c->command = r->argv;
	if (apply_env(c, settings) < 0 || (spec->publish_all && publish_exposed(c, settings) < 0))
		return -1;
	const char *workdir = json_get_string(settings, "WorkingDir");
	if (!c->workdir && workdir && *workdir)
		c->workdir = workdir;
	const char *user_name = json_get_string(settings, "User");
	if (!c->user && user_name && *user_name)
		c->user = user_name;
	/* HEALTHCHECK: what the --health-* flags left unset, part by part, as Docker merges a
	 * container's Healthcheck with its image's (--no-healthcheck's Test ["NONE"] stays). */
	health_config_inherit(&spec->runtime.health, json_get(settings, "Healthcheck"));
	return 0;
}

void image_run_release(struct image_run *r)
{
	free(r->layers);
	r->layers = NULL;
	image_free(&r->image); /* a process that starts many containers (compose) frees each one's */
	image_store_close(&r->store);
}

int image_spec_write(const struct runtime_spec *runtime, struct container_record *r)
{
	const struct image_spec *spec = (const struct image_spec *)runtime; /* ours begins with it */
	string_list_free(&r->entrypoint);
	return spec->entrypoint ? string_list_add(&r->entrypoint, spec->entrypoint) : 0;
}

void image_spec_read(const struct container_record *r, struct image_spec *spec)
{
	runtime_spec_read(r, &spec->runtime);
	spec->runtime.write_record = image_spec_write;
	spec->name = spec->runtime.image;
	spec->entrypoint = r->entrypoint.count ? r->entrypoint.items[0] : NULL;
	spec->configured = true;
}

static void release(struct image_run *r)
{
	image_run_release(r);
	free(r);
}

/* The image of spec, parsed (a new container) or read back from its record (`start`:
 * configured, only its layers to find), resolved into a new image_run. NULL with the message. */
static struct image_run *resolve(struct image_spec *spec)
{
	struct image_run *r = calloc(1, sizeof(*r)); /* the command's argv: large */
	if (!r) {
		fail_errno(ENOMEM, "cannot resolve image \"%s\"", spec->name ? spec->name : "");
		return NULL;
	}
	r->store.gc_fd = -1;
	spec->runtime.write_record = image_spec_write;
	if (image_run_resolve(spec, r) < 0) {
		release(r); /* what it resolved before it failed */
		return NULL;
	}
	return r;
}


/* The image resolved into *out, and the rootfs hooks that run it: chapter 04's overlay of the
 * image's layers (root holds its state), wrapped by a later chapter's extension if any.
 * 0, or -1 with the message (*out released). */
static int prepare(struct image_spec *spec, bool recorded, const struct image_run_extension *extension,
		   struct image_run **out, struct overlay_rootfs *root, struct runtime_rootfs *hooks)
{
	struct image_run *r = resolve(spec);
	if (!r)
		return -1;
	*root = (struct overlay_rootfs){ .lowers = r->layers ? r->lowers : NULL, .lower_count = r->lower_count };
	*hooks = overlay_rootfs_hooks(root);
	if (extension && extension->prepare(extension->ctx, spec, r, recorded, hooks) < 0) {
		release(r);
		return -1;
	}
	*out = r;
	return 0;
}

int image_run_spec(struct image_spec *spec, const struct image_run_extension *extension)
{
	struct image_run *r;
	struct overlay_rootfs root;
	struct runtime_rootfs hooks;
	if (prepare(spec, false, extension, &r, &root, &hooks) < 0) {
		fail_context("run");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	int code = runtime_run(&spec->runtime, &hooks);
	container_fs_free(&root.fs); /* -d: the monitor has its own copy (in the foreground: freed) */
	release(r);
	return code;
}

int image_run_detached(struct image_spec *spec, const struct image_run_extension *extension)
{
	struct image_run *r;
	struct overlay_rootfs root;
	struct runtime_rootfs hooks;
	if (prepare(spec, false, extension, &r, &root, &hooks) < 0)
		return -1;
	int rc = runtime_run_detached(&spec->runtime, &hooks);
	container_fs_free(&root.fs); /* the monitor has its own copy, and unmounts it at the end */
	release(r);
	return rc;
}

int image_start_spec(struct image_spec *spec, const struct image_run_extension *extension)
{
	struct image_run *r;
	struct overlay_rootfs root;
	struct runtime_rootfs hooks;
	if (prepare(spec, true, extension, &r, &root, &hooks) < 0)
		return fail_context("cannot start container %.12s", spec->runtime.container.id);
	int rc = runtime_start_again(&spec->runtime, &hooks);
	container_fs_free(&root.fs); /* the monitor has its own copy, and unmounts it at the end */
	release(r);
	return rc;
}

static const struct run_flags *const flags[] = { &image_flags, &overlay_flags };
static const size_t flag_count = sizeof(flags) / sizeof(flags[0]);

int image_cmd_run(int argc, char **argv)
{
	if (asks_for_help(argc, argv)) {
		const struct run_flags *all[] = { &runtime_flags, &image_flags, &overlay_flags };
		return print_run_help(all, sizeof(all) / sizeof(all[0]));
	}
	struct image_spec *spec = calloc(1, sizeof(*spec)); /* large: on the heap */
	if (!spec) {
		fail_errno(ENOMEM, "run");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	int code;
	if (runtime_parse(argc, argv, &spec->runtime, flags, flag_count) < 0)
		code = usage_error("run", "%s", error_message());
	else
		code = image_run_spec(spec, NULL);
	free(spec);
	return code;
}

int image_start_recorded(const struct container_record *record)
{
	struct image_spec *spec = calloc(1, sizeof(*spec)); /* large: on the heap */
	if (!spec)
		return fail_errno(ENOMEM, "cannot start container %.12s", record->id);
	image_spec_read(record, spec);
	spec->runtime.detach = true;
	int rc = image_start_spec(spec, NULL);
	free(spec);
	return rc;
}

int image_cmd_start(int argc, char **argv)
{
	return cmd_start_with(argc, argv, image_start_recorded);
}

int image_cmd_restart(int argc, char **argv)
{
	return cmd_restart_with(argc, argv, image_start_recorded);
}
