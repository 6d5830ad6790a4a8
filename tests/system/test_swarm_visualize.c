/*
 * test_swarm_visualize.c - `tinydock swarm visualize` in a real browser: headless Chromium
 * (Debian's chromium package) loads the page and the test reads what it drew.
 *
 * The visualizer reads the swarm's state from a file here (--state-file), which the test
 * rewrites: state A has five nodes, web x3, api x2 and db x1 spread over them; state B is A
 * after worker-2 was lost, its two tasks replaced on other nodes, as the orchestrator does.
 *
 * How a page that listens forever is read: `chromium --headless --dump-dom` (or --screenshot)
 * with --virtual-time-budget waits, before it dumps, until no request is in flight, and an
 * event stream is a request in flight until the server ends it. So the test lets the page
 * load and receive its events, changes the state while the page is open, waits until the
 * visualizer says it sent the change on that stream, then stops the visualizer: the stream
 * ends, the page keeps what it drew (and says the connection was lost), and Chromium dumps it.
 * The page counts the views it received (data-updates on <main>), and the visualizer logs
 * every request, so the test can tell that the page changed through /events, once loaded,
 * and was not loaded again.
 *
 * Screenshots before and after are written beside $TINYDOCK_RESULTS (build/ under make test)
 * as swarm-visualize-before.png and swarm-visualize-after.png. Without Chromium (a browser:
 * the package chromium, which CI installs), the tests are skipped and say so.
 *
 * The second test case does the same on a real swarm: simulated machines (swarm-sim-fixture.h),
 * the visualizer on manager1 (`tinydock --node manager1 swarm visualize`), a worker's power cut,
 * and the page, open all along, drawing its tasks on the other nodes. Its screenshots,
 * swarm-sim-visualize-before.png and swarm-sim-visualize-after.png, are the lesson's
 * 08-swarm/visualizer/swarm-before.png and swarm-after.png.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "json.h"
#include "swarm-sim-fixture.h"

/* --- the two states --------------------------------------------------------------------------- */

static void add(char **json, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(char **json, const char *fmt, ...)
{
	char *piece, *joined;
	va_list ap;
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&piece, fmt, ap), 0);
	va_end(ap);
	ck_assert_int_ge(asprintf(&joined, "%s%s", *json ? *json : "", piece), 0);
	free(piece);
	free(*json);
	*json = joined;
}

static void add_node(char **json, const char *id, const char *hostname, const char *role, const char *status)
{
	add(json, "%s{\"spec\":{\"id\":\"%s\",\"hostname\":\"%s\",\"address\":\"127.0.0.1:2377\",\"role\":\"%s\","
		  "\"availability\":\"active\",\"nano_cpus\":2000000000,\"memory_bytes\":1073741824,\"labels\":[]},"
		  "\"status\":\"%s\",\"status_at\":0}",
	    strcmp(id, "m1") ? "," : "", id, hostname, role, status);
}

static void add_task(char **json, int id, const char *service, int slot, const char *node, const char *desired,
		     const char *observed)
{
	add(json, "%s{\"id\":%d,\"service\":\"%s\",\"slot\":%d,\"node\":\"%s\",\"service_version\":1,"
		  "\"desired\":\"%s\",\"observed\":\"%s\",\"message\":\"started\",\"created_at\":0,\"observed_at\":0,"
		  "\"attempt\":0,\"window_start\":0,\"endpoints\":[]}",
	    id > 1 ? "," : "", id, service, slot, node, desired, observed);
}

