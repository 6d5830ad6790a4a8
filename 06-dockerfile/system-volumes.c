/*
 * system-volumes.c - chapter 06's part of `tinydock system`: the Local Volumes and Build Cache
 * rows of `system df`, which exist from this chapter on (chapter 05's system-df.c makes the
 * others), and a `system prune` that removes the build cache too, and with --volumes the
 * anonymous volumes no container uses, as Docker's.
 *
 * A volume is active while a container's record mounts it (volume_users), and only an unused
 * one is reclaimable (`volume prune`). The build cache is never in use between builds, so all
 * of it is reclaimable (`builder prune`); its size is that of the step records and of the
 * layers only the cache keeps (a layer an image has is counted with the images).
 */
#include "system-volumes.h"

#include "system-df.h"

#include "build-cache.h"
#include "cli.h"
#include "command-group.h"
#include "error.h"
#include "image-commands.h"
#include "runtime.h"
#include "image-gc.h"
#include "system-info.h"
#include "volume-commands.h"
#include "volume-store.h"

#include <dirent.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int volumes_row(struct df_row *row)
{
	*row = (struct df_row){ .type = "Local Volumes" };
	char **names;
	size_t count;
	if (volume_list(&names, &count) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		char path[PATH_MAX];
		size_t users = 0;
		volume_data_path(names[i], path, sizeof(path));
		uint64_t size = folder_size(path);
		if (volume_users(names[i], NULL, 0, &users) < 0) {
			volume_list_free(names, count);
			return -1;
		}
		row->total++;
		row->size += size;
		if (users > 0)
			row->active++;
		else
			row->reclaimable += size;
	}
	volume_list_free(names, count);
	return 0;
}

/* One entry per cached step: $TINYDOCK_ROOT/build-cache/steps/<key>.json (build-cache.c). */
static int build_cache_row(struct df_row *row)
{
	*row = (struct df_row){ .type = "Build Cache" };
	char folder[PATH_MAX], steps[PATH_MAX + 8];
	build_cache_folder(folder);
	snprintf(steps, sizeof(steps), "%s/steps", folder);
	DIR *dir = opendir(steps);
	if (dir) {
		for (struct dirent *d; (d = readdir(dir));) {
			size_t len = strlen(d->d_name);
			if (len > 5 && strcmp(d->d_name + len - 5, ".json") == 0)
				row->total++;
		}
		closedir(dir);
	}
	row->size = row->reclaimable = folder_size(folder);
	error_clear(); /* no cache yet: an empty row */
	return 0;
}

static int system_df_06(int argc, char **argv)
{
	static int (*const more[])(struct df_row *) = { volumes_row, build_cache_row };
	return system_df_command(argc, argv, more, 2);
}

static const char PRUNE_HELP[] = "Usage:  tinydock system prune [OPTIONS]\n"
				 "\n"
				 "Remove unused data\n"
				 "\n"
				 "Options:\n"
				 "  -a, --all       Remove all unused images not just dangling ones\n"
				 "  -f, --force     Do not prompt for confirmation\n"
				 "      --volumes   Prune anonymous volumes\n";

/* Docker's warning, line by line for what will go. (Unused networks are `network prune`'s.) */
static bool confirm_prune(bool all, bool volumes)
{
	char what[512];
	snprintf(what, sizeof(what), "This will remove:\n  - all stopped containers\n%s%s  - unused build cache\n",
		 volumes ? "  - all anonymous volumes not used by at least one container\n" : "",
		 all ? "  - all images without at least one container associated to them\n" : "  - all dangling images\n");
	return confirmed(what);
}

static int system_prune_06(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(PRUNE_HELP);
	static const struct option options[] = { { "all", no_argument, NULL, 'a' },
						 { "force", no_argument, NULL, 'f' },
						 { "volumes", no_argument, NULL, 'v' },
						 { 0 } };
	bool all = false, force = false, volumes = false;
	optind = 0;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+af", options, NULL)) != -1;) {
		if (opt == 'a')
			all = true;
		else if (opt == 'f')
			force = true;
		else if (opt == 'v')
			volumes = true;
		else
			return usage_error("system prune", "unknown flag: %s", argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("system prune", "accepts no arguments");
	if (!force && !confirm_prune(all, volumes))
		return 0;
	/* Each prune in turn, told not to ask again: the answer was given above. */
	char *containers[] = { "prune", "--force", NULL };
	char *volume[] = { "volume", "prune", "--force", NULL };
	char *images[] = { "prune", "--force", all ? "--all" : NULL, NULL };
	char *cache[] = { "builder", "prune", "--force", NULL };
	int codes[] = { cmd_container_prune(2, containers), volumes ? cmd_volume(3, volume) : 0,
			cmd_image_prune(all ? 3 : 2, images), cmd_builder(3, cache) };
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i])
			return codes[i];
	return 0;
}

static const struct command_alias system_rows_06[] = {
	{ "df", NULL, system_df_06, "Show tinydock disk usage" },
	{ "prune", NULL, system_prune_06, "Remove unused data (and with --volumes, anonymous volumes)" },
	{ NULL, NULL, NULL, NULL },
};

static const struct command_group system_group_06 = {
	.name = "system", .summary = "Manage tinydock", .rows = system_rows_06, .extends = &system_group_05
};

int cmd_system_06(int argc, char **argv)
{
	return command_group_run(&system_group_06, command_tables(), argc, argv);
}
