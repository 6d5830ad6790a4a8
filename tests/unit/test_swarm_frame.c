/*
 * test_swarm_frame.c - frames on a stream (08-swarm/swarm-frame.c): what one side writes the
 * other reads whole, however the bytes are split, and a hostile length ends the connection
 * before anything is allocated for it.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "swarm-frame.h"

static int pair[2];

static void open_pair(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
}

static void close_pair(void)
{
	close(pair[0]);
	close(pair[1]);
}

static uint64_t in_ms(int ms)
{
	return swarm_monotonic_ms() + (uint64_t)ms;
}

START_TEST(a_frame_written_is_read_back_whole)
{
	const char *message = "{\"v\":1,\"type\":\"hello\"}";
	ck_assert_int_eq(swarm_frame_write(pair[0], message, strlen(message), in_ms(1000)), 0);
	char *body;
	size_t length;
	ck_assert_int_eq(swarm_frame_read(pair[1], &body, &length, in_ms(1000)), 0);
	ck_assert_uint_eq(length, strlen(message));
	ck_assert_str_eq(body, message);
	free(body);
}
END_TEST

START_TEST(the_length_is_four_bytes_big_endian)
{
	unsigned char header[SWARM_FRAME_HEADER];
	ck_assert_int_eq(swarm_frame_header(0x010203, header), 0);
	ck_assert_int_eq(header[0], 0);
	ck_assert_int_eq(header[1], 1);
	ck_assert_int_eq(header[2], 2);
	ck_assert_int_eq(header[3], 3);
}
END_TEST

START_TEST(an_empty_or_oversized_message_is_not_framed)
{
	unsigned char header[SWARM_FRAME_HEADER];
	ck_assert_int_eq(swarm_frame_header(0, header), -1);
	ck_assert_int_eq(swarm_frame_header(SWARM_FRAME_MAX + 1, header), -1);
	ck_assert_int_eq(swarm_frame_header(SWARM_FRAME_MAX, header), 0);
}
END_TEST

/* Feed bytes one at a time: the frame completes exactly at its last byte. */
START_TEST(a_frame_split_into_single_bytes_completes_at_its_last_byte)
{
	const char *message = "{\"a\":1}";
	unsigned char wire[64];
	ck_assert_int_eq(swarm_frame_header(strlen(message), wire), 0);
	memcpy(wire + 4, message, strlen(message));
	size_t total = 4 + strlen(message);
	struct swarm_frame_reader reader;
	swarm_frame_reader_init(&reader);
	char *body = NULL;
	size_t length = 0, used;
	for (size_t i = 0; i < total; i++) {
		int rc = swarm_frame_reader_feed(&reader, wire + i, 1, &used, &body, &length);
		ck_assert_uint_eq(used, 1);
		ck_assert_int_eq(rc, i + 1 == total ? 1 : 0);
	}
	ck_assert_str_eq(body, message);
	free(body);
	swarm_frame_reader_free(&reader);
}
END_TEST

/* Two frames in one buffer: the first comes out, the reader stops right after it. */
START_TEST(two_frames_in_one_buffer_come_out_one_at_a_time)
{
	unsigned char wire[64];
	ck_assert_int_eq(swarm_frame_header(3, wire), 0);
	memcpy(wire + 4, "[1]", 3);
	ck_assert_int_eq(swarm_frame_header(2, wire + 7), 0);
	memcpy(wire + 11, "{}", 2);
	struct swarm_frame_reader reader;
	swarm_frame_reader_init(&reader);
	char *body;
	size_t length, used;
	ck_assert_int_eq(swarm_frame_reader_feed(&reader, wire, 13, &used, &body, &length), 1);
	ck_assert_uint_eq(used, 7);
	ck_assert_str_eq(body, "[1]");
	free(body);
	ck_assert_int_eq(swarm_frame_reader_feed(&reader, wire + used, 13 - used, &used, &body, &length), 1);
	ck_assert_str_eq(body, "{}");
	free(body);
	swarm_frame_reader_free(&reader);
}
END_TEST

START_TEST(a_length_of_zero_is_refused)
{
	unsigned char wire[4] = { 0, 0, 0, 0 };
	struct swarm_frame_reader reader;
	swarm_frame_reader_init(&reader);
	char *body;
	size_t length, used;
	ck_assert_int_eq(swarm_frame_reader_feed(&reader, wire, 4, &used, &body, &length), -1);
	ck_assert_str_eq(error_message(), "cannot read a frame: its length 0 is not within 1 to 1048576");
	swarm_frame_reader_free(&reader);
}
END_TEST

/* 4 GiB - 1 announced: refused on the header, before any allocation for it. */
START_TEST(a_hostile_length_is_refused_before_anything_is_allocated)
{
	unsigned char wire[4] = { 0xff, 0xff, 0xff, 0xff };
	struct swarm_frame_reader reader;
	swarm_frame_reader_init(&reader);
	char *body;
	size_t length, used;
	ck_assert_int_eq(swarm_frame_reader_feed(&reader, wire, 4, &used, &body, &length), -1);
	ck_assert_ptr_null(reader.body);
	ck_assert_str_eq(error_message(), "cannot read a frame: its length 4294967295 is not within 1 to 1048576");
	swarm_frame_reader_free(&reader);
	unsigned char just_over[4] = { 0x00, 0x10, 0x00, 0x01 };
	swarm_frame_reader_init(&reader);
	ck_assert_int_eq(swarm_frame_reader_feed(&reader, just_over, 4, &used, &body, &length), -1);
	swarm_frame_reader_free(&reader);
}
END_TEST

