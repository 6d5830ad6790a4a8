/*
 * image-create.c - new images from files: `import` (a tarball) and `commit` (a container).
 *
 * Lecture: "an image is a stack of read-only layers; a container adds one writable layer on
 * top; committing freezes that layer into a new image". Both commands end the same way:
 * one new layer blob, a config (the parent's, or a fresh one, with a history entry and the
 * --change instructions applied), a manifest, and optionally a name in index.json.
 *
 *   import FILE REPO:TAG    the tarball is the only layer (scratch as parent), as
 *                           `docker import`: a way in for any root filesystem (`docker
 *                           export`, debootstrap, a `tar c` of a folder)
 *   commit CONTAINER REPO   the parent image's layers + the container's upper folder as
 *                           a layer (chapter 04's container_layer_write: overlay whiteouts
 *                           become .wh. files), Cmd set to the container's command
 *
 * Both print the new image's ID, as Docker does ("sha256:4f2a...").
 *
 * Read next: image-save.c, image-load.c.
 */
#include "image-commands.h"
#include "cli.h"
#include "container-cmd.h"
#include "container-store.h"
#include "error.h"
#include "image-base.h"
#include "image-config.h"
#include "image-layers.h"
#include "image-store.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHANGES 64

struct create_flags {
	const char *changes[MAX_CHANGES];
	size_t change_count;
	const char *message;
};

static int parse_flags(const char *command, int argc, char **argv, struct create_flags *f)
{
	static const struct option options[] = { { "change", required_argument, NULL, 'c' },
						 { "message", required_argument, NULL, 'm' },
						 { "pause", no_argument, NULL, 'p' },
						 { NULL, 0, NULL, 0 } };
	optind = 1;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+c:m:p", options, NULL)) != -1;) {
		if (opt == 'c' && f->change_count < MAX_CHANGES)
			f->changes[f->change_count++] = optarg;
		else if (opt == 'm')
			f->message = optarg;
		else if (opt != 'p') /* --pause: our containers are not paused to commit; accepted */
			return usage_error(command, opt == ':' ? "flag needs an argument: %s" : "unknown flag: %s",
					   argv[optind - 1]);
	}
	return 0;
}

/* Parent config (or a fresh one) + one layer + changes -> stored image, named if asked. */
static int finish_image(struct image_store *s, const struct image *parent, const struct oci_layer *layer,
			const char *created_by, const struct create_flags *f, const char *const *command,
			const char *name)
{
	time_t now = time(NULL);
	char when[40], digest[SHA256_DIGEST_SIZE];
	oci_time_format(now, when, sizeof(when));
	struct json *config = parent && parent->config ? json_copy(parent->config) : oci_config_new(now);
	size_t count = parent ? parent->parts.layer_count : 0;
	struct oci_layer *layers = calloc(count + 1, sizeof(*layers));
	int rc = -1;
	if (!config || !layers)
		goto out;
	for (size_t i = 0; i < count; i++)
		layers[i] = parent->parts.layers[i];
	layers[count] = *layer;
	struct json *settings = oci_config_settings(config);
	if (!settings || oci_config_add_layer(config, layer->diff_id, now, created_by, f->message) < 0)
		goto out;
	if (command && command[0]) { /* commit: the container's command becomes Cmd (docker commit) */
		struct json *cmd = json_set(settings, "Cmd", json_new_array());
		for (size_t i = 0; cmd && command[i]; i++)
			if (!json_append(cmd, json_new_string(command[i])))
				goto out;
		json_remove(settings, "Entrypoint");
	}
	for (size_t i = 0; i < f->change_count; i++)
		if (image_config_change(settings, f->changes[i]) < 0)
			goto out;
	uint64_t size;
	if (image_store_put(s, config, layers, count + 1, digest, &size) < 0 ||
	    image_store_tag(s, name, digest, size) < 0)
		goto out;
	struct image made;
	if (image_read(s, digest, &made) < 0)
		goto out;
	printf("%s\n", made.id);
	image_free(&made);
	rc = 0;
out:
	free(layers);
	json_free(config);
	return rc;
}

/* --- import ----------------------------------------------------------------------------- */

static const char IMPORT_HELP[] =
	"Usage:  tinydock import [OPTIONS] FILE|- [REPOSITORY[:TAG]]\n"
	"\n"
	"Import the contents from a tarball (plain or gzip) to create a filesystem image of one\n"
	"layer, and print its ID.\n"
	"\n"
	"Options:\n"
	"  -c, --change list      Apply Dockerfile instruction to the created image (CMD, ENV, ...)\n"
	"  -m, --message string   Set commit message for imported image\n";