/* A reply to {"op":"state"}: state A, or B (worker-2 lost, web.2 and api.2 replaced). */
static char *swarm_state(bool worker_lost)
{
	char *json = NULL;
	add(&json, "{\"ok\":true,\"self\":\"m1\",\"leader\":\"m1\",\"managers\":["
		   "{\"id\":\"m1\",\"address\":\"127.0.0.1:2377\",\"reachable\":true,\"leader\":true},"
		   "{\"id\":\"m2\",\"address\":\"127.0.0.1:2378\",\"reachable\":true,\"leader\":false}],"
		   "\"store\":{\"next_task_id\":9,\"applied\":20,\"nodes\":[");
	add_node(&json, "m1", "manager-1", "manager", "ready");
	add_node(&json, "m2", "manager-2", "manager", "ready");
	add_node(&json, "w1", "worker-1", "worker", "ready");
	add_node(&json, "w2", "worker-2", "worker", worker_lost ? "down" : "ready");
	add_node(&json, "w3", "worker-3", "worker", "ready");
	add(&json, "],\"services\":[");
	static const char *const services[][2] = { { "web", "3" }, { "api", "2" }, { "db", "1" } };
	for (int i = 0; i < 3; i++)
		add(&json, "%s{\"spec\":{\"name\":\"%s\",\"image\":\"127.0.0.1:5000/shop/%s:1\",\"mode\":\"replicated\","
			   "\"replicas\":%s}}",
		    i ? "," : "", services[i][0], services[i][0], services[i][1]);
	add(&json, "],\"tasks\":[");
	const char *gone = worker_lost ? "shutdown" : "running", *gone_state = worker_lost ? "orphaned" : "running";
	add_task(&json, 1, "web", 1, "w1", "running", "running");
	add_task(&json, 2, "web", 2, "w2", gone, gone_state);
	add_task(&json, 3, "web", 3, "w3", "running", "running");
	add_task(&json, 4, "api", 1, "w1", "running", "running");
	add_task(&json, 5, "api", 2, "w2", gone, gone_state);
	add_task(&json, 6, "db", 1, "m1", "running", "running");
	if (worker_lost) {
		add_task(&json, 7, "web", 2, "w3", "running", "running");
		add_task(&json, 8, "api", 2, "w1", "running", "running");
	}
	add(&json, "]}}");
	return json;
}

