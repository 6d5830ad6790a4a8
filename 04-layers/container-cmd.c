/*
 * container-cmd.c - a container's filesystem as layers: `diff`, `export`, `import`.
 *
 *   tinydock diff CONTAINER              what it changed: A added, C changed, D deleted
 *   tinydock export [-o FILE] CONTAINER  its whole filesystem as it sees it, as one tar
 *   tinydock import FILE|-               a filesystem tarball as a new layer folder
 *
 * `docker diff`, `docker commit` and `docker export` are three readings of one overlay.
 * diff reads the upper folder against the lowers (changes.c); commit archives the upper with
 * its whiteouts (05-images/image-create.c: a layer is named by its sha256, chapter 05's);
 * export archives the merged view, every layer flattened, with nothing deleted to record.
 *
 * Containers are found by name or id prefix through chapter 03's store (container_resolve),
 * and their folders through container-fs.h. All of these work on a stopped container too:
 * its upper folder outlives it. Export of a stopped container mounts a private, read-only
 * overlay of its lowers with its upper on top (an upper folder is a valid lower layer: its
 * whiteouts and opaque folders mean the same there), so the container's own fs/merged is
 * never touched and a `start` at the same time cannot be disturbed.
 *
 * Docker names an unpacked layer's folder by a random "cache id" (overlay2/<id>/diff) and
 * keeps the mapping to the layer's digest elsewhere; `import` does the same, under
 * $TINYDOCK_ROOT/layers/<id>/diff, and chapter 05 records the digest and makes it an image.
 */
#include "container-cmd.h"
#include "atomic-file.h"
#include "changes.h"
#include "cli.h"
#include "container-fs.h"
#include "container-store.h"
#include "container.h"
#include "error.h"
#include "explain.h"
#include "files.h"
#include "layer.h"
#include "overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CHAPTER[] = "04-layers";

/* Print the recorded message, prefixed with the command's name; the exit code of a failure. */
/* The filesystem of the container named ref (a name or an id prefix), its lowers loaded. */
static int open_container_fs(const char *ref, struct container_fs *fs)
{
	char id[CONTAINER_ID_LENGTH + 1];
	if (container_resolve(ref, id) < 0 || container_fs_init(fs, id) < 0 || container_fs_load(fs) < 0)
		return -1;
	if (container_fs_copied(fs)) {
		container_fs_free(fs);
		return fail_errno(0, "container %.12s has no upper folder: its root was copied (overlayfs was not "
				     "available when it was created)",
				  id);
	}
	return 0;
}

int container_layer_write(const char *id, tar_write_fn sink, void *sink_ctx, struct create_stats *stats)
{
	struct container_fs fs;
	if (open_container_fs(id, &fs) < 0)
		return -1;
	int rc = layer_create(fs.upper, sink, sink_ctx, stats);
	container_fs_free(&fs);
	return rc;
}

/* --- diff ------------------------------------------------------------------------------------ */

static const char DIFF_HELP[] =
	"Usage:  tinydock diff CONTAINER\n"
	"\n"
	"Inspect changes to files or folders on a container's filesystem, as `docker diff`:\n"
	"  A  a file or folder was added\n"
	"  C  it was changed (content, mode, owner, or a folder whose content changed)\n"
	"  D  it was deleted\n";

int cmd_diff(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(DIFF_HELP);
	if (argc != 2)
		return arguments_error("diff", "requires exactly 1 argument: CONTAINER");
	struct container_fs fs;
	struct change *changes = NULL;
	size_t count = 0;
	if (open_container_fs(argv[1], &fs) < 0)
		return command_failed("diff");
	int rc = layer_changes(fs.upper, (const char *const *)fs.lowers, fs.lower_count, &changes, &count);
	container_fs_free(&fs);
	if (rc < 0)
		return command_failed("diff");
	for (size_t i = 0; i < count; i++)
		printf("%c %s\n", changes[i].kind, changes[i].path);
	changes_free(changes, count);
	return 0;
}

/* --- export ---------------------------------------------------------------------------------- */

static const char EXPORT_HELP[] =
	"Usage:  tinydock export [-o FILE] CONTAINER\n"
	"\n"
	"Export a container's filesystem as a tar archive (to stdout, or to FILE): every layer\n"
	"flattened, as the container sees its root. Works on a stopped container too.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   Write to FILE instead of stdout (FILE appears only when complete)\n";

/* The merged view of fs in *tree: fs/merged when it is mounted (a running container) or holds
 * a copied root; otherwise a read-only overlay of the lowers and the upper at fs/export-PID,
 * which *private names (the caller unmounts and removes it). */
