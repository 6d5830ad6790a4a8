/*
 * swarm-frame.h - one message on a stream: a length, then that many bytes of JSON.
 *
 * TCP (between nodes) and a Unix stream socket (between the CLI and its node) carry bytes,
 * not messages: one write(2) may arrive in three read(2)s, two writes in one. So every
 * message is framed:
 *
 *     +----------------------+----------------------------------+
 *     | N: 4 bytes, big-end. | N bytes: one JSON object (UTF-8) |
 *     +----------------------+----------------------------------+
 *
 * with 1 <= N <= SWARM_FRAME_MAX. The length comes first so the reader knows how much to
 * wait for, and is checked before a single byte of the body is read: a peer that announces
 * 4 GiB is refused at once, never trusted with a malloc. A length of 0 or over the maximum
 * ends the connection (there is no way to resynchronize a stream whose framing is lost).
 * Big-endian is "network byte order" (RFC 1700), as in every IETF protocol.
 *
 * Two ways to read: swarm_frame_read blocks until a whole frame or a deadline (the CLI's
 * one request, a node's handshake); struct swarm_frame_reader is fed whatever a
 * non-blocking socket has and says when a frame is complete (the node's poll loop, which
 * must never wait on one peer).
 */
#ifndef TINYDOCK_SWARM_FRAME_H
#define TINYDOCK_SWARM_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* The largest body: a full assignment set or a Raft append of a few hundred entries fits
 * well below; a store snapshot of a teaching swarm is tens of kilobytes. */
#define SWARM_FRAME_MAX (1024 * 1024)
#define SWARM_FRAME_HEADER 4

/* Milliseconds on CLOCK_MONOTONIC (clock_gettime(2)): a clock that never jumps when the
 * administrator or NTP sets the time, the one every deadline here is measured on. */
uint64_t swarm_monotonic_ms(void);

/* The 4 header bytes for a body of length bytes; -1 recorded when length is 0 or too big. */
int swarm_frame_header(size_t length, unsigned char header[SWARM_FRAME_HEADER]);

/* Write one frame (header and body) to fd, blocking or not, waiting with poll(2) until the
 * deadline (swarm_monotonic_ms() value) for the socket to take it all. -1 recorded on error
 * or when the deadline passes. */
int swarm_frame_write(int fd, const char *body, size_t length, uint64_t deadline);

/* Read one whole frame from fd, waiting at most until deadline: 0 with *body (malloc'd,
 * NUL-terminated: the JSON text) and *length; -1 recorded on a closed connection, a bad
 * length, an error or the deadline. */
int swarm_frame_read(int fd, char **body, size_t *length, uint64_t deadline);

/* An incremental reader: feed it the bytes a non-blocking socket has, take frames out. */
struct swarm_frame_reader {
	unsigned char header[SWARM_FRAME_HEADER];
	size_t header_have;
	char *body;         /* allocated once the header is complete: length + 1 bytes */
	size_t length;
	size_t body_have;
};

void swarm_frame_reader_init(struct swarm_frame_reader *reader);
void swarm_frame_reader_free(struct swarm_frame_reader *reader);

/* Consume bytes from data (size of them) until one frame is complete or data runs out;
 * *used says how many were consumed. 1 with *body (malloc'd, NUL-terminated, the caller's)
 * and *length when a frame is complete (call again with the rest), 0 when more bytes are
 * needed, -1 recorded when the length is 0 or too big (close the connection). */
int swarm_frame_reader_feed(struct swarm_frame_reader *reader, const unsigned char *data, size_t size,
			    size_t *used, char **body, size_t *length);

/* read(2) what fd has (non-blocking) into the reader: 1 with a frame as above, 0 when
 * nothing complete yet (EAGAIN), -1 recorded on a bad frame, an error, or the peer closing
 * (errno 0 then). Call it again after a 1: the socket may hold another frame already. */
int swarm_frame_reader_read(struct swarm_frame_reader *reader, int fd, char **body, size_t *length);

#endif
