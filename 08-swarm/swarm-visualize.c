/*
 * swarm-visualize.c - `tinydock swarm visualize`: serving the page, the state and the event
 * streams (swarm-visualize.h).
 *
 * Two kinds of thread share one thing, the latest view and its version number:
 *
 *     poller (one)            every 500 ms: source -> view; if its bytes differ from the
 *                             last ones, replace them, version++, wake the streams
 *     event stream (one per   wait until version moves (or 15 s pass: a heartbeat), then
 *     open page)              write the view as one event; until the page goes away
 *
 * Polling the node rather than being told of each change keeps the node unaware of its
 * watchers, and costs one small request per half second; comparing the bytes means an
 * unchanged swarm sends nothing but heartbeats.
 */
#include "swarm-visualize.h"

#include "cli.h"
#include "error.h"
#include "http-server.h"
#include "swarm-visualize-events.h"
#include "swarm-visualize-files.h"
#include "swarm-visualize-view.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How often a waiting stream looks whether its page went away, between changes. */
#define PEER_CHECK_MS 1000

struct swarm_visualizer {
	struct swarm_visualizer_config config;
	struct http_server *server;
	pthread_t poller;
	bool poller_started;
	pthread_mutex_t lock;
	pthread_cond_t changed;   /* the view changed, or stopping (CLOCK_MONOTONIC for timed waits) */
	char *view;               /* the latest view (swarm-visualize-view.h), under lock */
	size_t view_size;
	uint64_t version;         /* 1 for the first view, +1 for each different one */
	bool stopping;
};

