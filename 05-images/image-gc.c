/*
 * image-gc.c - mark and sweep over the image store (`image prune`, and after `rmi`).
 *
 * Content addressing makes sharing free and deletion a question: a layer blob may belong to
 * ten images, so removing one image must not remove it. Like git's gc (and Docker's), we do
 * not count references; we *mark* what is reachable and *sweep* the rest:
 *
 *   mark   every index.json entry -> its manifest -> its config and layer blobs, and the
 *          config's diff_ids -> the unpacked layers/<hex>/; and every container's
 *          fs/lowers -> the layer folders it is running on (an image removed with rmi -f
 *          while its container lives keeps its layers until the container is gone);
 *   sweep  blobs/sha256/, layers/, l/ (links whose layer is gone), and leftovers of killed
 *          processes: ingest/<pid>-..., layers/<hex>.unpack-<pid>, *.partial-<pid>,
 *          index.json.tmp.<pid>.
 *
 * Safety against a concurrent `load`: it writes blobs before naming them in index.json, so
 * for a moment they are unreachable. Every process adding content holds gc.lock shared
 * (image_store_hold); the collector takes it exclusively, so it runs only between loads.
 *
 * Read next: image-save.c and image-load.c.
 */
#include "image-gc.h"
#include "blob-store.h"
#include "container-fs.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "05-images";

/* A set of 64-hex names: small stores, a sorted array is plenty. */
struct name_set {
	char (*items)[65];
	size_t count, capacity;
};

static int set_add(struct name_set *set, const char *hex)
{
	if (set->count == set->capacity) {
		size_t capacity = set->capacity ? set->capacity * 2 : 64;
		void *items = realloc(set->items, capacity * sizeof(*set->items));
		if (!items)
			return fail_sys("gc");
		set->items = items;
		set->capacity = capacity;
	}
	snprintf(set->items[set->count++], 65, "%.64s", hex);
	return 0;
}

static bool set_has(const struct name_set *set, const char *hex)
{
	for (size_t i = 0; i < set->count; i++)
		if (strncmp(set->items[i], hex, 64) == 0 && strlen(hex) == 64)
			return true;
	return false;
}

uint64_t folder_size(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		/* A file with N hard links (busybox's applets) is shared by N names: each counts 1/N,
		 * so a folder holding all of them counts the file once. */
		return S_ISREG(st.st_mode) ? (uint64_t)st.st_size / (st.st_nlink ? st.st_nlink : 1) : 0;
	uint64_t total = 0;
	DIR *dir = opendir(path);
	for (struct dirent *e; dir && (e = readdir(dir));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char child[PATH_MAX];
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		total += folder_size(child);
	}
	if (dir)
		closedir(dir);
	return total;
}

static int mark_images(struct image_store *s, struct name_set *blobs, struct name_set *layers)
{
	struct image_entry *entries;
	size_t count;
	if (image_store_list(s, &entries, &count) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct image img;
		set_add(blobs, entries[i].digest + 7);
		if (image_read(s, entries[i].digest, &img) < 0) {
			/* A broken image keeps what it names (we cannot tell); say so under --explain. */
			explain(CHAPTER, "gc: cannot read %s: %s", entries[i].digest, error_message());
			error_clear();
			continue;
		}
		set_add(blobs, img.id + 7);
		for (size_t l = 0; l < img.parts.layer_count; l++) {
			set_add(blobs, img.parts.layers[l].blob.digest + 7);
			set_add(layers, img.parts.layers[l].diff_id + 7);
		}
		image_free(&img);
	}
	free(entries);
	return 0;
}

/* Layers that containers stand on: each line of containers/<id>/fs/lowers, links followed. */
static void mark_containers(struct image_store *s, struct name_set *layers)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/containers", s->root);
	DIR *dir = opendir(path);
	for (struct dirent *e; dir && (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/containers/%s/fs/lowers", s->root, e->d_name);
		char *text = read_file(path, NULL);
		char **lowers = NULL;
		size_t count = 0;
		if (text && lowers_parse(text, &lowers, &count) == 0) {
			for (size_t i = 0; i < count; i++) {
				char real[PATH_MAX];
				const char *base = realpath(lowers[i], real) ? strrchr(real, '/') : NULL;
				if (base && strlen(base + 1) == 64)
					set_add(layers, base + 1);
			}
			lowers_free(lowers, count);
		}
		free(text);
	}
	if (dir)
		closedir(dir);
	error_clear();
}

