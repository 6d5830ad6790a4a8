/*
 * layer-cmd.c - `tinydock layer ...`: the chapter's teaching commands, layers by hand.
 *
 *   tinydock layer diff UPPER [LOWER...]              what changed (A/C/D), as `docker diff`
 *   tinydock layer create UPPER -o layer.tar          the changes as a layer, as `docker commit`
 *   tinydock layer apply layer.tar DIR                unpack a layer (honouring whiteouts)
 *   tinydock layer mount TARGET LOWER... [--upper U --work W]   stack layers with overlayfs
 *   tinydock layer unmount TARGET
 *
 * Flags may also follow the operands (getopt_long without the usual leading '+': none of
 * these commands runs a command line of its own whose flags we could steal).
 * LOWER folders are given lowest first, as an image lists its layers. These are the
 * pieces that `run`, `diff`, `commit` and `export` use on containers; here they work on
 * plain folders, so the lab exercises in README.md can take them apart.
 */
#include "atomic-file.h"
#include "changes.h"
#include "cli.h"
#include "error.h"
#include "layer.h"
#include "layer-cmd.h"
#include "overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char HELP[] =
	"Usage:  tinydock layer COMMAND\n"
	"\n"
	"Make, inspect, apply and stack image layers by hand (chapter 04-layers).\n"
	"\n"
	"Commands:\n"
	"  diff UPPER [LOWER...]           List the changes in UPPER over the LOWER folders\n"
	"                                  (lowest first): A added, C changed, D deleted\n"
	"  create UPPER [-o FILE]          Write UPPER as a layer tarball (whiteouts translated)\n"
	"  apply FILE DIR                  Unpack a layer tarball (\"-\": stdin) into DIR; a new DIR\n"
	"                                  appears only when complete. --overlay-whiteouts makes\n"
	"                                  whiteouts overlay's (for a layer folder used as a lower)\n"
	"  mount TARGET LOWER... [--upper DIR --work DIR] [--method auto|data|fsconfig|relative]\n"
	"                                  Mount an overlay of the LOWER folders (lowest first)\n"
	"  unmount TARGET                  Unmount it\n";

static int layer_diff(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("layer diff", "requires an UPPER folder");
	struct change *changes;
	size_t count;
	if (layer_changes(argv[1], (const char *const *)argv + 2, (size_t)argc - 2, &changes, &count) < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	for (size_t i = 0; i < count; i++)
		printf("%c %s\n", changes[i].kind, changes[i].path);
	changes_free(changes, count);
	return 0;
}

static int layer_create_cmd(int argc, char **argv)
{
	static const struct option options[] = { { "output", required_argument, NULL, 'o' }, { 0 } };
	const char *output = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:", options, NULL)) != -1) {
		if (c != 'o')
			return usage_error("layer create", "unknown option");
		output = optarg;
	}
	if (optind != argc - 1)
		return usage_error("layer create", "requires exactly one UPPER folder");
	const char *upper = argv[optind];
	if (!output && isatty(STDOUT_FILENO))
		return usage_error("layer create", "refusing to write a tarball to a terminal: use -o FILE");
	/* To a file, written beside it and renamed at the end: a reader never sees half a layer. */
	struct atomic_file f = { .fd = STDOUT_FILENO };
	if (output && atomic_file_open(&f, output, 0644) < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	struct create_stats stats;
	int rc = layer_create(upper, tar_write_fd, (void *)(intptr_t)f.fd, &stats);
	if (output && rc < 0)
		atomic_file_abort(&f);
	else if (output)
		rc = atomic_file_commit(&f);
	if (rc < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	if (output)
		printf("%s: %llu entries, %llu bytes of file data, %llu whiteouts\n", output,
		       (unsigned long long)stats.entries, (unsigned long long)stats.bytes,
		       (unsigned long long)stats.whiteouts);
	return 0;
}

static int layer_apply_cmd(int argc, char **argv)
{
	static const struct option options[] = { { "overlay-whiteouts", no_argument, NULL, 'O' }, { 0 } };
	struct apply_options apply = { .whiteouts = WHITEOUT_DELETE };
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "", options, NULL)) != -1) {
		if (c != 'O')
			return usage_error("layer apply", "unknown option");
		apply.whiteouts = cli_flag_on(optarg) ? WHITEOUT_OVERLAY : WHITEOUT_DELETE;
	}
	if (optind != argc - 2)
		return usage_error("layer apply", "requires a FILE and a DIR");
	const char *file = argv[optind], *dir = argv[optind + 1];
	int fd = strcmp(file, "-") == 0 ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail_sys("cannot open \"%s\"", file);
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	struct tar_reader *reader = tar_reader_new(tar_read_fd, (void *)(intptr_t)fd, file);
	struct apply_stats stats;
	struct stat st;
	bool fresh = lstat(dir, &st) < 0 && errno == ENOENT;
	int rc = !reader ? -1
		 : fresh ? layer_unpack(reader, dir, &apply, &stats)
			 : layer_apply(reader, dir, &apply, &stats);
	tar_reader_free(reader);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc < 0) {
		if (!fresh)
			fail_context("\"%s\" is now partly changed", dir);
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	printf("%s: %llu entries, %llu bytes, %llu whiteouts applied\n", dir, (unsigned long long)stats.entries,
	       (unsigned long long)stats.bytes, (unsigned long long)stats.whiteouts);
	return 0;
}

