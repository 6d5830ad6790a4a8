/*
 * test_swarm_visualize.c - the visualizer's pure parts: the state as the page draws it
 * (swarm-visualize-view.c), the event stream's framing (swarm-visualize-events.c), the page's
 * files built into the binary (swarm-visualize-files.c), and the server answering a real
 * connection on loopback with a changing state (swarm-visualize.c).
 */
#include <check.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "json.h"
#include "files.h"
#include "swarm-command.h"
#include "swarm-control.h"
#include "swarm-frame.h"
#include "swarm-fixtures.h"
#include "swarm-snapshot.h"
#include "swarm-visualize-events.h"
#include "swarm-visualize-files.h"
#include "swarm-visualize-source.h"
#include "swarm-visualize-view.h"
#include "swarm-visualize.h"

/* --- states, as a node answers {"op":"state"} ------------------------------------------------- */

/* A reply to {"op":"state"} around the store's own snapshot, led by m1, m2 reachable or not. */
static char *state_reply(const struct swarm_store *store, bool m2_reachable)
{
	size_t size;
	char *snapshot = swarm_store_snapshot(store, &size);
	ck_assert_ptr_nonnull(snapshot);
	char *reply;
	ck_assert_int_ge(asprintf(&reply,
				  "{\"ok\":true,\"self\":\"m1\",\"leader\":\"m1\",\"managers\":["
				  "{\"id\":\"m1\",\"address\":\"10.0.0.1:2377\",\"reachable\":true,\"leader\":true},"
				  "{\"id\":\"m2\",\"address\":\"10.0.0.2:2377\",\"reachable\":%s,\"leader\":false}],"
				  "\"store\":%s}",
				  m2_reachable ? "true" : "false", snapshot),
			 0);
	free(snapshot);
	return reply;
}

/* Two managers, two workers, web x3 and api x2, settled: every task running. */
static void small_swarm(struct swarm_store *store)
{
	swarm_store_init(store);
	swarm_fixture_join(store, "m1", SWARM_MANAGER);
	swarm_fixture_join(store, "m2", SWARM_MANAGER);
	swarm_fixture_join(store, "w1", SWARM_WORKER);
	swarm_fixture_join(store, "w2", SWARM_WORKER);
	struct swarm_service_spec web = swarm_fixture_spec("web", 3), api = swarm_fixture_spec("api", 2);
	swarm_fixture_create(store, &web, 0);
	swarm_fixture_create(store, &api, 0);
	swarm_fixture_settle(store, 0);
}

static struct json *view_of(const char *reply)
{
	char *text = NULL;
	ck_assert_msg(swarm_view_from_state(reply, strlen(reply), &text) == 0, "%s", error_message());
	ck_assert_ptr_null(strchr(text, '\n')); /* one line: one event's data line */
	struct json *view = json_parse(text, strlen(text));
	ck_assert_ptr_nonnull(view);
	free(text);
	return view;
}

static const struct json *column(const struct json *view, const char *id)
{
	const struct json *nodes = json_get(view, "nodes");
	for (const struct json *node = nodes->first; node; node = node->next)
		if (strcmp(json_get_string(node, "id"), id) == 0)
			return node;
	ck_abort_msg("no column for node %s", id);
	return NULL;
}

static size_t tasks_named(const struct json *view, const char *prefix)
{
	size_t count = 0;
	for (const struct json *node = json_get(view, "nodes")->first; node; node = node->next)
		for (const struct json *task = json_get(node, "tasks")->first; task; task = task->next)
			count += strncmp(json_get_string(task, "name"), prefix, strlen(prefix)) == 0;
	return count;
}

