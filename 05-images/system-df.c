/*
 * system-df.c - `tinydock system df`, `system prune` and chapter 05's `info`: what the images
 * and containers hold on disk, and how much a prune gives back.
 *
 * `docker system df` counts each layer once, however many images share it (a layer is stored
 * once: content addressing, chapter 05), and calls reclaimable what no container needs: the
 * layers of images no container was made from, the writable layers of containers that do not
 * run. tinydock's store is laid out the same way, so the same sums are made here: an image's
 * layer blobs (the bytes `images` shows as SIZE), each digest once; a container's upper folder
 * (chapter 04's fs/upper, its own changes). The columns are those of docker/cli's text/tabwriter
 * (minimum width 10, padding 3), so the report lines up as Docker's does.
 */
#include "system-df.h"

#include "cli.h"
#include "command-group.h"
#include "container-fs.h"
#include "container-view.h"
#include "error.h"
#include "humanize.h"
#include "image-commands.h"
#include "image-gc.h"
#include "image-store.h"
#include "runtime.h"
#include "system-info.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* "11.63MB (70%)": the share only where Docker prints one (not for the build cache). */
static void reclaimable_text(const struct df_row *row, char *out, size_t size)
{
	char bytes[32];
	human_size(row->reclaimable, bytes, sizeof(bytes));
	if (row->size > 0 && strcmp(row->type, "Build Cache") != 0)
		snprintf(out, size, "%s (%d%%)", bytes, (int)(row->reclaimable * 100 / row->size));
	else
		snprintf(out, size, "%s", bytes);
}

void df_print(FILE *out, const struct df_row *rows, size_t count)
{
	/* text/tabwriter's cells: a column is as wide as its widest cell plus 3, at least 10. */
	size_t type_width = strlen("TYPE");
	for (size_t i = 0; i < count; i++)
		if (strlen(rows[i].type) > type_width)
			type_width = strlen(rows[i].type);
	int w = (int)(type_width + 3 > 10 ? type_width + 3 : 10);
	fprintf(out, "%-*s%-10s%-10s%-10s%s\n", w, "TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE");
	for (size_t i = 0; i < count; i++) {
		char size[32], reclaimable[48];
		human_size(rows[i].size, size, sizeof(size));
		reclaimable_text(&rows[i], reclaimable, sizeof(reclaimable));
		fprintf(out, "%-*s%-10ld%-10ld%-10s%s\n", w, rows[i].type, rows[i].total, rows[i].active, size,
			reclaimable);
	}
}

/* A set of layer digests, each counted once. */
struct blob_set {
	char (*digests)[SHA256_DIGEST_SIZE];
	bool *used;     /* by an image a container was made from */
	uint64_t *size;
	size_t count;
};

static int blob_set_add(struct blob_set *set, const struct oci_descriptor *blob, bool used)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->digests[i], blob->digest) == 0) {
			set->used[i] = set->used[i] || used;
			return 0;
		}
	size_t n = set->count + 1;
	void *d = realloc(set->digests, n * sizeof(*set->digests));
	if (d)
		set->digests = d;
	void *u = realloc(set->used, n * sizeof(*set->used));
	if (u)
		set->used = u;
	void *s = realloc(set->size, n * sizeof(*set->size));
	if (s)
		set->size = s;
	if (!d || !u || !s)
		return fail_errno(ENOMEM, "count the image layers");
	snprintf(set->digests[set->count], SHA256_DIGEST_SIZE, "%s", blob->digest);
	set->used[set->count] = used;
	set->size[set->count] = blob->size;
	set->count = n;
	return 0;
}

static void blob_set_free(struct blob_set *set)
{
	free(set->digests);
	free(set->used);
	free(set->size);
}

/* The Images row: every image once (two tags of one image are one image). */
int df_images_row(struct df_row *row)
{
	*row = (struct df_row){ .type = "Images" };
	struct image_store s;
	if (image_store_open(&s) < 0)
		return -1;
	struct image_entry *entries = NULL;
	size_t count = 0;
	struct blob_set blobs = { 0 };
	int rc = image_store_list(&s, &entries, &count);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(entries[j].digest, entries[i].digest) == 0;
		if (seen)
			continue;
		struct image img;
		if (image_read(&s, entries[i].digest, &img) < 0) {
			rc = -1;
			break;
		}
		char who[65];
		bool used = image_in_use(&s, &img, who);
		row->total++;
		row->active += used;
		for (size_t l = 0; l < img.parts.layer_count && rc == 0; l++)
			rc = blob_set_add(&blobs, &img.parts.layers[l].blob, used);
		image_free(&img);
	}
	for (size_t i = 0; i < blobs.count; i++) {
		row->size += blobs.size[i];
		if (!blobs.used[i])
			row->reclaimable += blobs.size[i];
	}
	blob_set_free(&blobs);
	free(entries);
	image_store_close(&s);
	return rc;
}

