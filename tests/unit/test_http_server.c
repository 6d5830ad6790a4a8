/*
 * test_http_server.c - the HTTP server and client cores on loopback (05-images).
 *
 * No root needed: each test starts a server on 127.0.0.1 with a port the kernel picks,
 * with a small handler, and talks to it with the client core or with raw bytes (for what
 * a well-behaved client would never send: a trickle, a TLS hello, a huge header).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <poll.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "error.h"
#include "http-client.h"
#include "http-server.h"

/* --- a server in a thread ---------------------------------------------------------------- */

struct running {
	struct http_server *server;
	pthread_t thread;
	char addr[64];
	int port;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[65536];

static void collect_log(void *ctx, const char *line)
{
	(void)ctx;
	pthread_mutex_lock(&log_lock);
	size_t n = strlen(log_text);
	snprintf(log_text + n, sizeof(log_text) - n, "%s\n", line);
	pthread_mutex_unlock(&log_lock);
}

static bool log_contains(const char *text)
{
	pthread_mutex_lock(&log_lock);
	bool found = strstr(log_text, text) != NULL;
	pthread_mutex_unlock(&log_lock);
	return found;
}

static void *run_server(void *arg)
{
	http_server_run(arg);
	return NULL;
}

static atomic_int now_serving, most_served_at_once;
static atomic_int stream_saw_close = -1; /* -1: the /stream handler still runs */
static int file_fd = -1;
static size_t file_size;

/* The test handler: a few paths, each showing one thing. */
static void handler(struct http_exchange *ex, void *ctx)
{
	(void)ctx;
	const struct http_message *m = http_exchange_request(ex);
	char reply[4096];
	if (strcmp(m->target, "/echo") == 0) {
		/* Read the whole body, answer with its size and bytes, chunked if asked. */
		char body[2048];
		size_t got = 0;
		ssize_t n;
		while ((n = http_exchange_read(ex, body + got, sizeof(body) - got)) > 0)
			got += (size_t)n;
		if (n < 0)
			return;
		int len = snprintf(reply, sizeof(reply), "%s %zu %s|%.*s", m->method, got, http_exchange_peer(ex),
				   (int)got, body);
		if (http_field_value(m, "X-Reply-Chunked")) {
			struct http_head head;
			http_head_response(&head, 200);
			http_exchange_send_head(ex, &head, -1);
			for (int i = 0; i < len; i += 7)
				http_exchange_write(ex, reply + i, (size_t)(len - i < 7 ? len - i : 7));
		} else {
			http_exchange_reply(ex, 200, "text/plain", reply, (size_t)len);
		}
	} else if (strcmp(m->target, "/file") == 0) {
		struct http_head head;
		http_head_response(&head, 200);
		http_head_field(&head, "Content-Type", "application/octet-stream");
		if (http_exchange_send_head(ex, &head, (int64_t)file_size) == 0)
			http_exchange_send_file(ex, file_fd, 0, file_size);
	} else if (strcmp(m->target, "/slow") == 0) {
		int now = atomic_fetch_add(&now_serving, 1) + 1;
		int most = atomic_load(&most_served_at_once);
		while (now > most && !atomic_compare_exchange_weak(&most_served_at_once, &most, now))
			;
		usleep(20000);
		atomic_fetch_sub(&now_serving, 1);
		http_exchange_reply(ex, 200, "text/plain", "slow\n", 5);
	} else if (strcmp(m->target, "/stream") == 0) {
		/* A response that goes on until the client leaves, as server-sent events do. */
		struct http_head head;
		http_head_response(&head, 200);
		http_exchange_close_after(ex);
		if (http_exchange_send_head(ex, &head, -1) < 0 || http_exchange_write(ex, "tick\n", 5) < 0)
			return;
		for (int i = 0; i < 1000 && !http_exchange_peer_closed(ex); i++)
			usleep(10000);
		atomic_store(&stream_saw_close, http_exchange_peer_closed(ex));
	} else if (strcmp(m->target, "/silent") == 0) {
		fail_errno(0, "the test handler says nothing");
	} else {
		http_exchange_reply(ex, 404, "text/plain", "no\n", 3);
	}
}

static void start_server_with(struct running *r, struct http_server_config config)
{
	log_text[0] = '\0';
	config.addr = "127.0.0.1:0";
	config.handler = handler;
	config.log = collect_log;
	r->server = http_server_open(&config);
	ck_assert_msg(r->server != NULL, "%s", error_message());
	r->port = http_server_port(r->server);
	ck_assert_int_gt(r->port, 0);
	snprintf(r->addr, sizeof(r->addr), "127.0.0.1:%d", r->port);
	ck_assert_int_eq(pthread_create(&r->thread, NULL, run_server, r->server), 0);
}

static void start_server(struct running *r, unsigned max_connections, int head_timeout_ms)
{
	start_server_with(r, (struct http_server_config){ .max_connections = max_connections,
							  .head_timeout_ms = head_timeout_ms, .idle_timeout_ms = 2000 });
}

static void stop_server(struct running *r)
{
	http_server_stop(r->server);
	pthread_join(r->thread, NULL);
	http_server_close(r->server);
}

/* One request with the client core; the body comes back NUL-terminated. */
static int request(struct http_client *c, const char *method, const char *target, const char *body, bool chunked,
		   const char *extra_field, char *out, size_t out_size)
{
	struct http_head head;
	http_client_start(c, &head, method, target);
	if (extra_field)
		http_head_field(&head, extra_field, "yes");
	size_t len = body ? strlen(body) : 0;
	ck_assert_int_eq(http_client_send_head(c, &head, chunked ? -1 : (int64_t)len), 0);
	if (chunked) {
		for (size_t i = 0; i < len; i += 3)
			ck_assert_int_eq(http_client_write(c, body + i, len - i < 3 ? len - i : 3), 0);
	} else if (len) {
		ck_assert_int_eq(http_client_write(c, body, len), 0);
	}
	ck_assert_int_eq(http_client_end_request(c), 0);
	const struct http_message *response;
	ck_assert_msg(http_client_read_response(c, &response) == 0, "%s", error_message());
	int status = response->status;
	size_t got = 0;
	ssize_t n;
	while ((n = http_client_read(c, out + got, out_size - 1 - got)) > 0)
		got += (size_t)n;
	ck_assert_int_eq(n, 0);
	out[got] = '\0';
	return status;
}

/* A raw TCP connection, for bytes the client core would never send. */
static int raw_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Read until the server closes (or 5 s pass); returns the bytes, NUL-terminated. */
static size_t raw_read_all(int fd, char *out, size_t size)
{
	size_t got = 0;
	ssize_t n;
	while (got < size - 1 && (n = recv(fd, out + got, size - 1 - got, 0)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	return got;
}

/* --- tests --------------------------------------------------------------------------------- */

START_TEST(requests_share_one_kept_alive_connection)
{
	struct running r;
	start_server(&r, 8, 2000);
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, r.addr, 2000), 0);
	char first[512], out[512];
	ck_assert_int_eq(request(&c, "GET", "/echo", NULL, false, NULL, first, sizeof(first)), 200);
	for (int i = 0; i < 3; i++) {
		ck_assert(http_client_reusable(&c));
		ck_assert_int_eq(request(&c, "GET", "/echo", NULL, false, NULL, out, sizeof(out)), 200);
		ck_assert_str_eq(out, first); /* same peer address: the same connection */
	}
	ck_assert_int_eq(request(&c, "GET", "/nothing", NULL, false, NULL, out, sizeof(out)), 404);
	http_client_close(&c);
	stop_server(&r);
	ck_assert(log_contains("\"GET /echo HTTP/1.1\" 200"));
	ck_assert(log_contains("\"GET /nothing HTTP/1.1\" 404"));
}
END_TEST

START_TEST(chunked_bodies_travel_both_ways)
{
	struct running r;
	start_server(&r, 8, 2000);
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, r.addr, 2000), 0);
	char out[512];
	ck_assert_int_eq(request(&c, "PATCH", "/echo", "hello chunked world", true, "X-Reply-Chunked", out, sizeof(out)), 200);
	ck_assert_ptr_nonnull(strstr(out, "PATCH 19 "));
	ck_assert_ptr_nonnull(strstr(out, "|hello chunked world"));
	ck_assert_int_eq(request(&c, "PUT", "/echo", "plain", false, NULL, out, sizeof(out)), 200);
	ck_assert_ptr_nonnull(strstr(out, "|plain"));
	http_client_close(&c);
	stop_server(&r);
}
END_TEST