static int layer_mount_cmd(int argc, char **argv)
{
	static const struct option options[] = {
		{ "upper", required_argument, NULL, 'u' },
		{ "work", required_argument, NULL, 'w' },
		{ "method", required_argument, NULL, 'm' },
		{ 0 },
	};
	struct overlay o = { 0 };
	enum overlay_method method = OVERLAY_AUTO, used;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "", options, NULL)) != -1) {
		if (c == 'u')
			o.upper = optarg;
		else if (c == 'w')
			o.work = optarg;
		else if (c == 'm' && strcmp(optarg, "auto") == 0)
			method = OVERLAY_AUTO;
		else if (c == 'm' && strcmp(optarg, "data") == 0)
			method = OVERLAY_DATA;
		else if (c == 'm' && strcmp(optarg, "fsconfig") == 0)
			method = OVERLAY_FSCONFIG;
		else if (c == 'm' && strcmp(optarg, "relative") == 0)
			method = OVERLAY_RELATIVE;
		else
			return usage_error("layer mount", "unknown option or method");
	}
	if (argc - optind < 2)
		return usage_error("layer mount", "requires a TARGET and at least one LOWER folder");
	if (!o.upper != !o.work)
		return usage_error("layer mount", "--upper and --work go together");
	o.target = argv[optind];
	o.lowers = (const char *const *)argv + optind + 1;
	o.lower_count = (size_t)(argc - optind - 1);
	int rc = method == OVERLAY_AUTO ? overlay_mount_or_copy(&o, &used) : overlay_mount(&o, method, &used);
	if (rc < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	if (used == OVERLAY_COPY)
		fprintf(stderr, "tinydock: overlayfs is not available here: copied %zu layers into \"%s\" instead\n",
			o.lower_count, o.target);
	return 0;
}

int cmd_layer(int argc, char **argv)
{
	if (argc < 2 || asks_for_help(argc, argv))
		return argc < 2 ? usage_error("layer", "requires a command") : print_help(HELP);
	const char *sub = argv[1];
	argc--, argv++;
	if (asks_for_help(argc, argv))
		return print_help(HELP);
	if (strcmp(sub, "diff") == 0)
		return layer_diff(argc, argv);
	if (strcmp(sub, "create") == 0)
		return layer_create_cmd(argc, argv);
	if (strcmp(sub, "apply") == 0)
		return layer_apply_cmd(argc, argv);
	if (strcmp(sub, "mount") == 0)
		return layer_mount_cmd(argc, argv);
	if (strcmp(sub, "unmount") == 0) {
		if (argc != 2)
			return usage_error("layer unmount", "requires a TARGET");
		return overlay_unmount(argv[1]) < 0 ? error_report(EXIT_TINYDOCK_FAILED) : 0;
	}
	return usage_error("layer", "unknown command \"%s\"", sub);
}