static int merged_view(const struct container_fs *fs, char *private, size_t size, const char **tree)
{
	private[0] = '\0';
	if (container_fs_mounted(fs) || container_fs_copied(fs)) {
		*tree = fs->merged;
		return 0;
	}
	const char **lowers = calloc(fs->lower_count + 1, sizeof(*lowers));
	if (!lowers)
		return fail_sys("cannot export");
	for (size_t i = 0; i < fs->lower_count; i++)
		lowers[i] = fs->lowers[i];
	lowers[fs->lower_count] = fs->upper; /* the top layer: lowest first */
	snprintf(private, size, "%s/export-%d", fs->dir, (int)getpid());
	struct overlay o = { .lowers = lowers, .lower_count = fs->lower_count + 1, .target = private };
	int rc = -1;
	if (explain_result(CHAPTER, mkdir(private, 0700), "mkdir(\"%s\", 0700)", private) < 0) {
		fail_sys("cannot create \"%s\"", private);
		private[0] = '\0';
	} else if (overlay_mount(&o, OVERLAY_AUTO, NULL) < 0) {
		rmdir(private);
		private[0] = '\0';
	} else {
		*tree = private;
		rc = 0;
	}
	free(lowers);
	return rc;
}

/* Write the tar to stdout, or to output as a whole file (atomic-file.h). */
static int export_tree(const char *tree, const char *output)
{
	struct create_stats stats;
	if (!output)
		return layer_create(tree, tar_write_fd, (void *)(intptr_t)STDOUT_FILENO, &stats);
	struct atomic_file f;
	if (atomic_file_open(&f, output, 0644) < 0)
		return -1;
	if (layer_create(tree, tar_write_fd, (void *)(intptr_t)f.fd, &stats) < 0) {
		atomic_file_abort(&f);
		return -1;
	}
	return atomic_file_commit(&f); /* layer_create explained what it archived */
}

int cmd_export(int argc, char **argv)
{
	static const struct option options[] = { { "output", required_argument, NULL, 'o' }, { 0 } };
	if (asks_for_help(argc, argv))
		return print_help(EXPORT_HELP);
	const char *output = NULL;
	int opt;
	optind = 1;
	while ((opt = cli_getopt(argc, argv, "+o:", options, NULL)) != -1) {
		if (opt != 'o')
			return usage_error("export", "unknown option");
		output = optarg;
	}
	if (optind != argc - 1)
		return arguments_error("export", "requires exactly 1 argument: CONTAINER");
	if (!output && isatty(STDOUT_FILENO))
		return usage_error("export", "refusing to write a tar archive to a terminal: use -o FILE or redirect");
	struct container_fs fs;
	if (open_container_fs(argv[optind], &fs) < 0)
		return command_failed("export");
	char private[PATH_MAX];
	const char *tree = NULL;
	int rc = merged_view(&fs, private, sizeof(private), &tree);
	if (rc == 0)
		rc = export_tree(tree, output);
	if (private[0]) {
		struct error_saved first; /* why the export failed, if it did, stays what is reported */
		error_save(&first);
		if (overlay_unmount(private) == 0)
			explain_result(CHAPTER, rmdir(private), "rmdir(\"%s\")", private);
		else if (rc == 0)
			rc = -1; /* the tar is complete; the message says what is left mounted */
		else
			error_restore(&first);
	}
	container_fs_free(&fs);
	if (rc < 0)
		return command_failed("export");
	return 0;
}

/* --- import ---------------------------------------------------------------------------------- */

static const char IMPORT_HELP[] =
	"Usage:  tinydock import FILE|-\n"
	"\n"
	"Unpack a filesystem tarball (from `tinydock export`, `docker export`, or any tar) into a\n"
	"new layer folder, $TINYDOCK_ROOT/layers/ID/diff, and print ID. Paths that would leave\n"
	"the folder are refused. Try: tinydock run --rootfs $TINYDOCK_ROOT/layers/ID/diff sh\n"
	"(chapter 05 makes an image of it).\n";

int cmd_import(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(IMPORT_HELP);
	if (argc != 2)
		return arguments_error("import", "requires exactly 1 argument: FILE or - (stdin)");
	const char *file = argv[1];
	if (strcmp(file, "-") == 0 && isatty(STDIN_FILENO))
		return usage_error("import", "refusing to read a tar archive from a terminal");
	int fd = strcmp(file, "-") == 0 ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail_sys("cannot open \"%s\"", file);
		return command_failed("import");
	}
	char id[CONTAINER_ID_LENGTH + 1], folder[PATH_MAX], diff[PATH_MAX];
	struct tar_reader *reader = NULL;
	struct apply_stats stats;
	/* Overlay whiteouts: the folder is made to be a lower layer (as `layer apply --overlay-whiteouts`). */
	struct apply_options apply = { .whiteouts = WHITEOUT_OVERLAY };
	int rc = -1;
	if (make_container_id(id) < 0)
		goto out;
	snprintf(folder, sizeof(folder), "%s/layers/%s", state_root(), id);
	snprintf(diff, sizeof(diff), "%s/diff", folder);
	if (make_dirs(folder, 0700) < 0)
		goto out;
	reader = tar_reader_new(tar_read_fd, (void *)(intptr_t)fd, strcmp(file, "-") == 0 ? "stdin" : file);
	/* layer_unpack unpacks into diff.partial-PID and renames: diff exists only when complete. */
	rc = reader ? layer_unpack(reader, diff, &apply, &stats) : -1;
	if (rc < 0)
		rmdir(folder);
out:
	tar_reader_free(reader);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc < 0)
		return command_failed("import");
	explain(CHAPTER, "imported into \"%s\": %llu entries, %llu bytes", diff, (unsigned long long)stats.entries,
		(unsigned long long)stats.bytes);
	printf("%s\n", id);
	return 0;
}