START_TEST(a_file_is_sent_whole_and_head_gets_only_its_length)
{
	file_size = 3 * 1024 * 1024 + 17;
	file_fd = memfd_create("blob", 0);
	char *data = malloc(file_size);
	for (size_t i = 0; i < file_size; i++)
		data[i] = (char)(i * 7 + i / 4096);
	ck_assert_int_eq(write(file_fd, data, file_size), (ssize_t)file_size);

	struct running r;
	start_server(&r, 8, 2000);
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, r.addr, 2000), 0);

	struct http_head head;
	http_client_start(&c, &head, "HEAD", "/file");
	ck_assert_int_eq(http_client_send_head(&c, &head, 0), 0);
	const struct http_message *response;
	ck_assert_int_eq(http_client_read_response(&c, &response), 0);
	ck_assert_str_eq(http_field_value(response, "Content-Length"), "3145745");
	char buf[16];
	ck_assert_int_eq(http_client_read(&c, buf, sizeof(buf)), 0);

	int out_fd = memfd_create("download", 0);
	struct fd_sink sink;
	fd_sink_init(&sink, out_fd);
	http_client_start(&c, &head, "GET", "/file");
	ck_assert_int_eq(http_client_send_head(&c, &head, 0), 0);
	ck_assert_int_eq(http_client_read_response(&c, &response), 0);
	uint64_t total = 0;
	ck_assert_int_eq(http_client_body_to_sink(&c, &sink.sink, &total), 0);
	ck_assert_uint_eq(total, file_size);
	char *back = mmap(NULL, file_size, PROT_READ, MAP_SHARED, out_fd, 0);
	ck_assert(back != MAP_FAILED);
	ck_assert(memcmp(back, data, file_size) == 0);
	ck_assert(http_client_reusable(&c));
	munmap(back, file_size);
	close(out_fd);
	http_client_close(&c);
	stop_server(&r);
	free(data);
	close(file_fd);
}
END_TEST

