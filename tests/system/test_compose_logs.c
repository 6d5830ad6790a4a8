/*
 * test_compose_logs.c - the log follower of `compose logs` and attached `compose up`
 * (07-compose/compose-logs.c) on real containers: `run -d` containers made by each test, their
 * logs shown by calling the follower from the test (the commands, `compose logs` and attached
 * `compose up`, are tested through the CLI in test_compose.c).
 *
 * A following follower runs in a child process that writes into a pipe, so the test can read
 * what it printed so far, make a container write again, and send it Ctrl-C. Every wait is a
 * poll(2) with a deadline. The harness removes the containers (rm -f) after each test, failed
 * or not; the child follower dies with its test (PR_SET_PDEATHSIG).
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compose-logs.h"
#include "error.h"
#include "harness.h"

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* `tinydock run -d --network none --rootfs ROOTFS --name NAME sh -c SCRIPT`: the id (static). */
static const char *start_container(const char *name, const char *script)
{
	static char id[65];
	const char *argv[] = { tinydock_binary(), "run", "-d", "--network", "none", "--rootfs", sandbox.rootfs,
			       "--name", name, "sh", "-c", script, NULL };
	struct run_result r = run_program(NULL, 30, argv);
	ck_assert_msg(r.status == 0, "run -d %s failed (%d): %s", name, r.status, r.err);
	ck_assert_uint_eq(strlen(r.out), 65);
	snprintf(id, sizeof(id), "%.64s", r.out);
	run_free(&r);
	return id;
}

/* `tinydock wait NAME` (it returns once the monitor has recorded the end): the exit code. */
static int wait_container(const char *name)
{
	struct run_result r = run_tinydock(NULL, 30, "wait", name, NULL);
	ck_assert_msg(r.status == 0, "wait %s failed: %s", name, r.err);
	int code = atoi(r.out);
	run_free(&r);
	return code;
}

/* Poll `tinydock logs NAME` until it holds needle, at most seconds. */
static bool wait_logged(const char *name, const char *needle, double seconds)
{
	double end = now_seconds() + seconds;
	do {
		struct run_result r = run_tinydock(NULL, 10, "logs", name, NULL);
		bool found = r.out && strstr(r.out, needle);
		run_free(&r);
		if (found)
			return true;
		struct timespec t = { 0, 20000000L };
		nanosleep(&t, NULL);
	} while (now_seconds() < end);
	return false;
}

/* exec NAME touch /go: the containers below wait for it before writing again. */
static void let_go(const char *name)
{
	struct run_result r = run_tinydock(NULL, 20, "exec", name, "touch", "/go", NULL);
	ck_assert_msg(r.status == 0, "exec %s: %s", name, r.err);
	run_free(&r);
}

/* The containers wait for /go (made by `exec`) before they write again: what they write then
 * is certainly written after what the test saw. */
#define WAIT_FOR_GO "while [ ! -e /go ]; do sleep 0.05; done; "

/* The follower called in this process (no follow): what it printed on out and on err. */
struct shown {
	char *out, *err;
};

static struct shown show_logs(const struct compose_log_source *sources, size_t count, const struct compose_log_options *o)
{
	struct shown shown = { 0 };
	size_t out_size, err_size;
	FILE *out = open_memstream(&shown.out, &out_size), *err = open_memstream(&shown.err, &err_size);
	ck_assert(out && err);
	volatile sig_atomic_t interrupted = 0;
	int rc = compose_logs_follow(sources, count, o, out, err, &interrupted);
	fclose(out);
	fclose(err);
	ck_assert_msg(rc == 0, "compose_logs_follow: %d, %s", rc, error_message());
	return shown;
}

static void shown_free(struct shown *shown)
{
	free(shown->out);
	free(shown->err);
}

/* --- a follower in a child process ----------------------------------------------------------- */

static volatile sig_atomic_t child_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	child_interrupted = 1;
}

struct follower {
	pid_t pid;
	int fd;          /* the read end of what it prints (stdout and stderr lines alike) */
	char text[1 << 20];
	size_t length;
};

