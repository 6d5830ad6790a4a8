/*
 * swarm-visualize.h - `tinydock swarm visualize`: the swarm drawn live in a browser.
 *
 * Docker's swarm visualizer (dockersamples/visualizer) is how classrooms watch a swarm: each
 * node a column, each task a box, and boxes that jump to other columns when a node dies. This
 * is that page, served by chapter 05's HTTP server (http-server.h):
 *
 *     GET /              the page (index.html, style.css, app.js: swarm-visualize-files.h)
 *     GET /state.json    the swarm as the page draws it (swarm-visualize-view.h), for scripts
 *     GET /events        text/event-stream: that same JSON again each time it changes
 *                        (swarm-visualize-events.h)
 *
 * One thread asks the state source every 500 ms and keeps the latest view; each browser's
 * event stream is a connection thread of the server that waits for the view to change.
 */
#ifndef TINYDOCK_SWARM_VISUALIZE_H
#define TINYDOCK_SWARM_VISUALIZE_H

#include "swarm-visualize-source.h"

#define SWARM_VISUALIZE_POLL_MS 500

struct swarm_visualizer_config {
	const char *addr;              /* "127.0.0.1:8080" */
	swarm_state_source *source;
	void *source_ctx;
	int poll_ms;                   /* 0: SWARM_VISUALIZE_POLL_MS */
	int heartbeat_ms;              /* a comment on a quiet stream this often (0: SSE_HEARTBEAT_MS) */
	void (*log)(void *ctx, const char *line); /* NULL: stderr */
	void *log_ctx;
};

struct swarm_visualizer;

/* Listen on config->addr and take a first look at the state; NULL (recorded) on failure. */
struct swarm_visualizer *swarm_visualizer_open(const struct swarm_visualizer_config *config);

/* The port listened on (the kernel's pick when addr asked for port 0). */
int swarm_visualizer_port(const struct swarm_visualizer *v);

/* Serve until swarm_visualizer_stop(): 0, or -1 (recorded). */
int swarm_visualizer_run(struct swarm_visualizer *v);

/* Ask run() to return; safe from a signal handler. */
void swarm_visualizer_stop(struct swarm_visualizer *v);

/* After run() returned: end every event stream, free everything. */
void swarm_visualizer_close(struct swarm_visualizer *v);

/* tinydock swarm visualize [--port 8080] [--address 127.0.0.1] [--state-file FILE] */
int cmd_swarm_visualize(int argc, char **argv);

#endif