/* "<name>.unpack-PID" or "<name>.partial-PID" whose process is gone. */
static bool dead_leftover(const char *name)
{
	const char *dash = strrchr(name, '-');
	if (!dash || (!strstr(name, ".unpack-") && !strstr(name, ".partial-")))
		return false;
	int pid = atoi(dash + 1);
	return pid > 0 && kill(pid, 0) < 0 && errno == ESRCH;
}

static int sweep_blobs(struct image_store *s, const struct name_set *blobs, struct gc_stats *stats)
{
	char folder[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s/blobs/sha256", s->root);
	DIR *dir = opendir(folder);
	if (!dir)
		return fail_sys("cannot open \"%s\"", folder);
	for (struct dirent *e; (e = readdir(dir));) {
		if (strlen(e->d_name) != 64 || set_has(blobs, e->d_name))
			continue;
		struct stat st;
		if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && unlinkat(dirfd(dir), e->d_name, 0) == 0) {
			explain(CHAPTER, "unlink(\"%s/%s\") = 0 [unreachable blob]", folder, e->d_name);
			stats->blobs++;
			stats->bytes += (uint64_t)st.st_size;
		}
	}
	closedir(dir);
	return 0;
}

static int sweep_layers(struct image_store *s, const struct name_set *layers, struct gc_stats *stats)
{
	char folder[PATH_MAX], path[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s/layers", s->root);
	DIR *dir = opendir(folder);
	if (!dir)
		return errno == ENOENT ? 0 : fail_sys("cannot open \"%s\"", folder);
	for (struct dirent *e; (e = readdir(dir));) {
		bool layer = strlen(e->d_name) == 64 && strspn(e->d_name, "0123456789abcdef") == 64;
		bool leftover = dead_leftover(e->d_name);
		if ((!layer || set_has(layers, e->d_name)) && !leftover)
			continue;
		snprintf(path, sizeof(path), "%s/%s", folder, e->d_name);
		uint64_t size = folder_size(path);
		if (remove_tree(path) == 0) {
			explain(CHAPTER, "remove %s [%s]", path, leftover ? "left by a killed process" : "no image or container uses it");
			stats->bytes += size;
			if (leftover)
				stats->leftovers++;
			else
				stats->layers++;
		}
	}
	closedir(dir);
	/* links whose layer is gone */
	snprintf(folder, sizeof(folder), "%s/l", s->root);
	if (!(dir = opendir(folder)))
		return 0;
	for (struct dirent *e; (e = readdir(dir));) {
		struct stat st;
		if (e->d_name[0] == '.' || fstatat(dirfd(dir), e->d_name, &st, 0) == 0)
			continue; /* stat follows the link: it still leads to a layer */
		if (unlinkat(dirfd(dir), e->d_name, 0) == 0)
			stats->links++;
	}
	closedir(dir);
	return 0;
}

int image_store_gc(struct image_store *s, struct gc_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	char path[PATH_MAX];
	/* Our own shared hold would deadlock against our exclusive lock: drop it first. */
	image_store_close(s);
	snprintf(path, sizeof(path), "%s/gc.lock", s->root);
	int gc = take_lock(path, 600000);
	if (gc < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/index.lock", s->root);
	int index = take_lock(path, 60000);
	if (index < 0) {
		close(gc);
		return -1;
	}
	explain(CHAPTER, "flock(gc.lock, LOCK_EX), flock(index.lock, LOCK_EX): no load or tag in progress");
	struct name_set blobs = { 0 }, layers = { 0 };
	int rc = -1;
	if (mark_images(s, &blobs, &layers) < 0)
		goto out;
	mark_containers(s, &layers);
	if (sweep_blobs(s, &blobs, stats) < 0 || sweep_layers(s, &layers, stats) < 0)
		goto out;
	/* index.json.tmp.PID: write_file_atomic's temporary, left when a writer was killed */
	DIR *dir = opendir(s->root);
	for (struct dirent *e; dir && (e = readdir(dir));) {
		int pid = 0;
		if (sscanf(e->d_name, "index.json.tmp.%d", &pid) == 1 && pid > 0 && kill(pid, 0) < 0 && errno == ESRCH &&
		    unlinkat(dirfd(dir), e->d_name, 0) == 0)
			stats->leftovers++;
	}
	if (dir)
		closedir(dir);
	int cleaned = blob_ingest_cleanup(s->root);
	if (cleaned > 0)
		stats->leftovers += (unsigned)cleaned;
	rc = 0;
out:
	free(blobs.items);
	free(layers.items);
	close(index);
	close(gc);
	return rc;
}
