/*
 * main.c - the main() of every tinydock binary: global options, then the command's row.
 *
 * One main for every chapter's binary (build/ch01/tinydock ... build/tinydock): what a binary
 * can do is only which tables it links (command.h), chosen by the stage-NN.c of its chapter.
 *
 * Global options come before the command:
 *     tinydock [--explain] [--node NAME] COMMAND [ARGS...]
 * `--explain` (or TINYDOCK_EXPLAIN=1) prints every kernel-level step; see explain.h.
 * `--node NAME` (or TINYDOCK_NODE=NAME) runs the command as on machine NAME of a simulated swarm
 * (chapter 08), as `docker-machine ssh NAME docker ...` would: the binary's stage decides what a
 * machine is (stage_select_node, command.h), before any command reads its state folders.
 */
#include "cli.h"
#include "command.h"
#include "error.h"
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *out)
{
	fprintf(out, "Usage:  tinydock [--explain] [--node NAME] COMMAND [ARGS...]\n"
		     "\n"
		     "A container system built chapter by chapter, to learn how containers work.\n"
		     "\n"
		     "Options:\n"
		     "      --explain   Print every kernel-level step on stderr (or TINYDOCK_EXPLAIN=1)\n"
		     "      --node NAME Run the command on simulated machine NAME (or TINYDOCK_NODE=NAME;\n"
		     "                  tinydock swarm sim)\n"
		     "  -h, --help      Print this help\n"
		     "  -v, --version   Print the version\n"
		     "\n"
		     "Commands:\n");
	command_list(out, stage_commands);
	fprintf(out, "\nRun 'tinydock COMMAND --help' for more information on a command.\n");
	return out == stdout ? 0 : EXIT_TINYDOCK_FAILED;
}

/* --node NAME or TINYDOCK_NODE: this process becomes that machine's, once; the variable is
 * dropped so that the programs it starts do not choose again from the machine's own state. */
static int select_node(const char *name)
{
	if (!name || !*name)
		return 0;
	if (!stage_select_node) {
		fprintf(stderr, "tinydock: --node %s: this tinydock has no simulated machines (they are chapter "
				"08's: build/tinydock)\n", name);
		return EXIT_TINYDOCK_FAILED;
	}
	if (stage_select_node(name) < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	unsetenv("TINYDOCK_NODE");
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	const char *node = getenv("TINYDOCK_NODE");
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--explain") == 0) {
			explain_enable(true);
		} else if (strcmp(argv[i], "--node") == 0 && i + 1 < argc) {
			node = argv[++i];
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
		return usage(stdout); /* as `docker` alone: the help, and success */
	int code = select_node(node);
	if (code)
		return code;
	const struct command *command = command_find(stage_commands, argv[i]);
	if (command) {
		int status = command->run(argc - i, argv + i);
		error_report_deferred(); /* what the command met and went on past (error.h) */
		return status;
	}
	/* Docker's CLI exits 1 here, not 125: no command ran, so nothing of the engine failed. */
	fprintf(stderr, "tinydock: '%s' is not a tinydock command.\nSee 'tinydock --help'.\n", argv[i]);
	return EXIT_FAILURE;
}
