/*
 * volume-run.c - `run` with volumes: -v, --mount, --tmpfs and an image's VOLUME, as mounts.
 *
 * Chapter 02 knows two kernel mounts, a bind and a tmpfs (02-namespaces/requested-mounts.c).
 * Everything this chapter adds turns into one of them before the container starts:
 *
 *   -v /srv/site:/var/www/html      a bind of the host folder (made when missing, as -v does)
 *   -v site:/var/www/html           a bind of $TINYDOCK_ROOT/volumes/site/_data (volume-store.c),
 *                                   the volume made on first use
 *   -v /var/lib/data, image VOLUME  the same with a new random name: an anonymous volume
 *   --tmpfs /run                    a tmpfs
 *
 * So `start` of a stopped container needs nothing from this chapter: its record lists the
 * binds (chapter 03 writes Mounts), and a volume is a bind of its _data folder. What stays
 * here is what only volumes have: copy-up (volume-copyup.c) on first use, the record's
 * Type/Name/Driver (so `inspect` shows "volume" and `volume rm` sees who uses it), and, with
 * --rm, removing the container's anonymous volumes when it ends, as Docker does.
 *
 * The run itself is chapter 05's (image-run.h): image_run_spec, with our step between the image
 * and the lifecycle (the image's config has the VOLUME list) and our wrap of chapter 04's
 * rootfs hooks (copy-up needs the mounted rootfs, and --rm its end).
 *
 * Next: volume-commands.c (`tinydock volume`, `rm -v`).
 */
#include "volume-run.h"
#include "cli.h"
#include "container-spec.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "image-config.h"
#include "json.h"
#include "volume-store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "06-dockerfile";

enum { OPT_MOUNT = 1601, OPT_TMPFS };

static const struct option options[] = {
	{ "volume", required_argument, NULL, 'v' },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ NULL, 0, NULL, 0 },
};

static int option(struct container *c, int opt, const char *arg)
{
	struct volume_spec *spec = (struct volume_spec *)c; /* run-flags.h: ours begins with c */
	if (spec->request_count == MAX_MOUNTS)
		return fail_errno(0, "too many mounts (at most %d)", MAX_MOUNTS);
	struct volume_request *r = &spec->requests[spec->request_count];
	int rc = opt == 'v' ? parse_volume_flag(arg, r) : opt == OPT_MOUNT ? parse_mount_flag(arg, r) : parse_tmpfs_flag(arg, r);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < spec->request_count; i++)
		if (strcmp(spec->requests[i].target, r->target) == 0)
			return fail_errno(0, "Duplicate mount point: %s", r->target);
	spec->request_count++;
	return 0;
}

const struct run_flags volume_flags = {
	.chapter = CHAPTER,
	.options = options,
	.short_options = "v:",
	.help = "  -v, --volume SRC:DST[:ro]  Bind a host path (made when missing) or a named volume; -v DST: an\n"
		"                            anonymous volume\n"
		"      --mount type=bind|volume|tmpfs,source=SRC,target=DST[,readonly]\n"
		"                            Attach a mount (a bind's source must exist)\n"
		"      --tmpfs DST[:OPTS]    Mount a tmpfs (options as mount(8): size=64m,mode=1777,exec)\n",
	.option = option,
};

/* --- the spec's mounts ----------------------------------------------------------------------- */

/* A bind's source, absolute (Docker's CLI makes "./site" absolute too); -v makes a missing
 * folder, --mount refuses it. */