START_TEST(each_node_is_a_column_with_its_role_leader_and_running_tasks)
{
	struct swarm_store store;
	small_swarm(&store);
	char *reply = state_reply(&store, true);
	struct json *view = view_of(reply);
	ck_assert_uint_eq(json_get(view, "nodes")->count, 4);
	const struct json *m1 = column(view, "m1"), *m2 = column(view, "m2"), *w1 = column(view, "w1");
	bool leader;
	ck_assert_int_eq(json_bool(json_get(m1, "leader"), &leader), 0);
	ck_assert(leader);
	ck_assert_str_eq(json_get_string(m1, "manager_status"), "Leader");
	ck_assert_str_eq(json_get_string(m2, "manager_status"), "Reachable");
	ck_assert_str_eq(json_get_string(w1, "manager_status"), "");
	ck_assert_str_eq(json_get_string(w1, "role"), "worker");
	ck_assert_str_eq(json_get_string(w1, "status"), "ready");
	ck_assert_str_eq(json_get_string(w1, "availability"), "active");
	ck_assert_str_eq(json_get_string(view, "leader"), "m1");
	/* every task of both services is in some node's column, named SERVICE.SLOT */
	ck_assert_uint_eq(tasks_named(view, "web."), 3);
	ck_assert_uint_eq(tasks_named(view, "api."), 2);
	ck_assert_uint_eq(json_get(view, "pending")->count, 0);
	const struct json *web = json_at(json_get(view, "services"), 0);
	int64_t running, replicas;
	ck_assert_str_eq(json_get_string(web, "name"), "web");
	ck_assert_int_eq(json_int64(json_get(web, "running"), &running), 0);
	ck_assert_int_eq(json_int64(json_get(web, "replicas"), &replicas), 0);
	ck_assert_int_eq(running, 3);
	ck_assert_int_eq(replicas, 3);
	json_free(view);
	free(reply);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_manager_the_node_cannot_reach_is_unreachable)
{
	struct swarm_store store;
	small_swarm(&store);
	char *reply = state_reply(&store, false);
	struct json *view = view_of(reply);
	ck_assert_str_eq(json_get_string(column(view, "m2"), "manager_status"), "Unreachable");
	json_free(view);
	free(reply);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_lost_workers_tasks_leave_its_column_and_their_replacements_run_elsewhere)
{
	struct swarm_store store;
	small_swarm(&store);
	size_t on_w2 = swarm_fixture_count(&store, NULL, SWARM_TASK_RUNNING, "w2", true);
	ck_assert_uint_gt(on_w2, 0);
	struct swarm_command down;
	swarm_command_init(&down, SWARM_NODE_STATUS, 10);
	swarm_copy_name(down.name, sizeof(down.name), "w2");
	down.node_status = SWARM_NODE_DOWN;
	ck_assert_int_eq(swarm_fixture_apply(&store, &down), 0);
	swarm_fixture_settle(&store, 10);
	char *reply = state_reply(&store, true);
	struct json *view = view_of(reply);
	const struct json *w2 = column(view, "w2");
	ck_assert_str_eq(json_get_string(w2, "status"), "down");
	ck_assert_uint_eq(json_get(w2, "tasks")->count, 0); /* its orphaned tasks are history */
	ck_assert_uint_eq(tasks_named(view, "web."), 3);
	ck_assert_uint_eq(tasks_named(view, "api."), 2);
	json_free(view);
	free(reply);
	swarm_store_free(&store);
}
END_TEST

/* A reply written by hand: one node, tasks in the states the page must tell apart. */
static const char HAND_REPLY[] =
	"{\"ok\":true,\"leader\":\"\",\"store\":{\"nodes\":[{\"spec\":{\"id\":\"n1\",\"hostname\":\"alpha\","
	"\"role\":\"worker\",\"availability\":\"drain\"},\"status\":\"ready\"}],"
	"\"services\":[{\"spec\":{\"name\":\"agent\",\"mode\":\"global\",\"replicas\":0}},"
	"{\"spec\":{\"name\":\"web\",\"mode\":\"replicated\",\"replicas\":2}}],"
	"\"tasks\":["
	"{\"id\":1,\"service\":\"agent\",\"slot\":0,\"node\":\"n1\",\"desired\":\"running\",\"observed\":\"running\"},"
	"{\"id\":2,\"service\":\"web\",\"slot\":1,\"node\":\"n1\",\"desired\":\"shutdown\",\"observed\":\"running\"},"
	"{\"id\":3,\"service\":\"web\",\"slot\":1,\"node\":\"n1\",\"desired\":\"shutdown\",\"observed\":\"failed\"},"
	"{\"id\":4,\"service\":\"web\",\"slot\":2,\"node\":\"\",\"desired\":\"running\",\"observed\":\"pending\","
	"\"message\":\"no suitable node\"}]}}";

