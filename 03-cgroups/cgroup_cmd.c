/*
 * cgroup_info.c - `tinydock cgroup info`: what cgroup_layout.c found on this machine, and where a
 * container's cgroup would go (the lecture's CGroups; which version do I have?).
 *
 * The same facts a student can read by hand: `grep cgroup /proc/self/mountinfo`, `cat
 * /sys/fs/cgroup/cgroup.controllers`, `cat /proc/self/cgroup` (README.md shows this machine's).
 * This file is the last of the chapter's cgroup part; the container runtime builds on cgroup.h.
 */
#include "cgroup_cmd.h"
#include "cgroup.h"
#include "cgroup_stats.h"
#include "cli.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define CH "03-cgroups"

static const char help[] =
	"Usage:  tinydock cgroup info [--root DIR]\n"
	"        tinydock cgroup run [OPTIONS] COMMAND [ARG...]\n"
	"\n"
	"Control groups: what this machine has, and one command run under limits.\n"
	"\n"
	"Commands:\n"
	"  info   Show the cgroup layout (v1, v2 or hybrid), the controllers it offers, and where\n"
	"         tinydock puts a container's cgroup\n"
	"  run    Run COMMAND in a new cgroup with the limits given, print what it used on stderr,\n"
	"         and remove the cgroup; the exit code is COMMAND's (137 when killed for memory)\n"
	"\n"
	"Options of info:\n"
	"      --root DIR             Read this cgroup root instead of /sys/fs/cgroup\n"
	"                             (or $TINYDOCK_CGROUP_ROOT)\n"
	"\n"
	"Options of run:\n"
	CGROUP_LIMITS_HELP
	"      --cgroup-parent NAME   Parent of the new cgroup (default \"" CGROUP_DEFAULT_PARENT "\")\n"
	"\n"
	"Examples:\n"
	"  sudo tinydock cgroup info\n"
	"  sudo tinydock --explain cgroup run --memory 32m --memory-swap 32m -- sh -c 'x=$(head -c 64m /dev/zero | tr \\\\0 x)'\n"
	"  sudo tinydock cgroup run --cpus 0.5 -- timeout 2 sh -c 'while :; do :; done'\n";

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

/* "31.9MiB", Docker's style for sizes in `stats`. */
static void human_size(int64_t bytes, char *out, size_t size)
{
	if (bytes < 0)
		snprintf(out, size, "-");
	else if (bytes < 1024 * 1024)
		snprintf(out, size, "%.1fKiB", (double)bytes / 1024);
	else if (bytes < (int64_t)1024 * 1024 * 1024)
		snprintf(out, size, "%.1fMiB", (double)bytes / (1024 * 1024));
	else
		snprintf(out, size, "%.2fGiB", (double)bytes / (1024 * 1024 * 1024));
}

/* What the command used, read from its cgroup before the cgroup is removed. */
static void report(const struct cgroup *cg, int code)
{
	struct cgroup_stats s;
	cgroup_read_stats(cg, &s);
	char peak[32], limit[32];
	human_size(s.memory_peak, peak, sizeof(peak));
	human_size(s.memory_limit, limit, sizeof(limit));
	fprintf(stderr, "cgroup %s/%s: CPU %.3f s, memory peak %s / limit %s, OOM kills %lld\n", cg->parent, cg->id,
		s.cpu_usage_usec < 0 ? 0.0 : (double)s.cpu_usage_usec / 1e6, peak, s.memory_limit < 0 ? "none" : limit,
		(long long)(s.oom_kills < 0 ? 0 : s.oom_kills));
	if (code == 128 + SIGKILL && s.oom_kills > 0)
		fprintf(stderr, "the command was killed by the out-of-memory killer: it needed more than --memory %s\n",
			limit);
}

/* The child: wait until the parent has put us in the cgroup, then become the command. */
static void run_child(int go, char **command)
{
	char byte;
	ssize_t n;
	while ((n = read(go, &byte, 1)) < 0 && errno == EINTR)
		;
	if (n != 1) /* the parent could not place us in the cgroup: run nothing */
		_exit(EXIT_TINYDOCK_FAILED);
	close(go);
	int code = exec_command(CH, command, environ);
	fail_context("cgroup run");
	_exit(error_report(code));
}

