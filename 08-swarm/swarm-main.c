/*
 * swarm-main.c - `tinydock swarm COMMAND`: one table of the swarm's commands.
 *
 * Docker puts the commands that make and unmake a swarm under `docker swarm` (init, join,
 * join-token, leave) and those that use one beside it (`docker node`, `docker service`,
 * `docker stack`). tinydock does the same, and adds under `swarm` the course's own tools: a
 * simulator of the whole swarm on a virtual clock, simulated machines to run a real one on
 * a single VM, and a page that draws it live. Each command parses its own flags and prints
 * its own --help; this file only finds it.
 */
#include "swarm-main.h"

#include "cli.h"
#include "swarm-machines-command.h"
#include "swarm-node-command.h"
#include "swarm-simulate.h"
#include "swarm-visualize.h"

#include <string.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} swarm_commands[] = {
	{ "init", cmd_swarm_init, "start this machine's node process as a new swarm's first manager" },
	{ "join", cmd_swarm_join, "join a swarm as a worker or a manager" },
	{ "join-token", cmd_swarm_join_token, "show the token to join as a worker or a manager" },
	{ "leave", cmd_swarm_leave, "leave the swarm (the node process stops)" },
	{ "start", cmd_swarm_start, "start the node process again from its state (after a crash)" },
	{ "simulate", cmd_swarm_simulate, "run a swarm in the simulator, on a virtual clock" },
	{ "sim", swarm_machines_command, "simulated machines on this one: sim up|ls|kill|restart|partition|heal|down" },
	{ "visualize", cmd_swarm_visualize, "serve a page that draws the swarm live in a browser" },
};

#define SWARM_COMMAND_COUNT (sizeof(swarm_commands) / sizeof(swarm_commands[0]))

static int print_swarm_help(void)
{
	printf("Usage:  tinydock swarm COMMAND\n\nManage the swarm\n\nCommands:\n");
	for (size_t i = 0; i < SWARM_COMMAND_COUNT; i++)
		printf("  %-12s %s\n", swarm_commands[i].name, swarm_commands[i].summary);
	printf("\nRun 'tinydock swarm COMMAND --help' for more information on a command.\n");
	return 0;
}

int cmd_swarm(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("swarm", "requires a command: init, join, join-token, leave, start, simulate, sim "
					    "or visualize");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)
		return print_swarm_help();
	for (size_t i = 0; i < SWARM_COMMAND_COUNT; i++)
		if (strcmp(argv[1], swarm_commands[i].name) == 0)
			return swarm_commands[i].run(argc - 1, argv + 1);
	return usage_error("swarm", "unknown command \"%s\" (tinydock swarm --help lists them)", argv[1]);
}