struct many {
	const char *addr;
	int ok;
};

static void *one_client(void *arg)
{
	struct many *m = arg;
	struct http_client c;
	if (http_client_connect(&c, m->addr, 10000) < 0)
		return NULL;
	struct http_head head;
	http_client_start(&c, &head, "GET", "/slow");
	const struct http_message *response;
	char buf[64];
	if (http_client_send_head(&c, &head, 0) == 0 && http_client_read_response(&c, &response) == 0 &&
	    response->status == 200 && http_client_read(&c, buf, sizeof(buf)) == 5)
		m->ok = 1;
	http_client_close(&c);
	return NULL;
}

START_TEST(fifty_clients_are_all_served_but_never_more_than_the_limit_at_once)
{
	struct running r;
	start_server(&r, 4, 5000);
	atomic_store(&now_serving, 0);
	atomic_store(&most_served_at_once, 0);
	enum { CLIENTS = 50 };
	pthread_t threads[CLIENTS];
	struct many m[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		m[i] = (struct many){ .addr = r.addr };
		ck_assert_int_eq(pthread_create(&threads[i], NULL, one_client, &m[i]), 0);
	}
	int ok = 0;
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(threads[i], NULL);
		ok += m[i].ok;
	}
	stop_server(&r);
	ck_assert_int_eq(ok, CLIENTS);
	ck_assert_int_le(atomic_load(&most_served_at_once), 4);
	ck_assert_int_ge(atomic_load(&most_served_at_once), 2);
}
END_TEST

