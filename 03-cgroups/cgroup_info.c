/*
 * cgroup_info.c - `tinydock cgroup info`: what cgroup_layout.c found on this machine, and where a
 * container's cgroup would go (lecture: "Control groups", "which version do I have?").
 *
 * The same facts a student can read by hand: `grep cgroup /proc/self/mountinfo`, `cat
 * /sys/fs/cgroup/cgroup.controllers`, `cat /proc/self/cgroup` (README.md shows this machine's).
 * This file is the last of the chapter's cgroup part; the container runtime builds on cgroup.h.
 */
#include "cgroup_info.h"
#include "cgroup.h"
#include "cli.h"
#include "error.h"
#include "files.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"Usage:  tinydock cgroup info [OPTIONS]\n"
	"\n"
	"Show the cgroup layout of this machine (v1, v2 or hybrid), the controllers it offers,\n"
	"and where tinydock puts a container's cgroup.\n"
	"\n"
	"Options:\n"
	"      --root DIR   Read this cgroup root instead of /sys/fs/cgroup (or $TINYDOCK_CGROUP_ROOT)\n"
	"  -h, --help       Print this help\n";

static const char *mode_story(enum cgroup_mode mode)
{
	switch (mode) {
	case CGROUP_V2: return "one tree holds every controller";
	case CGROUP_V1: return "one tree per controller";
	case CGROUP_HYBRID: return "controllers in v1 trees, plus a v2 tree that tracks processes";
	}
	return "";
}

/* Print a one-line file such as cgroup.controllers, "(none)" when empty. */
static void print_list(const char *label, const char *dir, const char *file)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	char *text = read_file(path, NULL);
	if (text)
		text[strcspn(text, "\n")] = '\0';
	printf("  %-12s %-28s (%s)\n", label, !text ? "?" : text[0] ? text : "(none)", file);
	free(text);
	error_clear();
}

static int info(const char *root)
{
	struct cgroup_layout layout;
	if (cgroup_detect(root, &layout) < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	printf("Layout:        %s (%s)%s\n", cgroup_mode_name(layout.mode), mode_story(layout.mode),
	       layout.simulated ? ", a plain folder laid out like one" : "");
	printf("Root:          %s\n", layout.root);
	if (layout.unified[0]) {
		printf("v2 tree:       %s\n", layout.unified);
		print_list("offers", layout.unified, "cgroup.controllers");
		print_list("enabled", layout.unified, "cgroup.subtree_control");
	}
	if (layout.mode != CGROUP_V2) {
		printf("v1 trees:\n");
		for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
			printf("  %-12s %s\n", cgroup_controller_name(c), layout.v1[c][0] ? layout.v1[c] : "(not mounted)");
	}
	printf("Containers:    ");
	if (layout.mode == CGROUP_V2) {
		printf("%s/%s/<id>\n", layout.unified, CGROUP_DEFAULT_PARENT);
	} else {
		const char *sep = "";
		for (int c = 0; c < CG_CONTROLLER_COUNT; c++)
			if (layout.v1[c][0]) {
				printf("%s%s/%s/<id>%s", sep, layout.v1[c], CGROUP_DEFAULT_PARENT,
				       c == CG_CPUSET ? "  (with --cpuset-cpus)" : "");
				sep = "\n               ";
			}
		if (layout.unified[0])
			printf("%s%s/%s/<id>", sep, layout.unified, CGROUP_DEFAULT_PARENT);
		printf("\n");
	}
	char *self = read_file("/proc/self/cgroup", NULL);
	if (self) {
		printf("This process:  (/proc/self/cgroup: hierarchy-id:controllers:path)\n");
		for (char *line = strtok(self, "\n"); line; line = strtok(NULL, "\n"))
			printf("  %s\n", line);
		free(self);
	}
	return 0;
}

int cmd_cgroup(int argc, char **argv)
{
	if (asks_for_help(argc, argv) || (argc >= 3 && asks_for_help(argc - 1, argv + 1)))
		return print_help(help);
	if (argc < 2)
		return usage_error("cgroup", "expected a subcommand: info");
	if (strcmp(argv[1], "info") != 0)
		return usage_error("cgroup", "unknown subcommand \"%s\" (expected: info)", argv[1]);
	static const struct option options[] = { { "root", required_argument, NULL, 'r' },
						  { "help", no_argument, NULL, 'h' },
						  { NULL, 0, NULL, 0 } };
	const char *root = NULL;
	optind = 1;
	opterr = 0;
	int opt;
	int sub_argc = argc - 1;
	char **sub_argv = argv + 1; /* "info" is the subcommand's argv[0] */
	while ((opt = getopt_long(sub_argc, sub_argv, "+h", options, NULL)) != -1) {
		if (opt == 'r')
			root = optarg;
		else
			return usage_error("cgroup", "unknown or incomplete flag \"%s\"", sub_argv[optind - 1]);
	}
	if (optind < sub_argc)
		return usage_error("cgroup", "unexpected argument \"%s\"", sub_argv[optind]);
	return info(root);
}