/* The Containers row: a container's size is its writable layer (chapter 04's upper folder). */
int df_containers_row(struct df_row *row)
{
	*row = (struct df_row){ .type = "Containers" };
	struct view *views;
	size_t count;
	if (load_all(&views, &count) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct container_fs fs;
		uint64_t size = 0;
		if (container_fs_init(&fs, views[i].r.id) == 0) {
			size = folder_size(fs.upper);
			container_fs_free(&fs);
		}
		error_clear(); /* a container on a plain --rootfs has no layer of its own */
		bool running = is_running(&views[i]);
		row->total++;
		row->active += running;
		row->size += size;
		if (!running)
			row->reclaimable += size;
	}
	free_views(views, count);
	return 0;
}

int system_df_command(int argc, char **argv, int (*const *more)(struct df_row *row), size_t count)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock system df\n\nShow tinydock disk usage\n");
	if (argc > 1)
		return usage_error("system df", "accepts no arguments");
	struct df_row rows[8];
	if (count > 6)
		count = 6;
	if (df_images_row(&rows[0]) < 0 || df_containers_row(&rows[1]) < 0)
		return command_failed("system df");
	for (size_t i = 0; i < count; i++)
		if (more[i](&rows[2 + i]) < 0)
			return command_failed("system df");
	df_print(stdout, rows, 2 + count);
	return 0;
}

int cmd_system_df(int argc, char **argv)
{
	return system_df_command(argc, argv, NULL, 0);
}

/* `system prune`: what Docker's removes, with its warning, then each prune in turn. Docker's
 * also removes unused networks and the build cache; tinydock's networks are pruned by
 * `network prune` and the build cache by `builder prune` (chapter 06). */
static const char PRUNE_HELP[] = "Usage:  tinydock system prune [OPTIONS]\n"
				 "\n"
				 "Remove unused data\n"
				 "\n"
				 "Options:\n"
				 "  -a, --all     Remove all unused images not just dangling ones\n"
				 "  -f, --force   Do not prompt for confirmation\n";

int cmd_system_prune(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(PRUNE_HELP);
	bool all, force;
	int code = parse_prune_flags("system prune", argc, argv, &all, &force);
	if (code)
		return code;
	if (!force && !confirmed(all ? "This will remove:\n  - all stopped containers\n  - all images without at least one "
				       "container associated to them\n"
				     : "This will remove:\n  - all stopped containers\n  - all dangling images\n"))
		return 0;
	char *containers[] = { "prune", "--force", NULL };
	char *images[] = { "prune", "--force", all ? "--all" : NULL, NULL };
	int c = cmd_container_prune(2, containers);
	int i = cmd_image_prune(all ? 3 : 2, images);
	return c ? c : i;
}

int cmd_info_05(int argc, char **argv)
{
	struct image_store s;
	struct image_entry *entries = NULL;
	size_t count = 0;
	if (image_store_open(&s) < 0)
		return command_failed("info");
	int rc = image_store_list(&s, &entries, &count);
	image_store_close(&s);
	if (rc < 0)
		return command_failed("info");
	long images = 0; /* each image once, however many names it has (Docker's Images) */
	for (size_t i = 0; i < count; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(entries[j].digest, entries[i].digest) == 0;
		images += !seen;
	}
	free(entries);
	const struct system_info_more more = { "overlay", images };
	return system_info_command(argc, argv, &more);
}

static const struct command_alias system_rows_05[] = {
	{ "df", NULL, cmd_system_df, "Show tinydock disk usage" },
	{ "prune", NULL, cmd_system_prune, "Remove unused data" },
	{ NULL, NULL, NULL, NULL },
};

const struct command_group system_group_05 = {
	.name = "system", .summary = "Manage tinydock", .rows = system_rows_05, .extends = &system_group
};

int cmd_system_05(int argc, char **argv)
{
	return command_group_run(&system_group_05, command_tables(), argc, argv);
}