START_TEST(a_slowloris_trickle_is_cut_off_within_the_head_timeout)
{
	struct running r;
	start_server(&r, 8, 500);
	int fd = raw_connect(r.port);
	static const char trickle[] = "GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	int64_t start = http_now_ms();
	/* One byte every 50 ms: each read is "recent", but the head never completes. */
	for (size_t i = 0; i < sizeof(trickle) - 1; i++) {
		if (send(fd, trickle + i, 1, MSG_NOSIGNAL) < 0)
			break;
		usleep(50000);
		struct timeval tv = { 0 };
		fd_set set;
		FD_ZERO(&set);
		FD_SET(fd, &set);
		if (select(fd + 1, &set, NULL, NULL, &tv) > 0)
			break; /* the server answered: it has given up on us */
	}
	char out[1024];
	raw_read_all(fd, out, sizeof(out));
	int64_t elapsed = http_now_ms() - start;
	close(fd);
	stop_server(&r);
	ck_assert_msg(strncmp(out, "HTTP/1.1 408 ", 13) == 0, "got: %s", out);
	ck_assert_int_lt(elapsed, 1500);
	ck_assert(log_contains("incomplete request head"));
}
END_TEST

START_TEST(a_tls_client_hello_gets_a_clean_close)
{
	struct running r;
	start_server(&r, 8, 2000);
	int fd = raw_connect(r.port);
	/* The start of a TLS 1.2/1.3 ClientHello: record type 22 (handshake), version 3.1. */
	static const unsigned char hello[] = { 0x16, 0x03, 0x01, 0x00, 0xf8, 0x01, 0x00, 0x00, 0xf4, 0x03, 0x03 };
	ck_assert_int_eq(send(fd, hello, sizeof(hello), MSG_NOSIGNAL), (ssize_t)sizeof(hello));
	char out[256];
	ck_assert_uint_eq(raw_read_all(fd, out, sizeof(out)), 0); /* closed, and not a byte of HTTP */
	close(fd);
	/* ...and the server is still there for the plain-HTTP retry. */
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, r.addr, 2000), 0);
	ck_assert_int_eq(request(&c, "GET", "/echo", NULL, false, NULL, out, sizeof(out)), 200);
	http_client_close(&c);
	stop_server(&r);
	ck_assert(log_contains("TLS handshake"));
}
END_TEST

START_TEST(an_over_long_header_is_refused_with_431_and_the_server_lives_on)
{
	struct running r;
	start_server(&r, 8, 2000);
	int fd = raw_connect(r.port);
	size_t size = 256 * 1024;
	char *big = malloc(size);
	memset(big, 'a', size);
	memcpy(big, "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: ", 36);
	/* The server answers after 8 KiB and stops reading; our send may fail once it closes. */
	send(fd, big, size, MSG_NOSIGNAL);
	char out[1024];
	raw_read_all(fd, out, sizeof(out));
	close(fd);
	free(big);
	ck_assert_msg(strncmp(out, "HTTP/1.1 431 Request Header Fields Too Large\r\n", 46) == 0, "got: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "Connection: close\r\n"));
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, r.addr, 2000), 0);
	ck_assert_int_eq(request(&c, "GET", "/echo", NULL, false, NULL, out, sizeof(out)), 200);
	http_client_close(&c);
	stop_server(&r);
}
END_TEST

