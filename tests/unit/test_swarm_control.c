/*
 * test_swarm_control.c - the CLI's side of the control socket (08-swarm/swarm-control-client.c):
 * where the socket is, one request and its reply over it, the reply's verdict, and the
 * message a user sees on a machine with no node process.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "swarm-control.h"
#include "swarm-frame.h"

static char run_dir[] = "/tmp/tinydock-control-test-XXXXXX";

static void make_run_dir(void)
{
	strcpy(run_dir, "/tmp/tinydock-control-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(run_dir));
	setenv("TINYDOCK_RUN", run_dir, 1);
}

static void remove_run_dir(void)
{
	remove_tree(run_dir);
	unsetenv("TINYDOCK_RUN");
}

START_TEST(the_socket_is_in_the_run_folder)
{
	char path[PATH_MAX];
	ck_assert_int_eq(swarm_control_path(path, sizeof path), 0);
	char expected[PATH_MAX];
	snprintf(expected, sizeof expected, "%s/swarm/control.sock", run_dir);
	ck_assert_str_eq(path, expected);
	ck_assert_int_eq(swarm_control_path(path, 8), -1);
}
END_TEST

START_TEST(without_a_node_process_the_user_is_told_to_init_or_join)
{
	char *reply = (char *)1;
	ck_assert_int_eq(swarm_control_call("{\"op\":\"info\"}", &reply, 1000), -1);
	ck_assert_ptr_null(reply);
	ck_assert_str_eq(error_message(), "this node is not part of a swarm: run `tinydock swarm init` or "
					  "`tinydock swarm join`");
}
END_TEST

/* A child plays the node: it answers one request with a frame of its own. */
START_TEST(a_request_gets_the_reply_the_node_sends)
{
	char path[PATH_MAX], folder[PATH_MAX];
	ck_assert_int_eq(swarm_control_path(path, sizeof path), 0);
	snprintf(folder, sizeof folder, "%s/swarm", run_dir);
	ck_assert_int_eq(mkdir(folder, 0700), 0);
	int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	strcpy(address.sun_path, path);
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
		    strcmp(request, "{\"op\":\"info\"}") != 0)
			_exit(1);
		const char *reply = "{\"ok\":true,\"node\":\"abc\"}";
		_exit(swarm_frame_write(fd, reply, strlen(reply), deadline) == 0 ? 0 : 1);
	}
	char *reply;
	ck_assert_int_eq(swarm_control_call("{\"op\":\"info\"}", &reply, 2000), 0);
	ck_assert_str_eq(reply, "{\"ok\":true,\"node\":\"abc\"}");
	ck_assert_int_eq(swarm_control_reply_ok(reply), 0);
	free(reply);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(status, 0);
	close(listener);
}
END_TEST

START_TEST(a_refusal_records_the_node_s_message)
{
	ck_assert_int_eq(swarm_control_reply_ok("{\"ok\":false,\"error\":\"cannot remove service \\\"web\\\": no such service\"}"), -1);
	ck_assert_str_eq(error_message(), "cannot remove service \"web\": no such service");
	ck_assert_int_eq(swarm_control_reply_ok("{\"node\":\"x\"}"), -1);
	ck_assert_int_eq(swarm_control_reply_ok("not json"), -1);
}
END_TEST

Suite *swarm_control_suite(void)
{
	Suite *s = suite_create("08-swarm control");
	TCase *t = tcase_create("client");
	tcase_add_checked_fixture(t, make_run_dir, remove_run_dir);
	tcase_add_test(t, the_socket_is_in_the_run_folder);
	tcase_add_test(t, without_a_node_process_the_user_is_told_to_init_or_join);
	tcase_add_test(t, a_request_gets_the_reply_the_node_sends);
	tcase_add_test(t, a_refusal_records_the_node_s_message);
	suite_add_tcase(s, t);
	return s;
}