START_TEST(a_global_task_is_named_after_its_node_and_a_stopping_one_is_still_shown)
{
	struct json *view = view_of(HAND_REPLY);
	const struct json *tasks = json_get(column(view, "n1"), "tasks");
	ck_assert_uint_eq(tasks->count, 2); /* the failed one is history */
	ck_assert_str_eq(json_get_string(json_at(tasks, 0), "name"), "agent.n1");
	ck_assert_str_eq(json_get_string(json_at(tasks, 1), "name"), "web.1");
	ck_assert_str_eq(json_get_string(json_at(tasks, 1), "desired"), "shutdown");
	ck_assert_str_eq(json_get_string(column(view, "n1"), "availability"), "drain");
	int64_t replicas;
	ck_assert_int_eq(json_int64(json_get(json_at(json_get(view, "services"), 0), "replicas"), &replicas), 0);
	ck_assert_int_eq(replicas, -1); /* global: no replica count */
	json_free(view);
}
END_TEST

START_TEST(a_task_not_yet_placed_waits_in_pending_with_its_reason)
{
	struct json *view = view_of(HAND_REPLY);
	const struct json *pending = json_get(view, "pending");
	ck_assert_uint_eq(pending->count, 1);
	ck_assert_str_eq(json_get_string(json_at(pending, 0), "name"), "web.2");
	ck_assert_str_eq(json_get_string(json_at(pending, 0), "message"), "no suitable node");
	json_free(view);
}
END_TEST