static int bind_source(const struct volume_request *r, char *out, size_t size)
{
	char cwd[PATH_MAX];
	if (r->source[0] == '/')
		snprintf(out, size, "%s", r->source);
	else if (!getcwd(cwd, sizeof(cwd)))
		return fail_sys("cannot resolve \"%s\"", r->source);
	else
		snprintf(out, size, "%s/%s", cwd, r->source);
	struct stat st;
	if (stat(out, &st) == 0)
		return 0;
	if (errno != ENOENT)
		return fail_sys("cannot use \"%s\" as a bind source", out);
	if (r->source_must_exist)
		return fail_errno(ENOENT, "invalid mount config for type \"bind\": bind source path does not exist: %s",
				  out);
	if (make_dirs(out, 0755) < 0)
		return -1;
	explain(CHAPTER, "mkdir -p \"%s\" (a missing -v source is made, as Docker does)", out);
	return 0;
}

static int add_request(struct container *c, const struct volume_request *r, struct volume_uses *uses)
{
	if (c->mount_count == MAX_MOUNTS)
		return fail_errno(0, "too many mounts (at most %d)", MAX_MOUNTS);
	struct mount_request *m = &c->mounts[c->mount_count];
	struct volume_use *use = &uses->items[uses->count];
	memset(m, 0, sizeof(*m));
	memset(use, 0, sizeof(*use));
	snprintf(m->target, sizeof(m->target), "%s", r->target);
	m->read_only = r->read_only;
	snprintf(use->mode, sizeof(use->mode), "%s", r->mode);
	use->mount = c->mount_count;
	switch (r->kind) {
	case VOLUME_TMPFS:
		m->kind = MOUNT_TMPFS;
		snprintf(m->options, sizeof(m->options), "%s", r->options);
		break;
	case VOLUME_BIND:
		m->kind = MOUNT_BIND;
		if (bind_source(r, m->source, sizeof(m->source)) < 0)
			return -1;
		break;
	case VOLUME_NAMED:
	case VOLUME_ANONYMOUS: {
		bool created;
		m->kind = MOUNT_BIND;
		use->anonymous = r->kind == VOLUME_ANONYMOUS;
		snprintf(use->name, sizeof(use->name), "%s", use->anonymous ? "" : r->source);
		if (volume_create(use->name, use->anonymous, &created) < 0)
			return -1;
		if (created)
			explain(CHAPTER, "volume %s: created in %s/volumes", use->name, state_root());
		/* Docker copies into an empty volume (not only a new one); volumes_copy_up checks. */
		use->copy_up = !r->no_copy;
		volume_data_path(use->name, m->source, sizeof(m->source));
		break;
	}
	}
	c->mount_count++;
	uses->count++;
	return 0;
}

int volumes_into_spec(struct image_spec *spec, const struct volume_request *requests, size_t count,
		      const struct json *image_volumes, struct volume_uses *uses)
{
	struct container *c = &spec->runtime.container;
	for (size_t i = 0; i < count; i++)
		if (add_request(c, &requests[i], uses) < 0)
			return -1;
	/* VOLUME /data in the Dockerfile: an anonymous volume, unless the user mounted something there. */
	json_for_each(target, image_volumes)
	{
		bool covered = false;
		for (size_t i = 0; i < c->mount_count && !covered; i++)
			covered = strcmp(c->mounts[i].target, target->key) == 0;
		if (covered)
			continue;
		struct volume_request r = { .kind = VOLUME_ANONYMOUS };
		snprintf(r.target, sizeof(r.target), "%s", target->key);
		if (r.target[0] != '/' || add_request(c, &r, uses) < 0)
			return r.target[0] != '/' ? fail_errno(0, "the image's VOLUME \"%s\" is not absolute", r.target) : -1;
	}
	return 0;
}

int volumes_remove_anonymous(const struct volume_uses *uses, const char *id)
{
	int rc = 0;
	for (size_t i = 0; i < uses->count; i++)
		if (uses->items[i].anonymous && volume_remove(uses->items[i].name, id) < 0) {
			error_defer(); /* said at the end (error.h); the others are removed still */
			rc = -1;
		}
	return rc;
}

/* --- the record: Type "volume", Name, Driver ------------------------------------------------ */