/* Fork a child that follows the sources into a pipe and exits with the follower's result
 * (0 all ended, 1 interrupted, 2 error). */
static void start_follower(struct follower *f, const struct compose_log_source *sources, size_t count,
			   void (*on_exit)(struct compose_logs *, const char *, int, void *))
{
	memset(f, 0, sizeof(*f));
	int p[2];
	ck_assert(pipe(p) == 0);
	f->pid = fork();
	ck_assert(f->pid >= 0);
	if (f->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		/* No SA_RESTART: Ctrl-C must end the wait, as the caller in `compose up` sets it. */
		struct sigaction sa = { .sa_handler = on_sigint };
		sigaction(SIGINT, &sa, NULL);
		FILE *out = fdopen(p[1], "w");
		struct compose_log_options o = { .follow = true, .tail = -1, .on_exit = on_exit };
		int rc = out ? compose_logs_follow(sources, count, &o, out, out, &child_interrupted) : -1;
		if (rc < 0)
			fprintf(stderr, "follower: %s\n", error_message());
		_exit(rc < 0 ? 2 : rc);
	}
	close(p[1]);
	f->fd = p[0];
}

/* Read what the follower prints until needle is in it (true), it ends, or seconds pass. */
static bool read_until(struct follower *f, const char *needle, double seconds)
{
	double end = now_seconds() + seconds;
	for (;;) {
		f->text[f->length] = '\0';
		if (needle && strstr(f->text, needle))
			return true;
		double left = end - now_seconds();
		if (left <= 0)
			return false;
		struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
		int n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		ssize_t got = read(f->fd, f->text + f->length, sizeof(f->text) - 1 - f->length);
		if (got <= 0)
			return false; /* it ended */
		f->length += (size_t)got;
	}
}

