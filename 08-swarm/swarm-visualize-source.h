/*
 * swarm-visualize-source.h - where the visualizer gets the swarm's state from.
 *
 * The visualizer asks for the state every 500 ms through a source function, so that what it
 * shows and where that comes from stay apart: in the product the source asks this machine's
 * node process (`{"op":"state"}` on its control socket); in tests and lessons it reads a file
 * that holds such a reply, which a test rewrites to make the swarm "change" under the page.
 */
#ifndef TINYDOCK_SWARM_VISUALIZE_SOURCE_H
#define TINYDOCK_SWARM_VISUALIZE_SOURCE_H

/* Put the reply to {"op":"state"} (malloc'd JSON text) in *state_json and return 0, or return
 * -1 with the reason recorded. */
typedef int swarm_state_source(void *ctx, char **state_json);

/* This machine's node process, through its control socket; ctx is unused. */
int swarm_state_from_node(void *ctx, char **state_json);

/* The file named by ctx (a const char *path), read whole each time. Whoever changes it should
 * replace it with rename(2), so that a reader never sees half of it. */
int swarm_state_from_file(void *ctx, char **state_json);

#endif
