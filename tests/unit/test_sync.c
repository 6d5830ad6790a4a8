/*
 * test_sync.c - the parent/child protocol of `tinydock run` (02-namespaces/sync.c), over a real
 * socketpair: steps in order, a file descriptor carried along, and the other side going away.
 */
#include <check.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "sync.h"

static int pair[2];

static void open_pair(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
}

static void close_pair(void)
{
	close(pair[0]);
	close(pair[1]);
}

START_TEST(steps_arrive_in_the_order_they_were_sent)
{
	ck_assert_int_eq(sync_send(pair[0], SYNC_USERMAP, -1), 0);
	ck_assert_int_eq(sync_send(pair[0], SYNC_CGROUP, -1), 0);
	ck_assert_int_eq(sync_send(pair[0], SYNC_NET, -1), 0);
	int fd = 42;
	ck_assert_int_eq(sync_expect(pair[1], SYNC_USERMAP, &fd), 0);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(sync_expect(pair[1], SYNC_CGROUP, NULL), 0);
	ck_assert_int_eq(sync_expect(pair[1], SYNC_NET, NULL), 0);
}
END_TEST

START_TEST(a_step_can_carry_a_file_descriptor_as_the_pty_master_does)
{
	int pipe_fds[2];
	ck_assert_int_eq(pipe(pipe_fds), 0);
	ck_assert_int_eq(sync_send(pair[1], SYNC_READY, pipe_fds[1]), 0);
	close(pipe_fds[1]);
	int received = -1;
	ck_assert_int_eq(sync_expect(pair[0], SYNC_READY, &received), 0);
	ck_assert(received >= 0);
	/* the received fd is the same open file: what is written to it comes out of the pipe */
	ck_assert_int_eq(write(received, "pty", 3), 3);
	close(received);
	char buf[8] = "";
	ck_assert_int_eq(read(pipe_fds[0], buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "pty");
	close(pipe_fds[0]);
}
END_TEST

START_TEST(an_unexpected_step_is_an_error_naming_both)
{
	ck_assert_int_eq(sync_send(pair[0], SYNC_GO, -1), 0);
	ck_assert_int_eq(sync_expect(pair[1], SYNC_USERMAP, NULL), -1);
	ck_assert_str_eq(error_message(), "expected SYNC_USERMAP, got message 5");
}
END_TEST

START_TEST(the_other_side_going_away_ends_the_wait)
{
	close(pair[0]);
	ck_assert_int_eq(sync_expect(pair[1], SYNC_READY, NULL), -1);
	ck_assert_str_eq(error_message(), "the other side stopped before SYNC_READY");
	ck_assert_int_eq(error_errno(), 0);
	pair[0] = socket(AF_UNIX, SOCK_STREAM, 0); /* something for close_pair to close */
}
END_TEST

Suite *sync_suite(void)
{
	Suite *s = suite_create("02-namespaces sync");
	TCase *t = tcase_create("sync");
	tcase_add_checked_fixture(t, open_pair, close_pair);
	tcase_add_test(t, steps_arrive_in_the_order_they_were_sent);
	tcase_add_test(t, a_step_can_carry_a_file_descriptor_as_the_pty_master_does);
	tcase_add_test(t, an_unexpected_step_is_an_error_naming_both);
	tcase_add_test(t, the_other_side_going_away_ends_the_wait);
	suite_add_tcase(s, t);
	return s;
}