/* Read to the end and reap the follower within seconds: its exit code, or -1 (killed). */
static int finish_follower(struct follower *f, double seconds)
{
	read_until(f, NULL, seconds);
	double end = now_seconds() + 1;
	int status = 0;
	pid_t done;
	while ((done = waitpid(f->pid, &status, WNOHANG)) == 0 && now_seconds() < end) {
		struct timespec t = { 0, 10000000L };
		nanosleep(&t, NULL);
	}
	if (done != f->pid) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, &status, 0);
		close(f->fd);
		return -1;
	}
	close(f->fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* --- the tests ------------------------------------------------------------------------------- */

START_TEST(two_containers_lines_all_appear_with_their_padded_prefixes_in_the_order_written)
{
	char web[65], db[65];
	snprintf(web, sizeof(web), "%s", start_container("shop-web-1", "echo web-one; " WAIT_FOR_GO "echo web-three"));
	ck_assert(wait_logged("shop-web-1", "web-one", 20));
	snprintf(db, sizeof(db), "%s", start_container("shop-db-1", "echo db-two; echo db-oops >&2"));
	ck_assert_int_eq(wait_container("shop-db-1"), 0);
	let_go("shop-web-1");
	ck_assert_int_eq(wait_container("shop-web-1"), 0);

	const struct compose_log_source sources[] = { { "shop-web-1", web }, { "shop-db-1", db } };
	struct compose_log_options o = { .tail = -1 };
	struct shown shown = show_logs(sources, 2, &o);
	/* db wrote between web's two lines: merged by the time each was written. */
	ck_assert_str_eq(shown.out, "shop-web-1  | web-one\n"
				    "shop-db-1   | db-two\n"
				    "shop-web-1  | web-three\n");
	ck_assert_str_eq(shown.err, "shop-db-1   | db-oops\n"); /* the container's stderr, on ours */
	shown_free(&shown);
}
END_TEST

START_TEST(tail_two_shows_the_last_two_lines_of_each_container)
{
	char a[65], b[65];
	snprintf(a, sizeof(a), "%s", start_container("tail-a", "for i in 1 2 3 4 5; do echo a$i; done"));
	wait_container("tail-a");
	snprintf(b, sizeof(b), "%s", start_container("tail-bb", "echo b1"));
	wait_container("tail-bb");
	const struct compose_log_source sources[] = { { "tail-a", a }, { "tail-bb", b } };
	struct compose_log_options o = { .tail = 2 };
	struct shown shown = show_logs(sources, 2, &o);
	ck_assert_str_eq(shown.out, "tail-a   | a4\n"
				    "tail-a   | a5\n"
				    "tail-bb  | b1\n");
	shown_free(&shown);
}
END_TEST

START_TEST(following_shows_lines_written_later_and_ends_when_both_exited_with_their_codes)
{
	char a[65], b[65];
	snprintf(a, sizeof(a), "%s", start_container("app-a-1", "echo early-a; " WAIT_FOR_GO "echo late-a; exit 3"));
	snprintf(b, sizeof(b), "%s", start_container("app-b-1", "echo early-b; " WAIT_FOR_GO "echo late-b"));
	const struct compose_log_source sources[] = { { "app-a-1", a }, { "app-b-1", b } };
	static struct follower f;
	start_follower(&f, sources, 2, NULL);
	ck_assert_msg(read_until(&f, "app-a-1  | early-a\n", 20), "printed:\n%s", f.text);
	ck_assert_msg(read_until(&f, "app-b-1  | early-b\n", 20), "printed:\n%s", f.text);
	ck_assert_msg(!strstr(f.text, "late") && !strstr(f.text, "exited"), "printed:\n%s", f.text);
	let_go("app-a-1");
	let_go("app-b-1");
	int code = finish_follower(&f, 20);
	ck_assert_msg(code == 0, "follower ended with %d; printed:\n%s", code, f.text);
	ck_assert_msg(strstr(f.text, "app-a-1  | late-a\n") && strstr(f.text, "app-b-1  | late-b\n"), "printed:\n%s", f.text);
	ck_assert_msg(strstr(f.text, "app-a-1 exited with code 3\n") && strstr(f.text, "app-b-1 exited with code 0\n"),
		      "printed:\n%s", f.text);
	/* Each end comes after that container's last line. */
	ck_assert(strstr(f.text, "late-a") < strstr(f.text, "app-a-1 exited"));
	ck_assert(strstr(f.text, "late-b") < strstr(f.text, "app-b-1 exited"));
}
END_TEST

START_TEST(ctrl_c_ends_following_at_once_and_leaves_the_containers_to_the_caller)
{
	const char *id = start_container("loop-1", "echo up; while true; do sleep 1; done");
	const struct compose_log_source sources[] = { { "loop-1", id } };
	static struct follower f;
	start_follower(&f, sources, 1, NULL);
	ck_assert_msg(read_until(&f, "loop-1  | up\n", 20), "printed:\n%s", f.text);
	double sent = now_seconds();
	kill(f.pid, SIGINT);
	int code = finish_follower(&f, 5);
	ck_assert_msg(code == 1, "follower ended with %d; printed:\n%s", code, f.text);
	ck_assert_msg(now_seconds() - sent < 1, "took %.2f s", now_seconds() - sent);
	struct run_result r = run_tinydock(NULL, 10, "ps", "-q", NULL);
	ck_assert_msg(strlen(r.out) > 0, "the container was stopped: the caller's job");
	run_free(&r);
}
END_TEST

/* In the follower: the first time job-1 ends, start it again and give it back to the follower,
 * as `up` does with a container it recreates. */
static void start_job_again(struct compose_logs *logs, const char *id, int exit_code, void *arg)
{
	(void)exit_code;
	(void)arg;
	static bool started_again;
	if (started_again)
		return;
	started_again = true;
	struct run_result r = run_tinydock(NULL, 20, "start", "job-1", NULL);
	run_free(&r);
	const struct compose_log_source job = { "job-1", id };
	compose_logs_add(logs, &job);
}

START_TEST(a_container_started_again_while_following_is_followed_again)
{
	const char *id = start_container("job-1", "echo run; exit 4");
	const struct compose_log_source sources[] = { { "job-1", id } };
	static struct follower f;
	start_follower(&f, sources, 1, start_job_again);
	int code = finish_follower(&f, 20);
	ck_assert_msg(code == 0, "follower ended with %d; printed:\n%s", code, f.text);
	ck_assert_str_eq(f.text, "job-1  | run\n"
				 "job-1 exited with code 4\n"
				 "job-1  | run\n"
				 "job-1 exited with code 4\n");
}
END_TEST

/* Check that every line of text is "NAME  | LETTER-N-PAD" with N counting up from 0 per
 * container (whole lines, none lost, none cut or mixed into another): the count per letter. */
static void count_whole_lines(const char *text, const char *pad, int counts[2])
{
	counts[0] = counts[1] = 0;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		ck_assert_msg(end, "a last line without its end: %s", line);
		if (strncmp(line, "big-a exited with code 0\n", 25) == 0 || strncmp(line, "big-bb exited with code 0\n", 26) == 0) {
			line = end + 1;
			continue;
		}
		int which = strncmp(line, "big-a   | ", 10) == 0 ? 0 : strncmp(line, "big-bb  | ", 10) == 0 ? 1 : -1;
		ck_assert_msg(which >= 0, "a line with no prefix of ours: %.*s", (int)(end - line), line);
		char expected[256];
		snprintf(expected, sizeof(expected), "%c-%d-%s", "ab"[which], counts[which], pad);
		ck_assert_msg((size_t)(end - line - 10) == strlen(expected) && strncmp(line + 10, expected, strlen(expected)) == 0,
			      "expected %s, got %.*s", expected, (int)(end - line), line);
		counts[which]++;
		line = end + 1;
	}
}