START_TEST(pipelined_requests_get_their_responses_in_order)
{
	struct running r;
	start_server(&r, 8, 2000);
	int fd = raw_connect(r.port);
	static const char two[] = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nonePUT /echo HTTP/1.1\r\n"
				  "Host: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\ntwo";
	ck_assert_int_eq(send(fd, two, sizeof(two) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(two) - 1);
	char out[4096];
	raw_read_all(fd, out, sizeof(out));
	close(fd);
	stop_server(&r);
	/* Two responses, each followed by its own body, in the order the requests came. */
	char *first = strstr(out, "HTTP/1.1 200 OK\r\n");
	char *second = first ? strstr(first + 1, "HTTP/1.1 200 OK\r\n") : NULL;
	char *a = strstr(out, "|one"), *b = strstr(out, "|two");
	ck_assert_msg(first && a && second && b && first < a && a < second && second < b, "got: %s", out);
	/* Only the second request asked to close: the first response keeps the connection. */
	char *closing = strstr(out, "Connection: close\r\n");
	ck_assert_msg(closing && closing > second, "got: %s", out);
}
END_TEST

START_TEST(a_smuggling_attempt_is_refused_and_the_connection_closed)
{
	struct running r;
	start_server(&r, 8, 2000);
	int fd = raw_connect(r.port);
	static const char smuggle[] = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
				      "0\r\n\r\nGET /echo HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert_int_eq(send(fd, smuggle, sizeof(smuggle) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(smuggle) - 1);
	char out[4096];
	raw_read_all(fd, out, sizeof(out));
	close(fd);
	stop_server(&r);
	ck_assert_msg(strncmp(out, "HTTP/1.1 400 Bad Request\r\n", 26) == 0, "got: %s", out);
	ck_assert_ptr_null(strstr(out, "HTTP/1.1 200")); /* the smuggled GET was never served */
	ck_assert(log_contains("both Content-Length and Transfer-Encoding"));
}
END_TEST

START_TEST(expect_100_continue_is_answered_before_the_body_is_sent)
{
	struct running r;
	start_server(&r, 8, 2000);
	int fd = raw_connect(r.port);
	static const char head[] = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
	ck_assert_int_eq(send(fd, head, sizeof(head) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(head) - 1);
	char out[1024];
	ssize_t n = recv(fd, out, sizeof(out) - 1, 0);
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
	ck_assert_str_eq(out, "HTTP/1.1 100 Continue\r\n\r\n");
	ck_assert_int_eq(send(fd, "body", 4, MSG_NOSIGNAL), 4);
	shutdown(fd, SHUT_WR);
	raw_read_all(fd, out, sizeof(out));
	close(fd);
	stop_server(&r);
	ck_assert_msg(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0, "got: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "|body"));
}
END_TEST

START_TEST(a_handler_that_does_not_answer_gives_500)
{
	struct running r;
	start_server(&r, 8, 2000);
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, r.addr, 2000), 0);
	char out[256];
	ck_assert_int_eq(request(&c, "GET", "/silent", NULL, false, NULL, out, sizeof(out)), 500);
	ck_assert(!http_client_reusable(&c));
	http_client_close(&c);
	stop_server(&r);
	ck_assert(log_contains("the test handler says nothing"));
}
END_TEST

START_TEST(a_streaming_handler_learns_when_its_client_has_gone)
{
	struct running r;
	start_server(&r, 8, 2000);
	atomic_store(&stream_saw_close, -1);
	int fd = raw_connect(r.port);
	static const char get[] = "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert_int_eq(send(fd, get, sizeof(get) - 1, 0), (ssize_t)sizeof(get) - 1);
	char got[512] = "";
	size_t length = 0;
	while (!strstr(got, "tick")) {
		ssize_t n = recv(fd, got + length, sizeof(got) - 1 - length, 0);
		ck_assert_int_gt(n, 0);
		length += (size_t)n;
		got[length] = '\0';
	}
	ck_assert_int_eq(atomic_load(&stream_saw_close), -1); /* the client is still there */
	close(fd);
	int64_t deadline = http_now_ms() + 2000;
	while (atomic_load(&stream_saw_close) == -1 && http_now_ms() < deadline)
		usleep(10000);
	ck_assert_int_eq(atomic_load(&stream_saw_close), 1);
	stop_server(&r);
}
END_TEST

START_TEST(closing_the_server_ends_idle_kept_alive_connections_at_once)
{
	struct running r;
	start_server(&r, 8, 2000);
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, r.addr, 2000), 0);
	char out[256];
	ck_assert_int_eq(request(&c, "GET", "/echo", NULL, false, NULL, out, sizeof(out)), 200);
	int64_t start = http_now_ms();
	stop_server(&r); /* the connection is idle in keep-alive, waiting up to 2 s */
	ck_assert_int_lt(http_now_ms() - start, 1000);
	http_client_close(&c);
}
END_TEST

