/*
 * build-cache.c - the build cache on disk: one small JSON file per step.
 *
 *     $TINYDOCK_ROOT/build-cache/steps/<key>.json   {"config": {...}, "layer": {...}}
 *     $TINYDOCK_ROOT/build-cache/contexts/<hash>    a context's stat cache (build-context.c)
 *
 * The key (build-plan.h) is a digest of the parent image's ID and of the step: the same
 * parent and the same step made the same thing before, so the step is not run again. Docker's
 * classic builder finds the same answer by searching its images for a child of the parent
 * whose ContainerConfig.Cmd is the step; a file per key is that search done by the file
 * system. The result keeps the whole config the step made, with its history entry and its
 * "created" time, so a cached build gives the very same image ID as the build it reuses.
 *
 * Only the file names the layer blob; the blob lives in the image store and `image prune`
 * may remove it when no image uses it: such an entry counts as a miss.
 *
 * Read next: build.c.
 */
#include "build-cache.h"
#include "blob-store.h"
#include "cli.h"
#include "error.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void build_cache_folder(char folder[PATH_MAX])
{
	snprintf(folder, PATH_MAX, "%s/build-cache", state_root());
}

static void step_file(const char *key, char path[PATH_MAX])
{
	char folder[PATH_MAX];
	build_cache_folder(folder);
	snprintf(path, PATH_MAX, "%.*s/steps/%.64s.json", PATH_MAX - 90, folder, key);
}

void cache_result_free(struct cache_result *result)
{
	json_free(result->config);
	memset(result, 0, sizeof(*result));
}

int build_cache_get(const char *key, struct cache_result *result)
{
	memset(result, 0, sizeof(*result));
	char path[PATH_MAX];
	step_file(key, path);
	struct stat st;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : fail_sys("cannot read the build cache \"%s\"", path);
	struct json *entry = json_parse_file(path);
	if (!entry)
		return 0; /* unreadable: rebuilt and rewritten */
	struct json *config = json_get(entry, "config");
	const struct json *layer = json_get(entry, "layer");
	int rc = 0;
	if (json_is(config, JSON_OBJECT) &&
	    (!layer || (oci_descriptor_parse(layer, &result->layer.blob) == 0 && json_get_string(layer, "diff_id")))) {
		if (layer) {
			snprintf(result->layer.diff_id, sizeof(result->layer.diff_id), "%s",
				 json_get_string(layer, "diff_id"));
			result->has_layer = true;
		}
		if (!layer || blob_exists(state_root(), result->layer.blob.digest)) {
			result->config = json_copy(config);
			rc = result->config ? 1 : -1;
		}
	}
	error_clear();
	json_free(entry);
	return rc;
}

int build_cache_put(const char *key, const struct cache_result *result)
{
	char path[PATH_MAX], folder[PATH_MAX];
	build_cache_folder(folder);
	snprintf(folder + strlen(folder), sizeof(folder) - strlen(folder), "/steps");
	step_file(key, path);
	struct json *entry = json_new_object();
	int rc = -1;
	if (entry && json_add(entry, "config", json_copy(result->config))) {
		struct json *layer = result->has_layer ? oci_descriptor_json(&result->layer.blob) : NULL;
		if (!result->has_layer || (layer && json_add_string(layer, "diff_id", result->layer.diff_id) &&
					   json_add(entry, "layer", layer)))
			rc = 0;
		else if (!json_get(entry, "layer"))
			json_free(layer);
	}
	size_t length;
	char *text = rc == 0 ? json_write(entry, 0, &length) : NULL;
	rc = text && make_dirs(folder, 0700) == 0 ? write_file_atomic(path, text, length, 0600) : -1;
	free(text);
	json_free(entry);
	return rc;
}

/* Bytes under a folder (for "Total reclaimed space"). */
static unsigned long long folder_size(const char *path)
{
	unsigned long long total = 0;
	DIR *dir = opendir(path);
	if (!dir)
		return 0;
	for (struct dirent *d; (d = readdir(dir));) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		char child[PATH_MAX];
		struct stat st;
		snprintf(child, sizeof(child), "%.*s/%s", PATH_MAX - 300, path, d->d_name);
		if (lstat(child, &st) == 0)
			total += S_ISDIR(st.st_mode) ? folder_size(child) : (unsigned long long)st.st_size;
	}
	closedir(dir);
	return total;
}

static const char BUILDER_HELP[] = "Usage:  tinydock builder prune [-f] [-a]\n"
				   "\n"
				   "Remove the build cache ($TINYDOCK_ROOT/build-cache): every step's result and\n"
				   "the contexts' stat caches. Layers that no image uses stay until `image prune`.\n"
				   "It asks first, unless -f (--force); -a (--all) is accepted: the whole cache goes.\n";

int cmd_builder(int argc, char **argv)
{
	if (asks_for_help(argc, argv) || argc < 2)
		return argc < 2 ? usage_error("builder", "requires a command: prune") : print_help(BUILDER_HELP);
	if (strcmp(argv[1], "prune") != 0)
		return usage_error("builder", "unknown command \"%s\": the one command is prune", argv[1]);
	if (asks_for_help(argc - 1, argv + 1))
		return print_help(BUILDER_HELP);
	bool all, force; /* --all: the whole cache goes either way */
	int code = parse_prune_flags("builder prune", argc - 1, argv + 1, &all, &force);
	if (code)
		return code;
	if (!force && !confirmed("This will remove all build cache."))
		return 0;
	char folder[PATH_MAX];
	build_cache_folder(folder);
	unsigned long long size = folder_size(folder);
	if (remove_tree(folder) < 0 && error_errno() != ENOENT)
		return command_failed("builder prune");
	error_clear();
	printf("Total reclaimed space: %lluB\n", size);
	return 0;
}