static int volume_spec_write(const struct runtime_spec *runtime, struct container_record *r)
{
	const struct volume_spec *spec = (const struct volume_spec *)runtime; /* ours begins with it */
	if (image_spec_write(runtime, r) < 0)
		return -1;
	for (size_t i = 0; i < spec->uses.count; i++) {
		const struct volume_use *use = &spec->uses.items[i];
		if (use->mount >= r->mount_count)
			continue;
		struct recorded_mount *m = &r->mounts[use->mount];
		snprintf(m->mode, sizeof(m->mode), "%s", use->mode);
		if (!use->name[0])
			continue;
		snprintf(m->type, sizeof(m->type), "volume");
		snprintf(m->name, sizeof(m->name), "%s", use->name);
		snprintf(m->driver, sizeof(m->driver), "local");
		/* Docker's Mode for a volume is "z" unless given; Propagation is a bind's. */
		if (!m->mode[0])
			snprintf(m->mode, sizeof(m->mode), "z");
		m->propagation[0] = '\0';
	}
	return 0;
}

/* --- chapter 04's rootfs hooks, wrapped ------------------------------------------------------- */

static int mount_then_copy_up(void *ctx, struct runtime_spec *runtime)
{
	struct volume_spec *spec = ctx;
	if (spec->inner.mount(spec->inner.ctx, runtime) < 0)
		return -1;
	if (volumes_copy_up(&runtime->container, &spec->uses) == 0)
		return 0;
	char first[1024];
	snprintf(first, sizeof(first), "%s", error_message());
	spec->inner.unmount(spec->inner.ctx, runtime);
	return fail_errno(0, "%s", first);
}

static int unmount_then_remove(void *ctx, struct runtime_spec *runtime)
{
	struct volume_spec *spec = ctx;
	int rc = spec->inner.unmount(spec->inner.ctx, runtime);
	if (runtime->container.remove)
		volumes_remove_anonymous(&spec->uses, runtime->container.id);
	return rc;
}

/* Our step of image_run_spec: the mounts (a new container), and our hooks around chapter 04's. */
static int prepare(void *ctx, struct image_spec *image, const struct image_run *r, bool recorded,
		   struct runtime_rootfs *rootfs)
{
	(void)ctx;
	struct volume_spec *spec = (struct volume_spec *)image;
	if (!recorded) {
		const struct json *volumes = r->image.config ? json_get(json_get(r->image.config, "config"), "Volumes") : NULL;
		if (volumes_into_spec(image, spec->requests, spec->request_count, volumes, &spec->uses) < 0)
			return -1;
		spec->image.runtime.write_record = volume_spec_write;
	}
	spec->inner = *rootfs;
	rootfs->ctx = spec;
	rootfs->mount = mount_then_copy_up;
	rootfs->unmount = unmount_then_remove;
	return 0;
}

static const struct image_run_extension extension = { .prepare = prepare };

static const struct run_flags *const flags[] = { &image_flags, &overlay_flags, &volume_flags };
static const size_t flag_count = sizeof(flags) / sizeof(flags[0]);

int volume_run(struct volume_spec *spec)
{
	return image_run_spec(&spec->image, &extension);
}

int volume_run_detached(struct volume_spec *spec)
{
	return image_run_detached(&spec->image, &extension);
}

int volume_cmd_run(int argc, char **argv)
{
	if (asks_for_help(argc, argv)) {
		const struct run_flags *all[] = { &runtime_flags, &image_flags, &overlay_flags, &volume_flags };
		return print_run_help(all, sizeof(all) / sizeof(all[0]));
	}
	struct volume_spec *spec = calloc(1, sizeof(*spec)); /* large: on the heap */
	if (!spec) {
		fail_errno(ENOMEM, "run");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	int code;
	if (runtime_parse(argc, argv, &spec->image.runtime, flags, flag_count) < 0)
		code = usage_error("run", "%s", error_message());
	else
		code = image_run_spec(&spec->image, &extension);
	free(spec);
	return code;
}