int cmd_image_import(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(IMPORT_HELP);
	struct create_flags f = { 0 };
	if (parse_flags("import", argc, argv, &f) != 0)
		return EXIT_TINYDOCK_FAILED;
	if (optind >= argc || argc - optind > 2)
		return arguments_error("import", "requires 1 or 2 arguments: FILE|- [REPOSITORY[:TAG]]");
	const char *file = argv[optind], *name = optind + 1 < argc ? argv[optind + 1] : NULL;
	char familiar[600], canonical[600];
	if (name && image_name_normalise(name, familiar, canonical) < 0)
		return command_failed("import");
	bool from_stdin = strcmp(file, "-") == 0;
	if (from_stdin && isatty(STDIN_FILENO))
		return usage_error("import", "refusing to read a tar archive from a terminal");
	int fd = from_stdin ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail_sys("cannot open \"%s\"", file);
		return command_failed("import");
	}
	struct image_store s;
	struct oci_layer layer;
	char created_by[PATH_MAX + 16];
	snprintf(created_by, sizeof(created_by), "tinydock import %s", file);
	int rc = image_store_open(&s);
	if (rc == 0)
		rc = image_layer_import_fd(&s, fd, from_stdin ? "stdin" : file, &layer);
	if (rc == 0)
		rc = finish_image(&s, NULL, &layer, created_by, &f, NULL, name);
	if (!from_stdin)
		close(fd);
	image_store_close(&s);
	return rc < 0 ? command_failed("import") : 0;
}

/* --- commit ----------------------------------------------------------------------------- */

struct container_layer {
	const char *id;
};

static int write_container_layer(tar_write_fn sink, void *sink_ctx, void *ctx)
{
	struct create_stats stats;
	return container_layer_write(((struct container_layer *)ctx)->id, sink, sink_ctx, &stats);
}

static int write_folder_layer(tar_write_fn sink, void *sink_ctx, void *ctx)
{
	struct create_stats stats;
	return layer_create(ctx, sink, sink_ctx, &stats);
}

static const char COMMIT_HELP[] =
	"Usage:  tinydock commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n"
	"\n"
	"Create a new image from a container's changes: the image's layers, and what the\n"
	"container changed (its overlay upper folder) as one more layer. Prints the new ID.\n"
	"\n"
	"Options:\n"
	"  -c, --change list      Apply Dockerfile instruction to the created image\n"
	"  -m, --message string   Commit message\n";

int cmd_commit(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(COMMIT_HELP);
	struct create_flags f = { 0 };
	if (parse_flags("commit", argc, argv, &f) != 0)
		return EXIT_TINYDOCK_FAILED;
	if (optind >= argc || argc - optind > 2)
		return arguments_error("commit", "requires 1 or 2 arguments: CONTAINER [REPOSITORY[:TAG]]");
	const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
	char id[CONTAINER_ID_LENGTH + 1], familiar[600], canonical[600];
	if (name && image_name_normalise(name, familiar, canonical) < 0)
		return command_failed("commit");
	struct container_record record = { 0 };
	struct image_store s = { .gc_fd = -1 };
	struct image parent = { 0 }, *base = NULL;
	struct oci_layer rootfs_layer, layer;
	struct container_layer ctx = { .id = id };
	int rc = -1;
	if (container_resolve(argv[optind], id) < 0 || container_record_load(id, &record) < 0 ||
	    image_store_open(&s) < 0)
		goto out;
	/* The parent: the container's image; for a --rootfs container, its folder becomes a first
	 * layer of its own (the image then stands alone, as any image must). */
	if (!record.rootfs[0] && record.image[0]) {
		if (image_resolve(&s, record.image, &parent) < 0)
			goto out;
		base = &parent;
	} else if (record.rootfs[0]) {
		if (image_layer_store(&s, write_folder_layer, record.rootfs, &rootfs_layer) < 0)
			goto out;
		char by[PATH_MAX + 32];
		snprintf(by, sizeof(by), "tinydock: the folder %s", record.rootfs);
		parent.config = oci_config_new(time(NULL));
		if (!parent.config || oci_config_add_layer(parent.config, rootfs_layer.diff_id, time(NULL), by, NULL) < 0 ||
		    image_config_change(oci_config_settings(parent.config), "ENV " IMAGE_DEFAULT_PATH) < 0)
			goto out;
		parent.parts.layers = calloc(1, sizeof(*parent.parts.layers));
		if (!parent.parts.layers)
			goto out;
		parent.parts.layers[0] = rootfs_layer;
		parent.parts.layer_count = 1;
		base = &parent;
	}
	if (image_layer_store(&s, write_container_layer, &ctx, &layer) < 0)
		goto out;
	char created_by[4096] = "";
	for (size_t i = 0; i < record.command.count; i++)
		snprintf(created_by + strlen(created_by), sizeof(created_by) - strlen(created_by), "%s%s", i ? " " : "",
			 record.command.items[i]);
	rc = finish_image(&s, base, &layer, created_by, &f, (const char *const *)record.command.items, name);
out:
	image_free(&parent);
	container_record_free(&record);
	image_store_close(&s);
	return rc < 0 ? command_failed("commit") : 0;
}