static void visualizer_log(struct swarm_visualizer *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void visualizer_log(struct swarm_visualizer *v, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (v->config.log)
		v->config.log(v->config.log_ctx, line);
	else
		fprintf(stderr, "%s\n", line);
}

/* --- the state, polled ---------------------------------------------------------------------- */

/* Ask the source once and keep the view if it changed. A source that fails gives a view that
 * says why (the page shows it), so a node that restarts is shown as such, then recovers. */
static void poll_state(struct swarm_visualizer *v)
{
	char *state = NULL, *view = NULL;
	if (v->config.source(v->config.source_ctx, &state) < 0 ||
	    swarm_view_from_state(state, strlen(state), &view) < 0)
		view = swarm_view_of_error(error_message());
	free(state);
	if (!view)
		return; /* out of memory: keep showing the last view, try again next time */
	size_t size = strlen(view);
	pthread_mutex_lock(&v->lock);
	bool changed = !v->view || strcmp(v->view, view) != 0;
	if (changed) {
		free(v->view);
		v->view = view;
		v->view_size = size;
		v->version++;
		pthread_cond_broadcast(&v->changed);
	}
	uint64_t version = v->version;
	pthread_mutex_unlock(&v->lock);
	if (changed)
		visualizer_log(v, "state: version %" PRIu64 " (%zu bytes)", version, size);
	else
		free(view);
}

/* A deadline ms from now on the monotonic clock, for pthread_cond_timedwait. */
static struct timespec deadline_in(int ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static void *poller_thread(void *arg)
{
	struct swarm_visualizer *v = arg;
	pthread_mutex_lock(&v->lock);
	while (!v->stopping) {
		struct timespec next = deadline_in(v->config.poll_ms);
		while (!v->stopping && pthread_cond_timedwait(&v->changed, &v->lock, &next) != ETIMEDOUT)
			;
		if (v->stopping)
			break;
		pthread_mutex_unlock(&v->lock);
		poll_state(v);
		pthread_mutex_lock(&v->lock);
	}
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

/* --- the routes ------------------------------------------------------------------------------ */

/* The latest view, copied out from under the lock (NULL when out of memory). */
static char *current_view(struct swarm_visualizer *v, size_t *size, uint64_t *version)
{
	pthread_mutex_lock(&v->lock);
	char *copy = strdup(v->view);
	*size = v->view_size;
	if (version)
		*version = v->version;
	pthread_mutex_unlock(&v->lock);
	return copy;
}

static void serve_state(struct swarm_visualizer *v, struct http_exchange *ex)
{
	size_t size;
	char *view = current_view(v, &size, NULL);
	if (!view)
		return; /* no answer: the server says 500 */
	struct http_head head;
	http_head_response(&head, 200);
	http_head_field(&head, "Content-Type", "application/json");
	http_head_field(&head, "Cache-Control", "no-store");
	if (http_exchange_send_head(ex, &head, (int64_t)size) == 0)
		http_exchange_write(ex, view, size);
	free(view);
}

/* Write one piece of the stream; false when the page has gone. */
static bool stream_write(struct http_exchange *ex, const char *text, size_t size)
{
	return http_exchange_write(ex, text, size) == 0;
}

/* The event stream: the current view at once, then each new one, heartbeats in between. Ends
 * when the page goes away or the visualizer stops. */
static void serve_events(struct swarm_visualizer *v, struct http_exchange *ex)
{
	struct http_head head;
	http_head_response(&head, 200);
	http_head_field(&head, "Content-Type", "text/event-stream");
	http_head_field(&head, "Cache-Control", "no-store");
	http_exchange_close_after(ex); /* the stream ends only by closing */
	/* No length: chunked (RFC 9112 section 7.1), each write goes out as it is made. */
	if (http_exchange_send_head(ex, &head, -1) < 0 || strcmp(http_exchange_request(ex)->method, "HEAD") == 0)
		return;
	if (!stream_write(ex, SSE_PREAMBLE, strlen(SSE_PREAMBLE)))
		return;
	http_exchange_log(ex, "events: a page is listening");
	uint64_t sent = 0;
	int quiet_ms = 0; /* since the last write */
	int peer_check_ms = v->config.heartbeat_ms < PEER_CHECK_MS ? v->config.heartbeat_ms : PEER_CHECK_MS;
	pthread_mutex_lock(&v->lock);
	while (!v->stopping) {
		if (v->version != sent) {
			uint64_t version = v->version;
			size_t size;
			char *event = sse_event(v->view, &size);
			pthread_mutex_unlock(&v->lock);
			bool ok = event && stream_write(ex, event, size);
			free(event);
			if (!ok)
				return;
			http_exchange_log(ex, "events: sent version %" PRIu64, version);
			sent = version;
			quiet_ms = 0;
			pthread_mutex_lock(&v->lock);
			continue;
		}
		struct timespec until = deadline_in(peer_check_ms);
		int waited = pthread_cond_timedwait(&v->changed, &v->lock, &until);
		if (waited != ETIMEDOUT)
			continue;
		pthread_mutex_unlock(&v->lock);
		quiet_ms += peer_check_ms;
		if (http_exchange_peer_closed(ex))
			return;
		if (quiet_ms >= v->config.heartbeat_ms) {
			if (!stream_write(ex, SSE_HEARTBEAT, strlen(SSE_HEARTBEAT)))
				return;
			quiet_ms = 0;
		}
		pthread_mutex_lock(&v->lock);
	}
	pthread_mutex_unlock(&v->lock);
}

static void handle(struct http_exchange *ex, void *ctx)
{
	struct swarm_visualizer *v = ctx;
	const struct http_message *request = http_exchange_request(ex);
	if (strcmp(request->method, "GET") != 0 && strcmp(request->method, "HEAD") != 0) {
		struct http_head head;
		http_head_response(&head, 405);
		http_head_field(&head, "Allow", "GET, HEAD");
		http_head_field(&head, "Content-Type", "text/plain; charset=utf-8");
		static const char only[] = "the visualizer only shows: GET and HEAD\n";
		if (http_exchange_send_head(ex, &head, sizeof(only) - 1) == 0)
			http_exchange_write(ex, only, sizeof(only) - 1);
		return;
	}
	size_t path_length = strcspn(request->target, "?#");
	if (path_length == strlen("/events") && strncmp(request->target, "/events", path_length) == 0) {
		serve_events(v, ex);
		return;
	}
	if (path_length == strlen("/state.json") && strncmp(request->target, "/state.json", path_length) == 0) {
		serve_state(v, ex);
		return;
	}
	const struct swarm_visualize_file *file = swarm_visualize_file_find(request->target);
	if (!file) {
		static const char missing[] = "not found: the visualizer serves /, /state.json and /events\n";
		http_exchange_reply(ex, 404, "text/plain; charset=utf-8", missing, sizeof(missing) - 1);
		return;
	}
	struct http_head head;
	http_head_response(&head, 200);
	http_head_field(&head, "Content-Type", "%s", file->content_type);
	/* Served by the binary itself: a browser need not keep an old copy after an upgrade. */
	http_head_field(&head, "Cache-Control", "no-cache");
	if (http_exchange_send_head(ex, &head, (int64_t)file->size) == 0)
		http_exchange_write(ex, file->bytes, file->size);
}

/* --- the visualizer's life ----------------------------------------------------------------- */

struct swarm_visualizer *swarm_visualizer_open(const struct swarm_visualizer_config *config)
{
	struct swarm_visualizer *v = calloc(1, sizeof(*v));
	if (!v) {
		fail_errno(ENOMEM, "cannot start the visualizer");
		return NULL;
	}
	v->config = *config;
	if (v->config.poll_ms <= 0)
		v->config.poll_ms = SWARM_VISUALIZE_POLL_MS;
	if (v->config.heartbeat_ms <= 0)
		v->config.heartbeat_ms = SSE_HEARTBEAT_MS;
	pthread_mutex_init(&v->lock, NULL);
	pthread_condattr_t monotonic;
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&v->changed, &monotonic);
	pthread_condattr_destroy(&monotonic);
	poll_state(v);
	struct http_server_config server = { .addr = config->addr, .handler = handle, .handler_ctx = v,
					     .log = config->log, .log_ctx = config->log_ctx };
	if (!v->view || !(v->server = http_server_open(&server))) {
		if (!v->view)
			fail_errno(ENOMEM, "cannot start the visualizer");
		swarm_visualizer_close(v);
		return NULL;
	}
	return v;
}

int swarm_visualizer_port(const struct swarm_visualizer *v)
{
	return http_server_port(v->server);
}

int swarm_visualizer_run(struct swarm_visualizer *v)
{
	int err = pthread_create(&v->poller, NULL, poller_thread, v);
	if (err)
		return fail_errno(err, "cannot start the visualizer's poller");
	v->poller_started = true;
	int rc = http_server_run(v->server);
	/* Wake the poller and every stream before the server waits for its connections. */
	pthread_mutex_lock(&v->lock);
	v->stopping = true;
	pthread_cond_broadcast(&v->changed);
	pthread_mutex_unlock(&v->lock);
	return rc;
}

void swarm_visualizer_stop(struct swarm_visualizer *v)
{
	http_server_stop(v->server);
}

void swarm_visualizer_close(struct swarm_visualizer *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	v->stopping = true;
	pthread_cond_broadcast(&v->changed);
	pthread_mutex_unlock(&v->lock);
	if (v->poller_started)
		pthread_join(v->poller, NULL);
	http_server_close(v->server);
	pthread_cond_destroy(&v->changed);
	pthread_mutex_destroy(&v->lock);
	free(v->view);
	free(v);
}

/* --- the command ----------------------------------------------------------------------------- */

static const char VISUALIZE_HELP[] =
	"Usage:  tinydock swarm visualize [OPTIONS]\n"
	"\n"
	"Serve a page that draws the swarm live: each node a column (hostname, role, leader,\n"
	"status, availability), each task a box coloured by its service. The page follows the\n"
	"swarm through server-sent events; /state.json gives the same picture to scripts.\n"
	"Runs until interrupted (Ctrl-C).\n"
	"\n"
	"Options:\n"
	"      --port N            port to listen on (default 8080)\n"
	"      --address A         address to listen on (default 127.0.0.1; 0.0.0.0 for every one)\n"
	"      --state-file FILE   show the state held in FILE (a reply to {\"op\":\"state\"}),\n"
	"                          read again every 500 ms, instead of asking this node\n";

static struct swarm_visualizer *serving;

static void on_stop_signal(int sig)
{
	(void)sig;
	if (serving)
		swarm_visualizer_stop(serving);
}

static void log_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "visualize: %s\n", line);
}

