/*
 * swarm-visualize-source.c - the swarm's state from the node process, or from a file
 * (swarm-visualize-source.h).
 */
#include "swarm-visualize-source.h"

#include "error.h"
#include "files.h"
#include "swarm-control.h"

#include <stddef.h>

/* The node's answer must come quickly: the visualizer asks again in 500 ms anyway. */
#define STATE_TIMEOUT_MS 2000

/* A state is a few hundred bytes per task: 16 MiB is far beyond any teaching swarm, and
 * keeps a wrong path (a device, a huge log) from being read into memory. */
#define STATE_FILE_MAX (16u << 20)

int swarm_state_from_node(void *ctx, char **state_json)
{
	(void)ctx;
	return swarm_control_call("{\"op\":\"state\"}", state_json, STATE_TIMEOUT_MS);
}

int swarm_state_from_file(void *ctx, char **state_json)
{
	const char *path = ctx;
	char *text = read_regular_file(path, STATE_FILE_MAX, NULL);
	if (!text)
		return fail_context("cannot read the swarm's state");
	*state_json = text;
	return 0;
}
