/*
 * tinydock.c - the one binary: a table from command names to the chapters that teach them.
 *
 * This is the last file of the course, and the smallest idea in it: like git's
 * builtins (git.c), every command is a function `int cmd_NAME(int argc, char **argv)`
 * defined in the chapter that teaches it, and this table links them into one
 * program. Adding a command touches its chapter and one row here.
 *
 * Global options come before the command:
 *     tinydock [--explain] COMMAND [ARGS...]
 * `--explain` (or TINYDOCK_EXPLAIN=1) prints every kernel-level step; see
 * 01-chroot/explain.h.
 */
#include "cgroup_cmd.h"
#include "chroot.h"
#include "cli.h"
#include "container.h"
#include "error.h"
#include "explain.h"
#include "network.h"
#include "proxy.h"
#include "format-commands.h"
#include "container-cmd.h"
#include "container-store.h"
#include "device-cgroup.h"
#include "image-commands.h"
#include "image-run.h"
#include "layer-cmd.h"
#include "registry-commands.h"
#include "rootfs.h"
#include "runtime.h"
#include "security.h"

#include <stdio.h>
#include <string.h>

/* `inspect NAME`: a container (chapter 03) if NAME is one, else an image (chapter 05), in
 * Docker's order; `container inspect`/`image inspect` ask for one kind. */
static int cmd_inspect_linked(int argc, char **argv)
{
	char id[CONTAINER_ID_LENGTH + 1];
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		bool container = container_resolve(argv[i], id) == 0;
		error_clear();
		return container ? cmd_inspect(argc, argv) : cmd_image_inspect(argc, argv);
	}
	return cmd_inspect(argc, argv);
}

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *chapter;
	const char *summary;
};

static const struct command commands[] = {
	{ "rootfs", cmd_rootfs, "01-chroot", "Make a minimal root filesystem from the host's static busybox" },
	{ "chroot", cmd_chroot, "01-chroot", "Run a command with its root folder changed (chroot(2))" },
	{ "run", image_cmd_run, "02-namespaces", "Run a command in a new container (namespaces, pivot_root, PID 1)" },
	{ "seccomp", cmd_seccomp, "02-namespaces", "Print a container's seccomp filter, instruction by instruction" },
	{ "network", cmd_network, "02-namespaces", "Manage networks: bridges, veth pairs, addresses" },
	{ "proxy", cmd_proxy, "02-namespaces", "Forward host ports to an address, as -p does (like docker-proxy)" },
	{ "cgroup", cmd_cgroup, "03-cgroups", "Show the cgroup layout (info), run a command under limits (run)" },
	{ "devices", cmd_devices, "03-cgroups", "Print a container's device rules and its v2 device program" },
	{ "ps", cmd_ps, "03-cgroups", "List containers" },
	{ "logs", cmd_logs, "03-cgroups", "Fetch the logs of a container" },
	{ "stop", cmd_stop, "03-cgroups", "Stop one or more running containers (SIGTERM, then SIGKILL)" },
	{ "kill", cmd_kill, "03-cgroups", "Send a signal to one or more running containers" },
	{ "start", image_cmd_start, "03-cgroups", "Start one or more stopped containers" },
	{ "restart", image_cmd_restart, "03-cgroups", "Restart one or more containers" },
	{ "rm", cmd_rm, "03-cgroups", "Remove one or more containers" },
	{ "wait", cmd_wait, "03-cgroups", "Block until containers stop, then print their exit codes" },
	{ "exec", cmd_exec, "03-cgroups", "Run a command in a running container (setns)" },
	{ "inspect", cmd_inspect_linked, "03-cgroups", "Show low-level information on containers or images (JSON)" },
	{ "stats", cmd_stats, "03-cgroups", "Show containers' resource usage, read from their cgroups" },
	{ "top", cmd_top, "03-cgroups", "Show the processes of a container" },
	{ "rename", cmd_rename, "03-cgroups", "Rename a container" },
	{ "port", cmd_port, "03-cgroups", "List the published ports of a container" },
	{ "container", cmd_container, "03-cgroups", "Manage containers (prune)" },
	{ "layer", cmd_layer, "04-layers", "Make, inspect, apply and stack image layers by hand" },
	{ "diff", cmd_diff, "04-layers", "Inspect changes to files or folders on a container's filesystem" },
	{ "export", cmd_export, "04-layers", "Export a container's filesystem as a tar archive" },
	{ "sha256sum", cmd_sha256sum, "05-images", "Print SHA-256 digests of files, as sha256sum does" },
	{ "registry", cmd_registry, "05-images", "Run a registry (serve) or list what one holds (ls)" },
	{ "push", cmd_push, "05-images", "Upload an image to a registry" },
	{ "pull", cmd_pull, "05-images", "Download an image from a registry" },
	{ "gunzip", cmd_gunzip, "05-images", "Decompress gzip data from stdin to stdout (inflate)" },
	{ "images", cmd_images, "05-images", "List images" },
	{ "image", cmd_image, "05-images", "Manage images (ls, tag, rm, inspect, history, prune, import, save, load)" },
	{ "tag", cmd_tag, "05-images", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE" },
	{ "rmi", cmd_rmi, "05-images", "Remove one or more images" },
	{ "history", cmd_history, "05-images", "Show the history of an image" },
	{ "import", cmd_image_import, "05-images", "Import a tarball as a one-layer image (--change as Docker)" },
	{ "commit", cmd_commit, "05-images", "Create a new image from a container's changes" },
	{ "save", cmd_save, "05-images", "Save images to a tar archive (docker load and skopeo read it)" },
	{ "load", cmd_load, "05-images", "Load images from docker save archives and OCI layouts" },
};

static const size_t command_count = sizeof(commands) / sizeof(commands[0]);

static int usage(FILE *out)
{
	fprintf(out, "Usage:  tinydock [--explain] COMMAND [ARGS...]\n"
		     "\n"
		     "A container system built chapter by chapter, to learn how containers work.\n"
		     "\n"
		     "Options:\n"
		     "      --explain   Print every kernel-level step on stderr (or TINYDOCK_EXPLAIN=1)\n"
		     "  -h, --help      Print this help\n"
		     "  -v, --version   Print the version\n"
		     "\n"
		     "Commands:\n");
	for (size_t i = 0; i < command_count; i++)
		fprintf(out, "  %-10s %-14s %s\n", commands[i].name, commands[i].chapter, commands[i].summary);
	fprintf(out, "\nRun 'tinydock COMMAND --help' for more information on a command.\n");
	return out == stdout ? 0 : EXIT_TINYDOCK_FAILED;
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--explain") == 0) {
			explain_enable(true);
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			return usage(stdout);
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--version") == 0) {
			printf("tinydock version %s\n", TINYDOCK_VERSION);
			return 0;
		} else {
			fprintf(stderr, "tinydock: unknown option: %s\nSee 'tinydock --help'.\n", argv[i]);
			return EXIT_TINYDOCK_FAILED;
		}
	}
	if (i == argc)
		return usage(stderr);
	for (size_t c = 0; c < command_count; c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(argc - i, argv + i);
	fprintf(stderr, "tinydock: '%s' is not a tinydock command.\nSee 'tinydock --help'.\n", argv[i]);
	return EXIT_TINYDOCK_FAILED;
}