/* True when fd has something to read (or was closed): the server has answered or given up. */
static bool readable_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, 0) > 0;
}

START_TEST(a_request_body_trickled_a_byte_at_a_time_is_cut_off_at_its_deadline)
{
	struct running r;
	start_server_with(&r, (struct http_server_config){ .max_connections = 8, .head_timeout_ms = 2000,
							   .idle_timeout_ms = 2000, .body_timeout_ms = 1000 });
	int fd = raw_connect(r.port);
	static const char head[] = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n";
	ck_assert_int_eq(send(fd, head, sizeof(head) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(head) - 1);
	int64_t start = http_now_ms();
	/* A byte every 50 ms: each read comes well within the 2 s idle timeout, but the whole
	 * body would take 50 s. Stop when the server answers, or after 5 s (the test then fails). */
	for (int i = 0; i < 1000 && http_now_ms() - start < 5000 && !readable_now(fd); i++) {
		if (send(fd, "x", 1, MSG_NOSIGNAL) < 0)
			break;
		usleep(50000); /* the trickle's pace, not a wait for the server */
	}
	char out[1024];
	raw_read_all(fd, out, sizeof(out));
	int64_t elapsed = http_now_ms() - start;
	close(fd);
	stop_server(&r);
	ck_assert_msg(strncmp(out, "HTTP/1.1 408 ", 13) == 0, "got: %s", out);
	ck_assert_int_ge(elapsed, 900);
	ck_assert_int_lt(elapsed, 2500);
	ck_assert(log_contains("request body not received in time"));
}
END_TEST

START_TEST(kept_alive_connections_give_up_their_slots_to_a_new_client)
{
	struct running r;
	/* Long timeouts: without making room, the fifth client would wait 10 s for a slot. */
	start_server_with(&r, (struct http_server_config){ .max_connections = 4, .head_timeout_ms = 10000,
							   .idle_timeout_ms = 10000 });
	struct http_client kept[4];
	char out[512];
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(http_client_connect(&kept[i], r.addr, 3000), 0);
		ck_assert_int_eq(request(&kept[i], "GET", "/echo", NULL, false, NULL, out, sizeof(out)), 200);
	}
	int64_t start = http_now_ms();
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, r.addr, 3000), 0);
	ck_assert_int_eq(request(&c, "GET", "/echo", NULL, false, NULL, out, sizeof(out)), 200);
	int64_t elapsed = http_now_ms() - start;
	http_client_close(&c);
	/* The one idle the longest, the first, was closed; the others are still open. */
	char buf[16];
	ck_assert_int_eq(recv(kept[0].conn.fd, buf, sizeof(buf), 0), 0);
	ck_assert_int_eq(recv(kept[3].conn.fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
	for (int i = 0; i < 4; i++)
		http_client_close(&kept[i]);
	stop_server(&r);
	ck_assert_int_lt(elapsed, 1000);
	ck_assert(log_contains("closed to make room"));
}
END_TEST

START_TEST(silent_connections_give_up_their_slots_to_a_new_client_after_a_grace)
{
	struct running r;
	/* A new connection may stay silent for a quarter of the head timeout (1 s here) before
	 * it can lose its slot; without making room, the fifth client would wait 4 s. */
	start_server_with(&r, (struct http_server_config){ .max_connections = 4, .head_timeout_ms = 4000,
							   .idle_timeout_ms = 10000 });
	int silent[4];
	for (int i = 0; i < 4; i++)
		silent[i] = raw_connect(r.port);
	int64_t start = http_now_ms();
	struct http_client c;
	char out[512];
	ck_assert_int_eq(http_client_connect(&c, r.addr, 3500), 0);
	ck_assert_int_eq(request(&c, "GET", "/echo", NULL, false, NULL, out, sizeof(out)), 200);
	int64_t elapsed = http_now_ms() - start;
	http_client_close(&c);
	char buf[16];
	ck_assert_int_eq(recv(silent[0], buf, sizeof(buf), 0), 0); /* the first to connect */
	for (int i = 0; i < 4; i++)
		close(silent[i]);
	stop_server(&r);
	ck_assert_int_ge(elapsed, 900);
	ck_assert_int_lt(elapsed, 3000);
	ck_assert(log_contains("closed to make room"));
}
END_TEST

START_TEST(addresses_split_into_host_and_port)
{
	char host[64], port[8];
	ck_assert_int_eq(http_split_host_port("127.0.0.1:5000", host, sizeof(host), port, sizeof(port)), 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_str_eq(port, "5000");
	ck_assert_int_eq(http_split_host_port("[::1]:443", host, sizeof(host), port, sizeof(port)), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_int_eq(http_split_host_port(":5000", host, sizeof(host), port, sizeof(port)), 0);
	ck_assert_str_eq(host, "");
	ck_assert_int_eq(http_split_host_port("localhost", host, sizeof(host), port, sizeof(port)), -1);
	ck_assert_int_eq(http_split_host_port("::1:5000", host, sizeof(host), port, sizeof(port)), -1);
	ck_assert_int_eq(http_split_host_port("h:99999", host, sizeof(host), port, sizeof(port)), -1);
	ck_assert_int_eq(http_split_host_port("h:5x", host, sizeof(host), port, sizeof(port)), -1);
	ck_assert_int_eq(http_split_host_port("h:", host, sizeof(host), port, sizeof(port)), -1);
}
END_TEST

START_TEST(a_bad_listen_address_is_reported)
{
	struct http_server_config config = { .addr = "nonsense", .handler = handler };
	ck_assert_ptr_null(http_server_open(&config));
	ck_assert_str_eq(error_message(), "cannot listen on \"nonsense\": expected HOST:PORT, e.g. 127.0.0.1:5000");
	struct http_client c;
	ck_assert_int_eq(http_client_connect(&c, "127.0.0.1:1", 1000), -1);
	ck_assert_str_eq(error_message(), "cannot connect to 127.0.0.1:1: Connection refused");
}
END_TEST

Suite *http_server_suite(void)
{
	Suite *s = suite_create("http_server");
	TCase *t = tcase_create("loopback");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, requests_share_one_kept_alive_connection);
	tcase_add_test(t, chunked_bodies_travel_both_ways);
	tcase_add_test(t, a_file_is_sent_whole_and_head_gets_only_its_length);
	tcase_add_test(t, fifty_clients_are_all_served_but_never_more_than_the_limit_at_once);
	tcase_add_test(t, a_slowloris_trickle_is_cut_off_within_the_head_timeout);
	tcase_add_test(t, a_tls_client_hello_gets_a_clean_close);
	tcase_add_test(t, an_over_long_header_is_refused_with_431_and_the_server_lives_on);
	tcase_add_test(t, pipelined_requests_get_their_responses_in_order);
	tcase_add_test(t, a_smuggling_attempt_is_refused_and_the_connection_closed);
	tcase_add_test(t, expect_100_continue_is_answered_before_the_body_is_sent);
	tcase_add_test(t, a_handler_that_does_not_answer_gives_500);
	tcase_add_test(t, a_streaming_handler_learns_when_its_client_has_gone);
	tcase_add_test(t, closing_the_server_ends_idle_kept_alive_connections_at_once);
	tcase_add_test(t, a_request_body_trickled_a_byte_at_a_time_is_cut_off_at_its_deadline);
	tcase_add_test(t, kept_alive_connections_give_up_their_slots_to_a_new_client);
	tcase_add_test(t, silent_connections_give_up_their_slots_to_a_new_client_after_a_grace);
	tcase_add_test(t, addresses_split_into_host_and_port);
	tcase_add_test(t, a_bad_listen_address_is_reported);
	suite_add_tcase(s, t);
	return s;
}
