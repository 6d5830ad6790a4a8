/*
 * run-extension.h - how later chapters add to `tinydock run` without chapter 02 knowing them.
 *
 * Dependencies point backwards (each chapter includes only itself and earlier ones): chapter 02 cannot call chapter 03's
 * cgroups or chapter 05's images. Instead, `run` offers named places in its checklist where a
 * later chapter may step in, and the last chapter (08-swarm/tinydock.c) hands the list of
 * extensions to run_with_extensions(). Each extension brings its own flags and its own steps:
 *
 *   parse    its flags (options, short_options) and, if it wants, the leading operands
 *            (chapter 05: the IMAGE in `run IMAGE CMD`)
 *   prepare  before anything exists in the kernel: e.g. mount the overlay rootfs (chapter 04),
 *            look up the image (chapter 05), record the container (chapter 03)
 *   launch   may move the rest of the run into another process: `run -d` forks the monitor
 *            here and the CLI returns at once with the container's id (chapter 03)
 *   cgroup   at SYNC_CGROUP, with the child waiting: put it into its cgroup (chapter 03)
 *   started  just before SYNC_GO: the container exists and is about to run the command
 *   again    after the container's init exited: return 1 to start it again (the restart policy
 *            of chapter 03: the hook waits the delay first), 0 to go on to finished
 *   finished after the container ended (or failed to start): record the exit code, clean up.
 *            Called in reverse order, for every extension whose prepare succeeded.
 *
 * An extension's option hook may also fill c->id (chapter 03's `start` of an existing
 * container); run makes a new id only when none was given.
 *
 * Every hook may be NULL. A hook returns 0, or -1 with a message recorded (error.h).
 */
#ifndef TINYDOCK_RUN_EXTENSION_H
#define TINYDOCK_RUN_EXTENSION_H

#include <getopt.h>
#include <stddef.h>
#include <sys/types.h>

struct container;

struct run_extension {
	const char *chapter;           /* "03-cgroups", for --explain */
	const struct option *options;  /* extra long options, ending with {0}; val >= 1000, unique */
	const char *short_options;     /* extra short options for getopt, e.g. "dp:" (or NULL) */
	const char *help;              /* lines added to `run --help` (or NULL) */
	void *ctx;                     /* the extension's own settings, passed to every hook */

	/* One of this extension's options, with its argument (NULL when it takes none). */
	int (*option)(void *ctx, struct container *c, int opt, const char *arg);
	/* Take leading operands (argv[0..argc-1] are what follows the options); returns how many
	 * were taken, or -1. Called before the rest becomes the command. */
	int (*operands)(void *ctx, struct container *c, int argc, char **argv);
	int (*prepare)(void *ctx, struct container *c);
	/* Returns 0 to go on in this process, 1 when this process is done: exit with *code. */
	int (*launch)(void *ctx, struct container *c, int *code);
	int (*cgroup)(void *ctx, struct container *c, pid_t pid);
	int (*started)(void *ctx, struct container *c, pid_t pid);
	int (*again)(void *ctx, struct container *c, int code);
	void (*finished)(void *ctx, struct container *c, int code);
};

/* `tinydock run` with these extensions (count may be 0): parse, prepare, launch, clone, the
 * protocol, wait. Returns the exit code, as cmd_run does. */
int run_with_extensions(int argc, char **argv, const struct run_extension *const *extensions, size_t count);

/* Parse `run`'s arguments into c, chapter 02's flags and the extensions' (options.c). */
int parse_run_options_with(int argc, char **argv, struct container *c,
			   const struct run_extension *const *extensions, size_t count);

#endif
