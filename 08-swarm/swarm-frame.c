/*
 * swarm-frame.c - length-prefixed frames on a stream socket (swarm-frame.h).
 *
 * The header is checked before anything is allocated: the length is a peer's claim, and
 * a claim of 0 or of more than SWARM_FRAME_MAX ends the connection. The readers read
 * exactly the bytes of the current frame (the rest of the header, then the rest of the
 * body), never beyond, so no bytes of the next frame are ever held in a side buffer.
 */
#include "swarm-frame.h"

#include "error.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

uint64_t swarm_monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

int swarm_frame_header(size_t length, unsigned char header[SWARM_FRAME_HEADER])
{
	if (length == 0 || length > SWARM_FRAME_MAX)
		return fail_errno(0, "cannot frame a message of %zu bytes: a frame holds 1 to %d", length,
				  SWARM_FRAME_MAX);
	header[0] = (unsigned char)(length >> 24);
	header[1] = (unsigned char)(length >> 16);
	header[2] = (unsigned char)(length >> 8);
	header[3] = (unsigned char)length;
	return 0;
}

static size_t header_length(const unsigned char header[SWARM_FRAME_HEADER])
{
	return (size_t)header[0] << 24 | (size_t)header[1] << 16 | (size_t)header[2] << 8 | header[3];
}

/* Wait until fd is ready for events or the deadline passes: 0 ready, -1 recorded. */
static int wait_ready(int fd, short events, uint64_t deadline, const char *doing)
{
	for (;;) {
		uint64_t now = swarm_monotonic_ms();
		if (now >= deadline)
			return fail_errno(ETIMEDOUT, "cannot %s a frame", doing);
		struct pollfd pfd = { .fd = fd, .events = events };
		uint64_t left = deadline - now;
		int n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return fail_sys("cannot %s a frame: poll", doing);
	}
}

/* Write all of data, waiting (poll) whenever the socket's buffer is full. MSG_NOSIGNAL:
 * a peer that went away gives EPIPE here rather than SIGPIPE killing the node (send(2)). */
static int send_all(int fd, const void *data, size_t size, uint64_t deadline)
{
	const char *p = data;
	while (size > 0) {
		ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, size); /* a pipe or a file in the tests */
		if (n > 0) {
			p += n;
			size -= (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_ready(fd, POLLOUT, deadline, "write") < 0)
				return -1;
		} else if (n < 0 && errno != EINTR) {
			return fail_sys("cannot write a frame");
		}
	}
	return 0;
}

int swarm_frame_write(int fd, const char *body, size_t length, uint64_t deadline)
{
	unsigned char header[SWARM_FRAME_HEADER];
	if (swarm_frame_header(length, header) < 0)
		return -1;
	if (send_all(fd, header, sizeof header, deadline) < 0 || send_all(fd, body, length, deadline) < 0)
		return -1;
	return 0;
}

void swarm_frame_reader_init(struct swarm_frame_reader *reader)
{
	memset(reader, 0, sizeof *reader);
}

void swarm_frame_reader_free(struct swarm_frame_reader *reader)
{
	free(reader->body);
	swarm_frame_reader_init(reader);
}

/* The header is complete: check the length it claims and make room for the body. */
static int start_body(struct swarm_frame_reader *reader)
{
	size_t length = header_length(reader->header);
	if (length == 0 || length > SWARM_FRAME_MAX)
		return fail_errno(0, "cannot read a frame: its length %zu is not within 1 to %d", length,
				  SWARM_FRAME_MAX);
	reader->body = malloc(length + 1);
	if (!reader->body)
		return fail_sys("cannot read a frame of %zu bytes", length);
	reader->length = length;
	reader->body_have = 0;
	return 0;
}

/* The frame is complete: hand its body over and start again. */
static int finish(struct swarm_frame_reader *reader, char **body, size_t *length)
{
	reader->body[reader->length] = '\0';
	*body = reader->body;
	*length = reader->length;
	reader->body = NULL;
	reader->header_have = 0;
	reader->length = 0;
	reader->body_have = 0;
	return 1;
}

/* How many bytes the current frame still needs, and where they go. */
static size_t wanted(struct swarm_frame_reader *reader, unsigned char **into)
{
	if (reader->header_have < SWARM_FRAME_HEADER) {
		*into = reader->header + reader->header_have;
		return SWARM_FRAME_HEADER - reader->header_have;
	}
	*into = (unsigned char *)reader->body + reader->body_have;
	return reader->length - reader->body_have;
}

/* n bytes arrived where wanted() said: 1 with a frame, 0 for more, -1 on a bad header. */
static int arrived(struct swarm_frame_reader *reader, size_t n, char **body, size_t *length)
{
	if (reader->header_have < SWARM_FRAME_HEADER) {
		reader->header_have += n;
		if (reader->header_have < SWARM_FRAME_HEADER)
			return 0;
		return start_body(reader);
	}
	reader->body_have += n;
	return reader->body_have == reader->length ? finish(reader, body, length) : 0;
}

int swarm_frame_reader_feed(struct swarm_frame_reader *reader, const unsigned char *data, size_t size,
			    size_t *used, char **body, size_t *length)
{
	*used = 0;
	while (*used < size) {
		unsigned char *into;
		size_t n = wanted(reader, &into);
		if (n > size - *used)
			n = size - *used;
		memcpy(into, data + *used, n);
		*used += n;
		int rc = arrived(reader, n, body, length);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* One read(2) of at most what the current frame still needs: 1 with a frame, 0 after some
 * bytes (or none: *would_block set on EAGAIN), -1 recorded on a bad frame, an error or EOF. */
static int read_once(struct swarm_frame_reader *reader, int fd, char **body, size_t *length, int *would_block)
{
	unsigned char *into;
	size_t n = wanted(reader, &into);
	ssize_t got = read(fd, into, n);
	*would_block = 0;
	if (got > 0)
		return arrived(reader, (size_t)got, body, length);
	if (got == 0)
		return fail_errno(0, "cannot read a frame: the peer closed the connection");
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		*would_block = errno != EINTR;
		return 0;
	}
	return fail_sys("cannot read a frame");
}

int swarm_frame_reader_read(struct swarm_frame_reader *reader, int fd, char **body, size_t *length)
{
	for (;;) {
		int would_block;
		int rc = read_once(reader, fd, body, length, &would_block);
		if (rc != 0 || would_block)
			return rc;
	}
}

/* Poll, then one read, so that a blocking socket never blocks past the deadline. */
int swarm_frame_read(int fd, char **body, size_t *length, uint64_t deadline)
{
	struct swarm_frame_reader reader;
	swarm_frame_reader_init(&reader);
	for (;;) {
		int would_block;
		if (wait_ready(fd, POLLIN, deadline, "read") < 0)
			break;
		int rc = read_once(&reader, fd, body, length, &would_block);
		if (rc == 1)
			return 0;
		if (rc < 0)
			break;
	}
	swarm_frame_reader_free(&reader);
	return -1;
}