/* Replace the state file whole (rename), as the visualizer may read it at any moment. */
static void write_state(const char *path, bool worker_lost)
{
	char *json = swarm_state(worker_lost);
	char temporary[PATH_MAX];
	snprintf(temporary, sizeof(temporary), "%s.new", path);
	FILE *f = fopen(temporary, "w");
	ck_assert_ptr_nonnull(f);
	fputs(json, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(rename(temporary, path), 0);
	free(json);
}

/* --- processes ---------------------------------------------------------------------------------- */

/* Start argv with stdout and stderr into files, in its own process group, killed if this test
 * process dies (a Check timeout), so a failing test leaves no browser behind. */
static pid_t spawn(const char *const argv[], const char *out, const char *err)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int in = open("/dev/null", O_RDONLY);
		if (o < 0 || e < 0 || in < 0)
			_exit(126);
		dup2(in, 0);
		dup2(o, 1);
		dup2(e, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Wait until file holds text `count` times or more (false after timeout_ms). */
static bool wait_for_text(const char *file, const char *text, int count, int timeout_ms)
{
	for (int64_t deadline = now_ms() + timeout_ms;; usleep(50 * 1000)) {
		char *content = read_file(file, NULL);
		int found = 0;
		for (const char *at = content ? content : ""; (at = strstr(at, text)); at += strlen(text))
			found++;
		free(content);
		if (found >= count)
			return true;
		if (now_ms() > deadline)
			return false;
	}
}

/* Wait for pid to end (its exit status, or -1 when it had to be killed after timeout_ms). */
static int wait_or_kill(pid_t pid, int timeout_ms)
{
	int status;
	for (int64_t deadline = now_ms() + timeout_ms; now_ms() < deadline; usleep(50 * 1000))
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* --- one visit ----------------------------------------------------------------------------------- */

/* The last lines of a browser's stderr, for a failure's message (a pointer into a static buffer). */
static const char *tail_of(const char *path)
{
	static char tail[600];
	char *text = read_file(path, NULL);
	size_t length = text ? strlen(text) : 0;
	snprintf(tail, sizeof(tail), "%s", text ? text + (length > sizeof(tail) - 1 ? length - (sizeof(tail) - 1) : 0) : "");
	free(text);
	return tail;
}

struct visit {
	char log[PATH_MAX];        /* the visualizer's stderr: one line per request and event */
	char browser_out[PATH_MAX]; /* Chromium's stdout: the DOM, with --dump-dom */
	char problem[512];          /* what went wrong, "" when nothing */
};

/* Serve state A, let Chromium load the page (dump its DOM, or take a screenshot into
 * screenshot), switch to state B while it is open when worker_lost, then end the stream. */
static void visit(struct visit *v, const char *name, bool worker_lost, const char *screenshot)
{
	char state[PATH_MAX], out[PATH_MAX], err[PATH_MAX], profile[PATH_MAX], url[64], port_text[16],
		budget[64], shot[PATH_MAX + 16];
	snprintf(state, sizeof(state), "%s/%s-state.json", sandbox.dir, name);
	snprintf(out, sizeof(out), "%s/%s-visualize.out", sandbox.dir, name);
	snprintf(v->log, sizeof(v->log), "%s/%s-visualize.log", sandbox.dir, name);
	snprintf(v->browser_out, sizeof(v->browser_out), "%s/%s-chromium.out", sandbox.dir, name);
	snprintf(err, sizeof(err), "%s/%s-chromium.err", sandbox.dir, name);
	snprintf(profile, sizeof(profile), "%s/%s-profile", sandbox.dir, name);
	v->problem[0] = '\0';
	write_state(state, false);
	int port = harness_free_port();
	snprintf(port_text, sizeof(port_text), "%d", port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	const char *visualize[] = { tinydock_binary(), "swarm", "visualize", "--address", "127.0.0.1", "--port",
				    port_text, "--state-file", state, NULL };
	pid_t server = spawn(visualize, out, v->log);
	if (!wait_for_text(out, url, 1, 10000)) {
		snprintf(v->problem, sizeof(v->problem), "the visualizer did not start on %s", url);
		kill(-server, SIGKILL);
		wait_or_kill(server, 1000);
		return;
	}
	/* --virtual-time-budget: once nothing is loading, run the page's timers for 2 s more
	 * of virtual time, then dump. --user-data-dir: a profile of its own, in the sandbox. */
	snprintf(budget, sizeof(budget), "--virtual-time-budget=2000");
	char profile_flag[PATH_MAX + 32];
	snprintf(profile_flag, sizeof(profile_flag), "--user-data-dir=%s", profile);
	snprintf(shot, sizeof(shot), "--screenshot=%s", screenshot ? screenshot : "");
	const char *chromium[] = { "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
				   "--hide-scrollbars", "--window-size=1400,520", profile_flag, budget,
				   screenshot ? shot : "--dump-dom", url, NULL };
	pid_t browser = spawn(chromium, v->browser_out, err);
	if (!wait_for_text(v->log, "events: sent version 1", 1, 30000))
		snprintf(v->problem, sizeof(v->problem), "the page did not open /events and get the first state");
	if (!v->problem[0] && worker_lost) {
		write_state(state, true);
		if (!wait_for_text(v->log, "events: sent version 2", 1, 10000))
			snprintf(v->problem, sizeof(v->problem), "the changed state was not sent on the page's stream");
	}
	kill(server, SIGTERM);
	int server_status = wait_or_kill(server, 10000);
	int browser_status = wait_or_kill(browser, 30000);
	if (!v->problem[0] && server_status != 0)
		snprintf(v->problem, sizeof(v->problem), "the visualizer did not stop cleanly on SIGTERM (%d)", server_status);
	if (!v->problem[0] && browser_status != 0)
		snprintf(v->problem, sizeof(v->problem), "chromium failed (%d): see %s", browser_status, err);
}

static int count_of(const char *text, const char *what)
{
	int found = 0;
	for (const char *at = text; (at = strstr(at, what)); at += strlen(what))
		found++;
	return found;
}

/* The task box name on node, as app.js writes it: <li class="task" data-task=.. data-node=..>. */
static bool shows_task_on(const char *dom, const char *task, const char *node)
{
	char box[128];
	snprintf(box, sizeof(box), "data-task=\"%s\" data-node=\"%s\"", task, node);
	return strstr(dom, box) != NULL;
}

static char *dom_of(const struct visit *v)
{
	char *dom = read_file(v->browser_out, NULL);
	ck_assert_msg(dom != NULL, "no DOM from chromium");
	return dom;
}

/* --- the tests ---------------------------------------------------------------------------------- */

START_TEST(the_page_shows_each_node_as_a_column_with_its_tasks)
{
	if (!have_program("chromium"))
		SKIP_TEST("chromium is not installed (apt-get install chromium): the page was not tested in a browser");
	struct visit v;
	visit(&v, "before", false, NULL);
	ck_assert_msg(!v.problem[0], "%s", v.problem);
	char *dom = dom_of(&v);
	static const char *const hostnames[] = { ">manager-1</h2>", ">manager-2</h2>", ">worker-1</h2>",
						 ">worker-2</h2>", ">worker-3</h2>" };
	for (size_t i = 0; i < 5; i++)
		ck_assert_msg(strstr(dom, hostnames[i]), "no column %s", hostnames[i]);
	ck_assert_int_eq(count_of(dom, "<section class=\"node"), 5);
	ck_assert_msg(strstr(dom, "★ Leader"), "the leader is not marked in words");
	ck_assert_int_eq(count_of(dom, "class=\"task\""), 6);
	ck_assert(shows_task_on(dom, "web.1", "w1"));
	ck_assert(shows_task_on(dom, "web.2", "w2"));
	ck_assert(shows_task_on(dom, "web.3", "w3"));
	ck_assert(shows_task_on(dom, "api.1", "w1"));
	ck_assert(shows_task_on(dom, "api.2", "w2"));
	ck_assert(shows_task_on(dom, "db.1", "m1"));
	ck_assert_msg(strstr(dom, ">web 3/3 running</li>"), "the services' legend is missing");
	ck_assert_msg(strstr(dom, "data-updates=\"1\""), "the page did not draw exactly one view");
	free(dom);
}
END_TEST

START_TEST(the_open_page_follows_a_lost_worker_through_events_without_reloading)
{
	if (!have_program("chromium"))
		SKIP_TEST("chromium is not installed (apt-get install chromium): the page was not tested in a browser");
	struct visit v;
	visit(&v, "live", true, NULL);
	ck_assert_msg(!v.problem[0], "%s", v.problem);
	char *dom = dom_of(&v);
	char *log = read_file(v.log, NULL);
	ck_assert_ptr_nonnull(log);
	/* the page got two views on its stream and drew both; it was loaded once */
	ck_assert_msg(strstr(dom, "data-updates=\"2\""), "the page did not draw the second view from /events");
	ck_assert_int_eq(count_of(log, "\"GET / HTTP/1.1\""), 1);
	ck_assert_int_eq(count_of(log, "events: a page is listening"), 1);
	/* worker-2 is down, in words, and empty; its tasks run elsewhere */
	ck_assert_msg(strstr(dom, "class=\"node down\" data-node=\"w2\""), "worker-2 is not shown as down");
	ck_assert_msg(strstr(dom, "<dd class=\"down\">down</dd>"), "worker-2's status is not said in words");
	ck_assert_msg(!strstr(dom, "data-node=\"w2\" data-state"), "a task is still shown on the lost worker");
	ck_assert_int_eq(count_of(dom, "class=\"task\""), 6);
	ck_assert(shows_task_on(dom, "web.2", "w3"));
	ck_assert(shows_task_on(dom, "api.2", "w1"));
	ck_assert(shows_task_on(dom, "web.1", "w1"));
	ck_assert(shows_task_on(dom, "db.1", "m1"));
	/* the stream ended when the visualizer stopped: the page says so rather than look live */
	ck_assert_msg(strstr(dom, "data-connection=\"lost\""), "the page does not say its connection was lost");
	free(log);
	free(dom);
}
END_TEST

/* A PNG file: its signature (PNG specification, section 5.2) and some size. */
static bool is_png(const char *path)
{
	size_t size = 0;
	char *bytes = read_file(path, &size);
	bool png = bytes && size > 1000 && memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0;
	free(bytes);
	return png;
}

START_TEST(screenshots_before_and_after_a_worker_is_lost_are_taken_for_the_lesson)
{
	if (!have_program("chromium"))
		SKIP_TEST("chromium is not installed (apt-get install chromium): no screenshots were taken");
	char folder[PATH_MAX], before[PATH_MAX + 40], after[PATH_MAX + 40];
	const char *results = getenv("TINYDOCK_RESULTS");
	snprintf(folder, sizeof(folder), "%s", results ? results : sandbox.dir);
	char *slash = results ? strrchr(folder, '/') : NULL;
	if (slash)
		*slash = '\0';
	snprintf(before, sizeof(before), "%s/swarm-visualize-before.png", folder);
	snprintf(after, sizeof(after), "%s/swarm-visualize-after.png", folder);
	struct visit v;
	visit(&v, "shot-before", false, before);
	ck_assert_msg(!v.problem[0], "%s", v.problem);
	ck_assert_msg(is_png(before), "no screenshot in %s", before);
	visit(&v, "shot-after", true, after);
	ck_assert_msg(!v.problem[0], "%s", v.problem);
	ck_assert_msg(is_png(after), "no screenshot in %s", after);
	printf("screenshots: %s %s\n", before, after);
}
END_TEST

/* --- on a real swarm: simulated machines ------------------------------------------------------- */

/* GET path from address:port, HTTP/1.1 with Connection: close: the body of a 200 answer
 * (malloc'd), or NULL. Bounded by a 2 s timeout on every socket call. */
static char *http_get(const char *address, int port, const char *path)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	ck_assert_int_eq(inet_pton(AF_INET, address, &a.sin_addr), 1);
	struct timeval timeout = { .tv_sec = 2 }; /* SO_SNDTIMEO bounds connect(2) too (socket(7)) */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	char request[256];
	int length = snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n",
			      path, address, port);
	size_t used = 0, room = 1 << 16;
	char *answer = malloc(room);
	ck_assert_ptr_nonnull(answer);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && write(fd, request, (size_t)length) == length) {
		ssize_t n;
		while (used < room - 1 && (n = read(fd, answer + used, room - 1 - used)) > 0)
			used += (size_t)n;
	}
	close(fd);
	answer[used] = '\0';
	const char *body = strstr(answer, "\r\n\r\n");
	char *copy = strncmp(answer, "HTTP/1.1 200 ", 13) == 0 && body ? strdup(body + 4) : NULL;
	free(answer);
	return copy;
}

/* What the visualizer's view says of one node and of all the tasks. */
struct view_counts {
	bool node_down;   /* the node is shown down */
	int on_node;      /* tasks shown on the node */
	int running;      /* tasks shown running, on any node */
	int pending;      /* tasks not placed yet */
	char node_id[64]; /* the node's id */
};

static bool view_counts(const char *view_json, const char *hostname, struct view_counts *out)
{
	*out = (struct view_counts){ 0 };
	struct json *view = json_parse(view_json, strlen(view_json));
	if (!view)
		return false;
	json_for_each(node, json_get(view, "nodes")) {
		bool it = strcmp(json_get_string(node, "hostname"), hostname) == 0;
		if (it) {
			snprintf(out->node_id, sizeof(out->node_id), "%s", json_get_string(node, "id"));
			out->node_down = strcmp(json_get_string(node, "status"), "down") == 0;
		}
		json_for_each(task, json_get(node, "tasks")) {
			out->on_node += it;
			out->running += strcmp(json_get_string(task, "state"), "running") == 0;
		}
	}
	json_for_each(task, json_get(view, "pending"))
		out->pending++;
	json_free(view);
	return true;
}

/* Until the deadline, the visualizer's view until it holds: every task running (replicas of
 * them) and, as wanted, some on hostname (lost false) or hostname down and empty (lost true). */
static bool view_within(const char *address, int port, const char *hostname, int replicas, bool lost, int timeout_ms,
			struct view_counts *counts)
{
	for (int64_t deadline = now_ms() + timeout_ms;; usleep(100 * 1000)) {
		char *view = http_get(address, port, "/state.json");
		bool seen = view && view_counts(view, hostname, counts);
		free(view);
		if (seen && counts->running == replicas && counts->pending == 0 &&
		    (lost ? counts->node_down && counts->on_node == 0 : !counts->node_down && counts->on_node > 0))
			return true;
		if (now_ms() > deadline)
			return false;
	}
}

/* The highest N of the lines "WHAT N" in the file (0 for none). */
static uint64_t highest_version(const char *file, const char *what)
{
	char *text = read_file(file, NULL);
	uint64_t highest = 0;
	for (const char *at = text ? text : ""; (at = strstr(at, what)); at += strlen(what)) {
		uint64_t n = strtoull(at + strlen(what), NULL, 10);
		highest = n > highest ? n : highest;
	}
	free(text);
	return highest;
}

/* Until the deadline: the page's stream has sent the newest view the visualizer made. */
static bool stream_caught_up_within(const char *log, int timeout_ms)
{
	for (int64_t deadline = now_ms() + timeout_ms;; usleep(50 * 1000)) {
		uint64_t made = highest_version(log, "state: version ");
		if (made > 0 && highest_version(log, "events: sent version ") >= made)
			return true;
		if (now_ms() > deadline)
			return false;
	}
}

/* A service of replicas busybox tasks that sleep, through manager1. */
static void sleepers(const char *name, const char *replicas)
{
	struct run_result r = run_tinydock(NULL, 90, "--node", "manager1", "service", "create", "--name", name,
					   "--replicas", replicas, "busybox", "sleep", "600", NULL);
	ck_assert_msg(r.status == 0, "service create %s: %s%s", name, r.out, r.err);
	run_free(&r);
}

/* Where the pictures of a real swarm go: beside $TINYDOCK_RESULTS (build/ under make test),
 * else in the sandbox. */
static void picture_path(const char *name, char out[PATH_MAX])
{
	const char *results = getenv("TINYDOCK_RESULTS");
	char folder[PATH_MAX];
	snprintf(folder, sizeof(folder), "%s", results ? results : sandbox.dir);
	char *slash = results ? strrchr(folder, '/') : NULL;
	if (slash)
		*slash = '\0';
	snprintf(out, PATH_MAX, "%.3800s/%s", folder, name);
}

/* `tinydock --node manager1 swarm visualize` on manager1's address: it runs on manager1 (its
 * network, its node's control socket), and a browser on the host reaches it across the
 * simulation's bridge, as a classroom's would. Its stdout and its log go to files named name. */
struct sim_visualizer {
	pid_t pid;
	char address[32];
	int port;
	char url[64];
	char log[PATH_MAX];
};

static void start_visualizer(struct sim_visualizer *v, const char *name, int port)
{
	char out[PATH_MAX], port_text[8];
	swarm_sim_address("11", v->address);
	v->port = port;
	snprintf(port_text, sizeof(port_text), "%d", port);
	snprintf(v->url, sizeof(v->url), "http://%s:%d/", v->address, port);
	snprintf(out, sizeof(out), "%s/%s-visualize.out", sandbox.dir, name);
	snprintf(v->log, sizeof(v->log), "%s/%s-visualize.log", sandbox.dir, name);
	const char *visualize[] = { tinydock_binary(), "--node",  "manager1", "swarm",	  "visualize", "--address",
				    v->address,	       "--port", port_text,   NULL };
	v->pid = spawn(visualize, out, v->log);
	ck_assert_msg(wait_for_text(out, v->url, 1, 10000), "the visualizer did not start on %s", v->url);
}

/* Headless Chromium on url: the DOM it drew into out once the page's stream ends, or a
 * screenshot into screenshot (when not NULL). */
static pid_t start_browser(const char *name, const char *url, const char *screenshot, char out[PATH_MAX],
			   char err[PATH_MAX])
{
	static char profile[PATH_MAX + 32], shot[PATH_MAX + 16];
	snprintf(out, PATH_MAX, "%s/%s-chromium.out", sandbox.dir, name);
	snprintf(err, PATH_MAX, "%s/%s-chromium.err", sandbox.dir, name);
	snprintf(profile, sizeof(profile), "--user-data-dir=%s/%s-profile", sandbox.dir, name);
	snprintf(shot, sizeof(shot), "--screenshot=%s", screenshot ? screenshot : "");
	const char *chromium[] = { "chromium",	"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
				   "--hide-scrollbars", "--window-size=1000,460", profile, "--virtual-time-budget=2000",
				   screenshot ? shot : "--dump-dom", url, NULL };
	return spawn(chromium, out, err); /* argv is copied by execvp in the child */
}

/* One look at the swarm through a page: a visualizer on manager1, a headless Chromium that
 * saves the page (its DOM into out, or a picture into screenshot) once the page has the view
 * and the stream ends. Chromium now and then does not exit after saving the page (seen about 1
 * run in 6 here, its stderr showing only D-Bus noise); such a run is killed after 30 s and the
 * look taken again, once. The live update itself, a page changing through /events without a
 * reload, is the first test case's to check, on a state the test controls. */
static void look(const char *name, const char *screenshot, char out[PATH_MAX])
{
	char err[PATH_MAX];
	int status = -1;
	for (int attempt = 1; attempt <= 2 && status != 0; attempt++) {
		struct sim_visualizer v;
		start_visualizer(&v, name, 8080);
		pid_t browser = start_browser(name, v.url, screenshot, out, err);
		ck_assert_msg(wait_for_text(v.log, "events: a page is listening", 1, 30000), "the page did not open /events");
		ck_assert_msg(stream_caught_up_within(v.log, 10000), "the page did not get the view");
		kill(v.pid, SIGTERM);
		ck_assert_msg(wait_or_kill(v.pid, 10000) == 0, "the visualizer did not stop cleanly on SIGTERM");
		status = wait_or_kill(browser, 30000);
		if (status != 0)
			fprintf(stderr, "chromium did not end (%d), attempt %d: %s\n", status, attempt, tail_of(err));
	}
	ck_assert_msg(status == 0, "chromium failed twice (%d): %s", status, tail_of(err));
}

START_TEST(a_simulated_swarms_page_shows_a_dead_workers_tasks_moved_to_the_others)
{
	if (!have_program("chromium"))
		SKIP_TEST("chromium is not installed (apt-get install chromium): the page was not tested in a browser");
	swarm_sim_up(1, 2);
	sleepers("web", "4");
	sleepers("api", "2");
	char before[PATH_MAX], after[PATH_MAX], out[PATH_MAX];
	picture_path("swarm-sim-visualize-before.png", before);
	picture_path("swarm-sim-visualize-after.png", after);
	struct view_counts counts;

	/* The picture before: the swarm as it runs, some tasks on worker1. */
	struct sim_visualizer probe;
	start_visualizer(&probe, "sim-probe", 8080);
	ck_assert_msg(view_within(probe.address, probe.port, "worker1", 6, false, 60000, &counts),
		      "the view never showed 6 running tasks with some on worker1 (%d running, %d on worker1)",
		      counts.running, counts.on_node);
	kill(probe.pid, SIGTERM);
	ck_assert_msg(wait_or_kill(probe.pid, 10000) == 0, "the visualizer did not stop cleanly on SIGTERM");
	look("sim-before", before, out);
	ck_assert_msg(is_png(before), "no screenshot in %s", before);

	/* worker1's power cut: its node and its containers end at once. */
	struct run_result r = run_tinydock(NULL, 30, "swarm", "sim", "kill", "worker1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	int64_t cut = now_ms();
	start_visualizer(&probe, "sim-probe-after", 8080);
	ck_assert_msg(view_within(probe.address, probe.port, "worker1", 6, true, 60000, &counts),
		      "worker1's tasks did not move within 60 s (%d running, %d on worker1, %s)", counts.running,
		      counts.on_node, counts.node_down ? "down" : "not down");
	fprintf(stderr, "the visualizer's view after worker1's power cut: worker1 down, its tasks elsewhere: %.2f s\n",
		(double)(now_ms() - cut) / 1000);
	kill(probe.pid, SIGTERM);
	ck_assert_msg(wait_or_kill(probe.pid, 10000) == 0, "the visualizer did not stop cleanly on SIGTERM");

	/* The page after, as a browser draws it: worker1 down, no task on it, the 6 elsewhere. */
	look("sim-after-dom", NULL, out);
	char *dom = read_file(out, NULL);
	ck_assert_msg(dom != NULL, "no DOM from chromium");
	char box[128];
	snprintf(box, sizeof(box), "class=\"node down\" data-node=\"%s\"", counts.node_id);
	ck_assert_msg(strstr(dom, box), "worker1 is not shown as down");
	snprintf(box, sizeof(box), "data-node=\"%s\" data-state", counts.node_id);
	ck_assert_msg(!strstr(dom, box), "a task is still shown on the dead worker1");
	ck_assert_int_eq(count_of(dom, "class=\"task\""), 6);
	free(dom);
	look("sim-after", after, out);
	ck_assert_msg(is_png(after), "no screenshot in %s", after);
	printf("screenshots of a simulated swarm: %s %s\n", before, after);
}
END_TEST

Suite *swarm_visualize_system_suite(void)
{
	Suite *s = suite_create("swarm_visualize_system");
	TCase *tc = tcase_create("browser");
	harness_use_sandbox(tc);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, the_page_shows_each_node_as_a_column_with_its_tasks);
	tcase_add_test(tc, the_open_page_follows_a_lost_worker_through_events_without_reloading);
	tcase_add_test(tc, screenshots_before_and_after_a_worker_is_lost_are_taken_for_the_lesson);
	suite_add_tcase(s, tc);
	TCase *sim = tcase_create("a simulated swarm");
	harness_use_stage(sim, 8);
	harness_use_sandbox(sim);
	swarm_sim_fixture_use(sim);
	tcase_set_timeout(sim, 240);
	tcase_add_test(sim, a_simulated_swarms_page_shows_a_dead_workers_tasks_moved_to_the_others);
	suite_add_tcase(s, sim);
	return s;
}