START_TEST(the_same_state_gives_the_same_bytes)
{
	char *a, *b;
	ck_assert_int_eq(swarm_view_from_state(HAND_REPLY, strlen(HAND_REPLY), &a), 0);
	ck_assert_int_eq(swarm_view_from_state(HAND_REPLY, strlen(HAND_REPLY), &b), 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(a_task_has_the_colour_of_its_service_and_services_do_not_look_alike)
{
	static const char *const names[] = { "web", "api", "db", "cache", "queue", "front" };
	struct swarm_store store;
	swarm_store_init(&store);
	swarm_fixture_join(&store, "m1", SWARM_MANAGER);
	for (size_t i = 0; i < 6; i++) {
		struct swarm_service_spec spec = swarm_fixture_spec(names[i], 1);
		swarm_fixture_create(&store, &spec, 0);
	}
	swarm_fixture_settle(&store, 0);
	char *reply = state_reply(&store, true);
	struct json *view = view_of(reply);
	const struct json *services = json_get(view, "services");
	int64_t hues[6];
	for (size_t i = 0; i < 6; i++) {
		ck_assert_int_eq(json_int64(json_get(json_at(services, i), "hue"), &hues[i]), 0);
		ck_assert(hues[i] >= 0 && hues[i] < 360);
		for (size_t j = 0; j < i; j++) {
			int64_t d = llabs(hues[i] - hues[j]);
			ck_assert_msg((d > 180 ? 360 - d : d) >= 30, "%s and %s look alike", names[i], names[j]);
		}
	}
	for (const struct json *task = json_get(column(view, "m1"), "tasks")->first; task; task = task->next) {
		int64_t hue;
		json_int64(json_get(task, "hue"), &hue);
		for (size_t i = 0; i < 6; i++)
			if (strcmp(json_get_string(task, "service"), names[i]) == 0)
				ck_assert_int_eq(hue, hues[i]);
	}
	/* the first service's colour is its name's own, whatever comes after it */
	ck_assert_int_eq(hues[0], swarm_view_service_hue("web"));
	json_free(view);
	free(reply);
	swarm_store_free(&store);
}
END_TEST

START_TEST(a_refused_reply_gives_the_nodes_reason)
{
	static const char refused[] = "{\"ok\":false,\"error\":\"this node is not part of a swarm\"}";
	char *view = NULL;
	ck_assert_int_eq(swarm_view_from_state(refused, strlen(refused), &view), -1);
	ck_assert_str_eq(error_message(), "this node is not part of a swarm");
	ck_assert_ptr_null(view);
}
END_TEST

START_TEST(a_reply_that_is_not_json_or_lacks_the_store_is_refused)
{
	static const char *const bad[] = {
		"not json", "{\"nodes\":[]}", "{\"ok\":true}", "{\"ok\":true,\"store\":{\"nodes\":[],\"services\":[]}}",
		"{\"ok\":true,\"store\":{\"nodes\":[{\"spec\":{\"id\":\"n\"},\"status\":\"ready\"}],\"services\":[],\"tasks\":[]}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *view = NULL;
		ck_assert_msg(swarm_view_from_state(bad[i], strlen(bad[i]), &view) == -1, "accepted: %s", bad[i]);
		ck_assert_ptr_null(view);
		ck_assert_str_ne(error_message(), "");
	}
}
END_TEST

START_TEST(the_error_view_says_why_and_shows_no_nodes)
{
	char *text = swarm_view_of_error("the node did not answer \"in time\"");
	struct json *view = json_parse(text, strlen(text));
	ck_assert_str_eq(json_get_string(view, "error"), "the node did not answer \"in time\"");
	ck_assert_uint_eq(json_get(view, "nodes")->count, 0);
	ck_assert_uint_eq(json_get(view, "pending")->count, 0);
	json_free(view);
	free(text);
}
END_TEST

/* --- the event stream's framing ------------------------------------------------------------- */

START_TEST(an_event_is_a_data_line_and_a_blank_line)
{
	size_t size;
	char *event = sse_event("{\"a\":1}", &size);
	ck_assert_str_eq(event, "data: {\"a\":1}\n\n");
	ck_assert_uint_eq(size, strlen(event));
	free(event);
	event = sse_event("", NULL);
	ck_assert_str_eq(event, "data: \n\n");
	free(event);
}
END_TEST

START_TEST(each_line_of_the_data_gets_its_own_data_line_whatever_its_line_break)
{
	char *event = sse_event("one\ntwo\r\nthree\rfour\n", NULL);
	ck_assert_str_eq(event, "data: one\ndata: two\ndata: three\ndata: four\ndata: \n\n");
	free(event);
}
END_TEST

START_TEST(the_stream_opens_with_its_retry_delay_and_heartbeats_are_comments)
{
	ck_assert_str_eq(SSE_PREAMBLE, "retry: 1000\n\n");
	ck_assert_int_eq(SSE_HEARTBEAT[0], ':');
	ck_assert_ptr_null(strchr(SSE_HEARTBEAT, '\r'));
	ck_assert_str_eq(SSE_HEARTBEAT + strlen(SSE_HEARTBEAT) - 2, "\n\n");
}
END_TEST

/* --- the page's files ----------------------------------------------------------------------- */

START_TEST(the_page_its_style_and_its_script_are_built_in_with_their_media_types)
{
	const struct swarm_visualize_file *html = swarm_visualize_file_find("/index.html");
	const struct swarm_visualize_file *css = swarm_visualize_file_find("/style.css");
	const struct swarm_visualize_file *js = swarm_visualize_file_find("/app.js");
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_nonnull(css);
	ck_assert_ptr_nonnull(js);
	ck_assert_str_eq(html->content_type, "text/html; charset=utf-8");
	ck_assert_str_eq(css->content_type, "text/css; charset=utf-8");
	ck_assert_str_eq(js->content_type, "text/javascript; charset=utf-8");
	ck_assert_ptr_nonnull(strstr((const char *)html->bytes, "<!DOCTYPE html>"));
	ck_assert_ptr_nonnull(strstr((const char *)js->bytes, "new EventSource(\"/events\")"));
	/* the bytes are the whole file: a NUL follows them, and none is inside */
	ck_assert_uint_eq(strlen((const char *)js->bytes), js->size);
	ck_assert_int_eq(js->bytes[js->size], 0);
}
END_TEST

START_TEST(the_root_is_the_page_and_a_query_is_ignored)
{
	ck_assert_ptr_eq(swarm_visualize_file_find("/"), swarm_visualize_file_find("/index.html"));
	ck_assert_ptr_eq(swarm_visualize_file_find("/?x=1"), swarm_visualize_file_find("/index.html"));
	ck_assert_ptr_eq(swarm_visualize_file_find("/app.js?v=2"), swarm_visualize_file_find("/app.js"));
}
END_TEST

START_TEST(a_path_not_in_the_table_is_not_found)
{
	static const char *const missing[] = { "", "/index", "/index.html/", "/../etc/passwd", "/./app.js",
					       "//app.js", "/embed-files.c", "/APP.JS" };
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		ck_assert_msg(swarm_visualize_file_find(missing[i]) == NULL, "found: %s", missing[i]);
}
END_TEST

/* --- the server, on loopback ---------------------------------------------------------------- */

static const char EMPTY_REPLY[] = "{\"ok\":true,\"leader\":\"\",\"store\":{\"nodes\":[],\"services\":[],\"tasks\":[]}}";

/* A visualizer in this process on a port the kernel picks, with a state the test changes and
 * a log the test reads. */
static struct {
	pthread_mutex_t lock;
	const char *reply;
	char log[16384];
	struct swarm_visualizer *v;
	pthread_t thread;
} served;

static int changing_source(void *ctx, char **state_json)
{
	(void)ctx;
	pthread_mutex_lock(&served.lock);
	*state_json = strdup(served.reply);
	pthread_mutex_unlock(&served.lock);
	return 0;
}

static void change_state(const char *reply)
{
	pthread_mutex_lock(&served.lock);
	served.reply = reply;
	pthread_mutex_unlock(&served.lock);
}

static void keep_log(void *ctx, const char *line)
{
	(void)ctx;
	pthread_mutex_lock(&served.lock);
	size_t used = strlen(served.log);
	snprintf(served.log + used, sizeof(served.log) - used, "%s\n", line);
	pthread_mutex_unlock(&served.lock);
}

static bool log_has(const char *text)
{
	pthread_mutex_lock(&served.lock);
	bool found = strstr(served.log, text) != NULL;
	pthread_mutex_unlock(&served.lock);
	return found;
}

static void *serve(void *arg)
{
	swarm_visualizer_run(arg);
	return NULL;
}

/* heartbeat_ms 0: the real 15 s */
static void start_server(int heartbeat_ms)
{
	pthread_mutex_init(&served.lock, NULL);
	served.reply = EMPTY_REPLY;
	served.log[0] = '\0';
	struct swarm_visualizer_config config = { .addr = "127.0.0.1:0", .source = changing_source,
						  .poll_ms = 20, .heartbeat_ms = heartbeat_ms, .log = keep_log };
	served.v = swarm_visualizer_open(&config);
	ck_assert_msg(served.v != NULL, "%s", error_message());
	ck_assert_int_eq(pthread_create(&served.thread, NULL, serve, served.v), 0);
}

static void stop_server(void)
{
	swarm_visualizer_stop(served.v);
	pthread_join(served.thread, NULL);
	swarm_visualizer_close(served.v);
	pthread_mutex_destroy(&served.lock);
}

/* A connection to the server with request sent. */
static int send_request(const char *request)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(swarm_visualizer_port(served.v)),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	ck_assert_int_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
	return fd;
}

/* Read from fd until text has arrived (NULL: until the server closes), within 5 s; returns
 * everything read so far, malloc'd (so_far is taken over). */
static char *read_until(int fd, const char *text, char *so_far)
{
	size_t length = so_far ? strlen(so_far) : 0, room = length + 65536;
	char *buffer = realloc(so_far, room);
	buffer[length] = '\0';
	while (!text || !strstr(buffer, text)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ck_assert_msg(poll(&pfd, 1, 5000) == 1, "no \"%s\" within 5 s; got: %s", text, buffer);
		ck_assert_uint_lt(length, room - 1);
		ssize_t n = read(fd, buffer + length, room - 1 - length);
		if (n == 0 && !text)
			break;
		ck_assert_msg(n > 0, "the stream ended before \"%s\"; got: %s", text, buffer);
		length += (size_t)n;
		buffer[length] = '\0';
	}
	return buffer;
}

static char *exchange(const char *request)
{
	int fd = send_request(request);
	char *response = read_until(fd, NULL, NULL);
	close(fd);
	return response;
}

static const char EVENTS[] = "GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";

START_TEST(a_page_listening_to_events_gets_the_state_then_each_change)
{
	start_server(200);
	int fd = send_request(EVENTS);
	char *got = read_until(fd, "\"nodes\":[]", NULL);
	ck_assert_ptr_nonnull(strstr(got, "HTTP/1.1 200"));
	ck_assert_ptr_nonnull(strstr(got, "Content-Type: text/event-stream"));
	ck_assert_ptr_nonnull(strstr(got, "retry: 1000"));
	ck_assert_ptr_null(strstr(got, "alpha"));
	change_state(HAND_REPLY);
	got = read_until(fd, "\"hostname\":\"alpha\"", got);
	ck_assert_ptr_nonnull(strstr(got, "data: {\"error\":\"\",\"leader\":\"\",\"services\":[{\"name\":\"agent\""));
	free(got);
	close(fd);
	stop_server();
}
END_TEST

START_TEST(a_quiet_stream_gets_heartbeat_comments)
{
	start_server(200);
	int fd = send_request(EVENTS);
	char *got = read_until(fd, "\"nodes\":[]", NULL);
	got = read_until(fd, ": heartbeat\n\n", got);
	/* one event only: the state did not change, so nothing but heartbeats followed it */
	ck_assert_ptr_nonnull(strstr(got, "data: "));
	ck_assert_ptr_null(strstr(strstr(got, "data: ") + 1, "data: "));
	free(got);
	close(fd);
	stop_server();
}
END_TEST

START_TEST(a_page_that_goes_away_ends_its_stream)
{
	/* with no heartbeat due for 15 s, only noticing the closed connection ends it in time */
	start_server(0);
	int fd = send_request(EVENTS);
	free(read_until(fd, "\"nodes\":[]", NULL));
	ck_assert(!log_has("\"GET /events HTTP/1.1\" 200"));
	close(fd);
	/* the server logs a request when its handler returned */
	for (int i = 0; i < 100 && !log_has("\"GET /events HTTP/1.1\" 200"); i++)
		usleep(50 * 1000);
	ck_assert_msg(log_has("\"GET /events HTTP/1.1\" 200"), "the stream's thread still runs: %s", served.log);
	stop_server();
}
END_TEST

START_TEST(the_state_and_the_page_are_served_and_nothing_else)
{
	start_server(200);
	char *state = exchange("GET /state.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(state, "HTTP/1.1 200"));
	ck_assert_ptr_nonnull(strstr(state, "Content-Type: application/json"));
	ck_assert_ptr_nonnull(strstr(state, "\r\n\r\n{\"error\":\"\",\"leader\":\"\",\"services\":[],\"nodes\":[],\"pending\":[]}"));
	char *page = exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(page, "Content-Type: text/html; charset=utf-8"));
	ck_assert_ptr_nonnull(strstr(page, "<!DOCTYPE html>"));
	char *missing = exchange("GET /etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(missing, "HTTP/1.1 404"));
	char *posted = exchange("POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(posted, "HTTP/1.1 405"));
	ck_assert_ptr_nonnull(strstr(posted, "Allow: GET, HEAD"));
	free(state);
	free(page);
	free(missing);
	free(posted);
	stop_server();
}
END_TEST

START_TEST(a_source_that_fails_is_shown_as_the_pages_problem)
{
	start_server(200);
	change_state("{\"ok\":false,\"error\":\"this node is not part of a swarm\"}");
	int fd = send_request(EVENTS);
	char *got = read_until(fd, "\"error\":\"this node is not part of a swarm\"", NULL);
	free(got);
	close(fd);
	stop_server();
}
END_TEST

/* --- the sources: this machine's node, or a file --------------------------------------------- */

static char run_dir[] = "/tmp/tinydock-visualize-test-XXXXXX";

static void make_run_dir(void)
{
	strcpy(run_dir, "/tmp/tinydock-visualize-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(run_dir));
	setenv("TINYDOCK_RUN", run_dir, 1);
}

static void remove_run_dir(void)
{
	remove_tree(run_dir);
	unsetenv("TINYDOCK_RUN");
}

START_TEST(without_a_node_process_the_page_says_to_init_or_join)
{
	char *state = NULL;
	ck_assert_int_eq(swarm_state_from_node(NULL, &state), -1);
	char *view = swarm_view_of_error(error_message());
	ck_assert_ptr_nonnull(strstr(view, "this node is not part of a swarm: run `tinydock swarm init`"));
	free(view);
}
END_TEST

/* A child plays the node process: it answers {"op":"state"} on the control socket. */
START_TEST(the_node_source_asks_the_node_process_for_its_state)
{
	char path[PATH_MAX], folder[PATH_MAX];
	ck_assert_int_eq(swarm_control_path(path, sizeof path), 0);
	snprintf(folder, sizeof folder, "%s/swarm", run_dir);
	ck_assert_int_eq(mkdir(folder, 0700), 0);
	int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	snprintf(address.sun_path, sizeof(address.sun_path), "%s", path);
	ck_assert_int_eq(bind(listener, (struct sockaddr *)&address, sizeof address), 0);
	ck_assert_int_eq(listen(listener, 1), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		int fd = accept(listener, NULL, NULL);
		char *request;
		size_t length;
		uint64_t deadline = swarm_monotonic_ms() + 2000;
		if (fd < 0 || swarm_frame_read(fd, &request, &length, deadline) < 0 ||
		    strcmp(request, "{\"op\":\"state\"}") != 0)
			_exit(1);
		_exit(swarm_frame_write(fd, HAND_REPLY, strlen(HAND_REPLY), deadline) == 0 ? 0 : 1);
	}
	char *state = NULL;
	ck_assert_msg(swarm_state_from_node(NULL, &state) == 0, "%s", error_message());
	ck_assert_str_eq(state, HAND_REPLY);
	free(state);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(status, 0);
	close(listener);
}
END_TEST

START_TEST(the_file_source_reads_the_file_each_time)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/state.json", run_dir);
	char *state = NULL;
	ck_assert_int_eq(swarm_state_from_file(path, &state), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "cannot read the swarm's state"));
	ck_assert_ptr_nonnull(strstr(error_message(), path));
	ck_assert_int_eq(write_file_atomic(path, EMPTY_REPLY, strlen(EMPTY_REPLY), 0644), 0);
	ck_assert_int_eq(swarm_state_from_file(path, &state), 0);
	ck_assert_str_eq(state, EMPTY_REPLY);
	free(state);
	ck_assert_int_eq(write_file_atomic(path, HAND_REPLY, strlen(HAND_REPLY), 0644), 0);
	ck_assert_int_eq(swarm_state_from_file(path, &state), 0);
	ck_assert_str_eq(state, HAND_REPLY);
	free(state);
}
END_TEST

Suite *swarm_visualize_suite(void)
{
	Suite *s = suite_create("swarm_visualize");
	TCase *view = tcase_create("view");
	tcase_add_test(view, each_node_is_a_column_with_its_role_leader_and_running_tasks);
	tcase_add_test(view, a_manager_the_node_cannot_reach_is_unreachable);
	tcase_add_test(view, a_lost_workers_tasks_leave_its_column_and_their_replacements_run_elsewhere);
	tcase_add_test(view, a_global_task_is_named_after_its_node_and_a_stopping_one_is_still_shown);
	tcase_add_test(view, a_task_not_yet_placed_waits_in_pending_with_its_reason);
	tcase_add_test(view, the_same_state_gives_the_same_bytes);
	tcase_add_test(view, a_task_has_the_colour_of_its_service_and_services_do_not_look_alike);
	tcase_add_test(view, a_refused_reply_gives_the_nodes_reason);
	tcase_add_test(view, a_reply_that_is_not_json_or_lacks_the_store_is_refused);
	tcase_add_test(view, the_error_view_says_why_and_shows_no_nodes);
	suite_add_tcase(s, view);
	TCase *events = tcase_create("events");
	tcase_add_test(events, an_event_is_a_data_line_and_a_blank_line);
	tcase_add_test(events, each_line_of_the_data_gets_its_own_data_line_whatever_its_line_break);
	tcase_add_test(events, the_stream_opens_with_its_retry_delay_and_heartbeats_are_comments);
	suite_add_tcase(s, events);
	TCase *files = tcase_create("files");
	tcase_add_test(files, the_page_its_style_and_its_script_are_built_in_with_their_media_types);
	tcase_add_test(files, the_root_is_the_page_and_a_query_is_ignored);
	tcase_add_test(files, a_path_not_in_the_table_is_not_found);
	suite_add_tcase(s, files);
	TCase *server = tcase_create("server");
	tcase_set_timeout(server, 20);
	tcase_add_test(server, a_page_listening_to_events_gets_the_state_then_each_change);
	tcase_add_test(server, a_quiet_stream_gets_heartbeat_comments);
	tcase_add_test(server, a_page_that_goes_away_ends_its_stream);
	tcase_add_test(server, the_state_and_the_page_are_served_and_nothing_else);
	tcase_add_test(server, a_source_that_fails_is_shown_as_the_pages_problem);
	suite_add_tcase(s, server);
	TCase *sources = tcase_create("sources");
	tcase_add_checked_fixture(sources, make_run_dir, remove_run_dir);
	tcase_add_test(sources, without_a_node_process_the_page_says_to_init_or_join);
	tcase_add_test(sources, the_node_source_asks_the_node_process_for_its_state);
	tcase_add_test(sources, the_file_source_reads_the_file_each_time);
	suite_add_tcase(s, sources);
	return s;
}
