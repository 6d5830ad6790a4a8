/*
 * container-group.c - `tinydock container COMMAND`, Docker's management command for containers
 * (command-group.h): `container ls` is `ps`, `container start` is `start`, and so on.
 *
 * The table is chapter 03's, as containers are, and names every subcommand Docker's `container`
 * has that tinydock teaches. A row names the top-level command that does the work, found in the
 * binary that runs: `container start` in build/ch05/tinydock is chapter 05's `start` (an image's
 * layers as the root), and `container cp` is there only once chapter 04 has given `cp`.
 */
#include "command-group.h"
#include "runtime.h"

#include <stddef.h>

static const struct command_alias container_rows[] = {
	{ "attach", "attach", NULL, "Attach to a running container's output (and input with -i)" },
	{ "commit", "commit", NULL, "Create a new image from a container's changes" },
	{ "cp", "cp", NULL, "Copy files/folders between a container and the local filesystem" },
	{ "create", "create", NULL, "Create a new container" },
	{ "diff", "diff", NULL, "Inspect changes to files or folders on a container's filesystem" },
	{ "exec", "exec", NULL, "Execute a command in a running container" },
	{ "export", "export", NULL, "Export a container's filesystem as a tar archive" },
	{ "inspect", NULL, cmd_container_inspect, "Display detailed information on one or more containers" },
	{ "kill", "kill", NULL, "Kill one or more running containers" },
	{ "logs", "logs", NULL, "Fetch the logs of a container" },
	{ "ls", "ps", NULL, "List containers" },
	{ "list", "ps", NULL, NULL }, /* Docker's aliases of ls */
	{ "ps", "ps", NULL, NULL },
	{ "pause", "pause", NULL, "Pause all processes within one or more containers" },
	{ "port", "port", NULL, "List port mappings or a specific mapping for the container" },
	{ "prune", NULL, cmd_container_prune, "Remove all stopped containers" },
	{ "rename", "rename", NULL, "Rename a container" },
	{ "restart", "restart", NULL, "Restart one or more containers" },
	{ "rm", "rm", NULL, "Remove one or more containers" },
	{ "remove", "rm", NULL, NULL },
	{ "run", "run", NULL, "Create and run a new container from an image" },
	{ "start", "start", NULL, "Start one or more stopped containers" },
	{ "stats", "stats", NULL, "Display a live stream of container(s) resource usage statistics" },
	{ "stop", "stop", NULL, "Stop one or more running containers" },
	{ "top", "top", NULL, "Display the running processes of a container" },
	{ "unpause", "unpause", NULL, "Unpause all processes within one or more containers" },
	{ "wait", "wait", NULL, "Block until one or more containers stop, then print their exit codes" },
	{ NULL, NULL, NULL, NULL },
};

static const struct command_group container_group = { .name = "container", .summary = "Manage containers", .rows = container_rows };

int cmd_container(int argc, char **argv)
{
	return command_group_run(&container_group, command_tables(), argc, argv);
}