START_TEST(lines_written_at_once_by_two_containers_come_out_whole_and_all_in_their_order)
{
	/* 2000 lines of 100 bytes each, as fast as sh can write them, from both at the same time. */
	const char pad[] = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890";
	char script_a[512], script_b[512];
	snprintf(script_a, sizeof(script_a), WAIT_FOR_GO "i=0; while [ $i -lt 2000 ]; do echo a-$i-%s; i=$((i+1)); done", pad);
	snprintf(script_b, sizeof(script_b), WAIT_FOR_GO "i=0; while [ $i -lt 2000 ]; do echo b-$i-%s; i=$((i+1)); done", pad);
	char a[65], b[65];
	snprintf(a, sizeof(a), "%s", start_container("big-a", script_a));
	snprintf(b, sizeof(b), "%s", start_container("big-bb", script_b));
	const struct compose_log_source sources[] = { { "big-a", a }, { "big-bb", b } };
	static struct follower f;
	start_follower(&f, sources, 2, NULL);
	let_go("big-a");
	let_go("big-bb");
	int code = finish_follower(&f, 60);
	ck_assert_msg(code == 0, "follower ended with %d", code);
	int counts[2];
	count_whole_lines(f.text, pad, counts);
	ck_assert_int_eq(counts[0], 2000);
	ck_assert_int_eq(counts[1], 2000);
	ck_assert(strstr(f.text, "big-a exited with code 0\n") && strstr(f.text, "big-bb exited with code 0\n"));
}
END_TEST

Suite *compose_logs_system_suite(void)
{
	Suite *s = suite_create("compose logs system");
	TCase *t = tcase_create("compose logs system");
	harness_use_stage(t, 6);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 90);
	tcase_add_test(t, two_containers_lines_all_appear_with_their_padded_prefixes_in_the_order_written);
	tcase_add_test(t, tail_two_shows_the_last_two_lines_of_each_container);
	tcase_add_test(t, following_shows_lines_written_later_and_ends_when_both_exited_with_their_codes);
	tcase_add_test(t, lines_written_at_once_by_two_containers_come_out_whole_and_all_in_their_order);
	tcase_add_test(t, a_container_started_again_while_following_is_followed_again);
	tcase_add_test(t, ctrl_c_ends_following_at_once_and_leaves_the_containers_to_the_caller);
	suite_add_tcase(s, t);
	return s;
}