static const struct option run_options[] = {
	{ "memory", required_argument, NULL, 'm' },      { "memory-swap", required_argument, NULL, 'S' },
	{ "cpus", required_argument, NULL, 'C' },        { "cpu-shares", required_argument, NULL, 'c' },
	{ "pids-limit", required_argument, NULL, 'P' },  { "cpuset-cpus", required_argument, NULL, 'U' },
	{ "cgroup-parent", required_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Remove the cgroup made for a command that will not run, and report why it will not: the
 * removal's own failure, if any, must not take the place of that reason. */
static int give_up(const struct cgroup *cg)
{
	struct error_saved first;
	error_save(&first);
	cgroup_remove(cg);
	error_restore(&first);
	fail_context("cgroup run");
	return error_report(EXIT_TINYDOCK_FAILED);
}

static int run(int argc, char **argv)
{
	struct cgroup_limits limits = { 0 };
	const char *parent = CGROUP_DEFAULT_PARENT;
	optind = 1;
	opterr = 0;
	int opt, index = 0;
	while ((opt = cli_getopt(argc, argv, "+m:c:h", run_options, &index)) != -1) {
		if (opt == 'p') {
			parent = optarg;
		} else if (opt == 'm' || opt == 'S' || opt == 'C' || opt == 'c' || opt == 'P' || opt == 'U') {
			/* the long option's name is the flag's name in cgroup_limits_set */
			const char *flag = opt == 'm' ? "memory" : opt == 'c' ? "cpu-shares" : run_options[index].name;
			if (cgroup_limits_set(&limits, flag, optarg) < 0)
				return usage_error("cgroup", "%s", error_message());
		} else {
			return usage_error("cgroup", "unknown or incomplete flag \"%s\"", argv[optind - 1]);
		}
		index = 0;
	}
	if (optind >= argc)
		return usage_error("cgroup", "run expects a command: tinydock cgroup run [OPTIONS] COMMAND [ARG...]");
	char **command = argv + optind;

	/* 1. everything that can be checked before touching the kernel */
	if (cgroup_limits_check(&limits, sysconf(_SC_NPROCESSORS_ONLN)) < 0)
		return usage_error("cgroup", "%s", error_message());
	if (geteuid() != 0) {
		fail_errno(0, "cgroup run: must be run as root (creating a cgroup writes to /sys/fs/cgroup); "
			      "try: sudo tinydock cgroup run ...");
		return error_report(EXIT_TINYDOCK_FAILED);
	}

	/* 2. find the layout and make the cgroup, limits written */
	struct cgroup_layout layout;
	struct cgroup cg;
	char id[64];
	snprintf(id, sizeof(id), "run-%d", (int)getpid());
	if (cgroup_detect(NULL, &layout) < 0 || cgroup_create(&layout, parent, id, &limits, &cg) < 0) {
		fail_context("cgroup run");
		return error_report(EXIT_TINYDOCK_FAILED);
	}

	/* 3. fork a child that waits on a pipe until it is inside the cgroup */
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0) {
		fail_sys("cannot make a pipe");
		return give_up(&cg);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		run_child(go[0], command);
	}
	close(go[0]);
	if (pid < 0) {
		fail_sys("cannot fork");
		close(go[1]);
		return give_up(&cg);
	}
	explain(CH, "fork() = %d", (int)pid);

	/* 4. move it in, then let it go: its first instruction already runs under the limits */
	int status = 0, code;
	if (cgroup_attach(&cg, pid) < 0) {
		close(go[1]); /* the child reads end-of-file and exits without running anything */
		waitpid(pid, &status, 0);
		return give_up(&cg);
	}
	if (write(go[1], "g", 1) != 1)
		explain(CH, "write(go) failed: %s", strerror(errno));
	close(go[1]);

	/* 5. as the C library's system function does: Ctrl-C goes to the command (same process group), not to us */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	code = exit_code_for_wait_status(status);
	explain(CH, "waitpid(%d) = exited with %d", (int)pid, code);

	/* 6. what it used, then the cgroup goes (with anything the command left running in it) */
	report(&cg, code);
	if (cgroup_remove(&cg) < 0) {
		fail_context("cgroup run");
		error_report(EXIT_TINYDOCK_FAILED);
	}
	return code;
}

static int info_command(int argc, char **argv)
{
	static const struct option options[] = { { "root", required_argument, NULL, 'r' },
						  { "help", no_argument, NULL, 'h' },
						  { NULL, 0, NULL, 0 } };
	const char *root = NULL;
	optind = 1;
	opterr = 0;
	int opt;
	while ((opt = cli_getopt(argc, argv, "+h", options, NULL)) != -1) {
		if (opt == 'r')
			root = optarg;
		else
			return usage_error("cgroup", "unknown or incomplete flag \"%s\"", argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("cgroup", "unexpected argument \"%s\"", argv[optind]);
	return info(root);
}

int cmd_cgroup(int argc, char **argv)
{
	if (asks_for_help(argc, argv) || (argc >= 2 && asks_for_help(argc - 1, argv + 1)))
		return print_help(help);
	if (argc < 2)
		return usage_error("cgroup", "expected a subcommand: info or run");
	/* the subcommand is argv[0] of its own arguments */
	if (strcmp(argv[1], "info") == 0)
		return info_command(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return run(argc - 1, argv + 1);
	return usage_error("cgroup", "unknown subcommand \"%s\" (expected info or run)", argv[1]);
}