START_TEST(a_non_blocking_reader_waits_for_the_rest_of_a_split_frame)
{
	ck_assert_int_eq(fcntl(pair[1], F_SETFL, O_NONBLOCK), 0);
	unsigned char wire[16];
	ck_assert_int_eq(swarm_frame_header(9, wire), 0);
	memcpy(wire + 4, "{\"k\":\"v\"}", 9);
	struct swarm_frame_reader reader;
	swarm_frame_reader_init(&reader);
	char *body = NULL;
	size_t length;
	ck_assert_int_eq(swarm_frame_reader_read(&reader, pair[1], &body, &length), 0); /* nothing yet */
	ck_assert_int_eq(write(pair[0], wire, 2), 2);
	ck_assert_int_eq(swarm_frame_reader_read(&reader, pair[1], &body, &length), 0);
	ck_assert_int_eq(write(pair[0], wire + 2, 6), 6);
	ck_assert_int_eq(swarm_frame_reader_read(&reader, pair[1], &body, &length), 0);
	ck_assert_int_eq(write(pair[0], wire + 8, 5), 5);
	ck_assert_int_eq(swarm_frame_reader_read(&reader, pair[1], &body, &length), 1);
	ck_assert_str_eq(body, "{\"k\":\"v\"}");
	free(body);
	swarm_frame_reader_free(&reader);
}
END_TEST

START_TEST(the_peer_closing_mid_frame_is_an_error)
{
	unsigned char wire[6];
	ck_assert_int_eq(swarm_frame_header(10, wire), 0);
	memcpy(wire + 4, "{\"", 2);
	ck_assert_int_eq(write(pair[0], wire, 6), 6);
	close(pair[0]);
	pair[0] = socket(AF_UNIX, SOCK_STREAM, 0); /* something for close_pair to close */
	char *body;
	size_t length;
	ck_assert_int_eq(swarm_frame_read(pair[1], &body, &length, in_ms(1000)), -1);
	ck_assert_str_eq(error_message(), "cannot read a frame: the peer closed the connection");
}
END_TEST

START_TEST(a_read_gives_up_at_its_deadline)
{
	char *body;
	size_t length;
	uint64_t start = swarm_monotonic_ms();
	ck_assert_int_eq(swarm_frame_read(pair[1], &body, &length, in_ms(50)), -1);
	ck_assert_int_eq(error_errno(), ETIMEDOUT);
	uint64_t waited = swarm_monotonic_ms() - start;
	ck_assert_uint_ge(waited, 50);
	ck_assert_uint_lt(waited, 1000);
}
END_TEST

/* A megabyte does not fit in a socket's buffer: the writer waits for the reader (poll). */
START_TEST(the_largest_frame_goes_through_a_non_blocking_socket)
{
	ck_assert_int_eq(fcntl(pair[0], F_SETFL, O_NONBLOCK), 0);
	char *big = malloc(SWARM_FRAME_MAX);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', SWARM_FRAME_MAX);
	big[0] = '{';
	big[SWARM_FRAME_MAX - 1] = '}';
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(swarm_frame_write(pair[0], big, SWARM_FRAME_MAX, in_ms(5000)) == 0 ? 0 : 1);
	char *body;
	size_t length;
	ck_assert_int_eq(swarm_frame_read(pair[1], &body, &length, in_ms(5000)), 0);
	ck_assert_uint_eq(length, SWARM_FRAME_MAX);
	ck_assert_int_eq(memcmp(body, big, SWARM_FRAME_MAX), 0);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(status, 0);
	free(body);
	free(big);
}
END_TEST

Suite *swarm_frame_suite(void)
{
	Suite *s = suite_create("08-swarm frame");
	TCase *t = tcase_create("frame");
	tcase_add_checked_fixture(t, open_pair, close_pair);
	tcase_add_test(t, a_frame_written_is_read_back_whole);
	tcase_add_test(t, the_length_is_four_bytes_big_endian);
	tcase_add_test(t, an_empty_or_oversized_message_is_not_framed);
	tcase_add_test(t, a_frame_split_into_single_bytes_completes_at_its_last_byte);
	tcase_add_test(t, two_frames_in_one_buffer_come_out_one_at_a_time);
	tcase_add_test(t, a_length_of_zero_is_refused);
	tcase_add_test(t, a_hostile_length_is_refused_before_anything_is_allocated);
	tcase_add_test(t, a_non_blocking_reader_waits_for_the_rest_of_a_split_frame);
	tcase_add_test(t, the_peer_closing_mid_frame_is_an_error);
	tcase_add_test(t, a_read_gives_up_at_its_deadline);
	tcase_add_test(t, the_largest_frame_goes_through_a_non_blocking_socket);
	suite_add_tcase(s, t);
	return s;
}