int cmd_swarm_visualize(int argc, char **argv)
{
	static const struct option options[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "address", required_argument, NULL, 'a' },
		{ "state-file", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *address = "127.0.0.1", *state_file = NULL;
	unsigned long port = 8080;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = cli_getopt(argc, argv, "+h", options, NULL)) != -1) {
		char *end;
		if (c == 'h')
			return print_help(VISUALIZE_HELP);
		if (c == 'p') {
			errno = 0;
			port = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || port > 65535)
				return usage_error("swarm visualize", "--port takes a port number (0 to 65535), not \"%s\"", optarg);
		} else if (c == 'a') {
			address = optarg;
		} else if (c == 's') {
			state_file = optarg;
		} else {
			return usage_error("swarm visualize", "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_error("swarm visualize", "takes no operands");
	char addr[300];
	/* An IPv6 address goes in brackets before its port (RFC 3986 section 3.2.2). */
	snprintf(addr, sizeof(addr), strchr(address, ':') ? "[%s]:%lu" : "%s:%lu", address, port);
	struct swarm_visualizer_config config = {
		.addr = addr,
		.source = state_file ? swarm_state_from_file : swarm_state_from_node,
		.source_ctx = (void *)state_file,
		.log = log_line,
	};
	struct swarm_visualizer *v = swarm_visualizer_open(&config);
	if (!v) {
		fail_context("swarm visualize");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	serving = v;
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a page gone away is an EPIPE on its connection, not our end */
	char shown[300];
	snprintf(shown, sizeof(shown), strchr(address, ':') ? "[%s]" : "%s", address);
	printf("Swarm visualizer: http://%s:%d/ (state from %s%s%s); Ctrl-C stops it\n", shown,
	       swarm_visualizer_port(v), state_file ? "\"" : "this node", state_file ? state_file : "",
	       state_file ? "\"" : "");
	fflush(stdout);
	int rc = swarm_visualizer_run(v);
	serving = NULL;
	swarm_visualizer_close(v);
	fprintf(stderr, "visualize: stopped\n");
	if (rc < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	return 0;
}
