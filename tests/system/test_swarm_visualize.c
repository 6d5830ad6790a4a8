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
 * as swarm-visualize-before.png and swarm-visualize-after.png; the lesson's copies are
 * 08-swarm/visualizer/swarm-before.png and swarm-after.png, taken by this test. Without
 * Chromium (a browser: the package chromium, which CI installs), the test is skipped and
 * says so.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"

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
	return s;
}
