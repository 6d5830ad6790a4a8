/*
 * run-flags.h - how a later chapter adds its flags to `tinydock run` without chapter 02 knowing them.
 *
 * Dependencies point backwards (each chapter includes only itself and earlier ones), so the
 * spec of a container grows by composition: each chapter's spec embeds the one before it as its
 * FIRST member, and a pointer to the larger spec is a pointer to the smaller one (C11 6.7.2.1:
 * "a pointer to a structure object, suitably converted, points to its initial member"):
 *
 *   struct container      chapter 02: rootfs, command, env, user, namespaces, network, ports
 *   struct runtime_spec   chapter 03: { struct container; -d, --restart, limits, the record }
 *   struct image_spec     chapter 05: { struct runtime_spec; IMAGE, --entrypoint }
 *
 * One getopt_long(3) pass reads all of `run`'s flags: chapter 02's own, then each later
 * chapter's run_flags, whose option hook receives the container and converts it back to its
 * own (larger) spec. operands may take the leading operands (chapter 05: the IMAGE in
 * `run IMAGE CMD`); without one that takes something, --rootfs DIR is required.
 */
#ifndef TINYDOCK_RUN_FLAGS_H
#define TINYDOCK_RUN_FLAGS_H

#include <getopt.h>
#include <stddef.h>

struct container;

struct run_flags {
	const char *chapter;           /* "03-cgroups" */
	const struct option *options;  /* extra long options, ending with {0}; val >= 1000, unique */
	const char *short_options;     /* extra short options for getopt, e.g. "dm:" (or NULL) */
	const char *help;              /* lines added to `run --help` (or NULL) */
	/* One of these options, with its argument (NULL when it takes none). */
	int (*option)(struct container *spec, int opt, const char *arg);
	/* Take leading operands (argv[0..argc-1] follow the options): returns how many were taken,
	 * or -1. Called before the rest becomes the command. May be NULL. */
	int (*operands)(struct container *spec, int argc, char **argv);
};

/* Parse `run`'s arguments (argv[0] = "run") into c: chapter 02's flags and those of the later
 * chapters (count may be 0). c is zeroed first (its outer spec is the caller's to zero). */
int parse_run_options_with(int argc, char **argv, struct container *c, const struct run_flags *const *flags,
			   size_t count);

/* `run --help`: chapter 02's flags, then each later chapter's. Returns 0. */
int print_run_help(const struct run_flags *const *flags, size_t count);

#endif
