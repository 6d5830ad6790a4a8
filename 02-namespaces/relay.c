/*
 * relay.c - one TCP connection carried across: accept on one side, connect on the other,
 * copy bytes both ways (relay.h).
 *
 *   client --(up)--> [ pipe ] --> server        each direction has a pipe (256 KiB);
 *   client <--(down)-- [ pipe ] <-- server      a full pipe stops reading that side
 *
 * so a slow reader slows its writer down instead of growing memory (back-pressure).
 * The bytes move with splice(2): socket -> pipe -> socket. read(2) + write(2) would copy
 * every byte twice more (kernel -> this process's buffer -> kernel); splice instead moves
 * references to the pages the network stack already holds: "splice() moves data between
 * two file descriptors without copying between kernel address space and user address
 * space" (splice(2)). A pipe is required because splice needs one at one end; that is
 * also what Go's io.Copy does for docker-proxy on Linux.
 *
 * What remains is the kernel's TCP work, done twice (two connections instead of one),
 * and memory traffic. The second is the one a relay can make worse: every byte queued
 * between the client and the server is a page the receiver copies later, after it has left
 * the CPU's cache. So a socket towards this host itself (a container, or a client on
 * loopback) gets a small send buffer (size_for_this_host): bench-net.sh measured a 1 GiB
 * upload at 0.30x of a direct connection with the kernel's autotuned buffers, 0.85x with
 * this one (and a download at 0.30x, then 0.60x).
 *
 * Sockets are non-blocking: one stuck peer never stops the others. A half-close is
 * passed on: when the client shuts down its sending side (splice returns 0), the relay
 * forwards what is still in the pipe, then shutdown(SHUT_WR) to the server, which sees
 * the end of the request and can still answer. A connection ends when both directions
 * have, or at once when either side resets it.
 */
#include "relay.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
	PIPE_BYTES = 256 * 1024,  /* per direction; F_SETPIPE_SZ raises a pipe to it (pipe(7)) */
	LOCAL_SNDBUF = 128 * 1024, /* SO_SNDBUF towards a peer on this host; the kernel doubles it */
};

/* One direction of a connection: bytes taken from `from`, held in a pipe, not yet given to `to`. */
struct half {
	int pipe[2];       /* [0] the read end, [1] the write end */
	size_t pending;    /* bytes in the pipe */
	bool full;         /* the pipe took no more: wait for a write before reading again */
	bool eof;          /* `from` will send no more */
	bool shut;         /* and we passed that on with shutdown(to, SHUT_WR) */
};

struct relay {
	int client, server;
	bool connecting; /* the non-blocking connect to the server is in progress */
	struct half up;  /* client -> server */
	struct half down;/* server -> client */
};

static void tune_socket(int fd)
{
	int on = 1;
	/* Pass small writes on at once: Nagle's delay belongs to the endpoints, not to us. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* A socket whose peer is on this host (a container, or a client on loopback) gets a
 * fixed, small send buffer instead of the kernel's autotuning (tcp(7): tcp_wmem, up to
 * 4 MiB). Its round trip is tens of microseconds, so 256 KiB in flight (socket(7): the
 * kernel doubles SO_SNDBUF) already carries gigabytes a second; autotuning would let
 * megabytes pile up ahead of the receiver, pages that have left the cache by the time it
 * copies them (bench-net.sh: 128 KiB beat 192 and 256 KiB, and these beat autotuning).
 * Not smaller: with loopback's 64 KiB segments, a buffer of one or two segments waits
 * for the receiver's delayed ACK (40 ms) after each, as a 32 KiB one did. A peer far
 * away keeps autotuning: it needs a large buffer to fill its long round trip (bandwidth
 * x delay). */
static void size_for_this_host(int fd)
{
	int bytes = LOCAL_SNDBUF;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
}

/* A client on this host connects from one of the host's own addresses: to 127.0.0.1 from
 * 127.0.0.1, to 192.168.1.5 from 192.168.1.5. */
static bool client_on_this_host(int client)
{
	struct sockaddr_in local, peer;
	socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
	if (getsockname(client, (struct sockaddr *)&local, &local_len) < 0 ||
	    getpeername(client, (struct sockaddr *)&peer, &peer_len) < 0)
		return false;
	return local.sin_addr.s_addr == peer.sin_addr.s_addr;
}

void relay_close(struct relay *r, bool reset)
{
	if (!r)
		return;
	if (reset) {
		/* SO_LINGER 0 makes close() send a reset: the other side learns the peer broke
		 * off, instead of mistaking it for a clean end of data. */
		struct linger hard = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(r->client, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
		if (r->server >= 0)
			setsockopt(r->server, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
	}
	int fds[] = { r->client, r->server, r->up.pipe[0], r->up.pipe[1], r->down.pipe[0], r->down.pipe[1] };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(r);
}

struct relay *relay_open(int client)
{
	struct relay *r = calloc(1, sizeof(*r));
	if (!r) {
		close(client);
		fail_errno(ENOMEM, "cannot relay a connection");
		return NULL;
	}
	r->client = client;
	r->server = r->up.pipe[0] = r->up.pipe[1] = r->down.pipe[0] = r->down.pipe[1] = -1;
	if (pipe2(r->up.pipe, O_NONBLOCK | O_CLOEXEC) < 0 || pipe2(r->down.pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		fail_sys("cannot relay a connection: cannot make its pipes");
		/* The client learns at once that this connection will not be served. */
		relay_close(r, true);
		return NULL;
	}
	/* Bigger pipes mean fewer wakeups per megabyte. If the kernel refuses (a user over
	 * /proc/sys/fs/pipe-user-pages-soft), the default 64 KiB still works: see `full`. */
	fcntl(r->up.pipe[1], F_SETPIPE_SZ, PIPE_BYTES);
	fcntl(r->down.pipe[1], F_SETPIPE_SZ, PIPE_BYTES);
	tune_socket(client);
	if (client_on_this_host(client))
		size_for_this_host(client);
	return r;
}

int relay_dial(struct relay *r, const struct sockaddr_in *server, bool server_on_this_host)
{
	if (r->server >= 0)
		close(r->server);
	r->connecting = false;
	r->server = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->server < 0)
		return fail_sys("cannot relay a connection: cannot open a socket");
	tune_socket(r->server);
	if (server_on_this_host)
		size_for_this_host(r->server);
	if (connect(r->server, (const struct sockaddr *)server, sizeof(*server)) < 0 && errno != EINPROGRESS) {
		/* Failed at once (no route, no local port left): no server, as after a refusal. */
		fail_sys("cannot connect");
		close(r->server);
		r->server = -1;
		return -1;
	}
	r->connecting = true; /* even a connect that finished at once is confirmed by POLLOUT */
	return 0;
}

/* Move bytes from `from` to `to` as far as the sockets allow; -1 when the connection broke. */
static int pump(struct half *h, int from, int to, short from_events, short to_events)
{
	bool readable = from_events & (POLLIN | POLLHUP | POLLERR);
	bool writable = to_events & (POLLOUT | POLLERR);
	/* Keep moving while both sides allow it: one wakeup of poll() can carry many pipefuls.
	 * Bounded, so that one fast connection cannot starve the others. */
	for (int round = 0; round < 16; round++) {
		bool moved = false;
		if (readable && !h->eof && h->pending < PIPE_BYTES) {
			ssize_t n = splice(from, NULL, h->pipe[1], NULL, PIPE_BYTES - h->pending,
					   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				h->pending += (size_t)n;
				moved = writable = true; /* worth trying to pass it on at once */
			} else if (n == 0) {
				h->eof = true;
			} else if (errno == EAGAIN) {
				readable = false;
				/* A pipe holds 16 buffers, not 64 KiB: small segments can fill it early.
				 * Then stop asking for POLLIN (it would wake us in a loop) until a write
				 * makes room; pending > 0 guarantees that write will be tried. */
				h->full = h->pending > 0;
			} else if (errno != EINTR) {
				return -1;
			}
		}
		if (writable && h->pending > 0) {
			/* A peer that went away gives EPIPE, and a SIGPIPE aimed at this thread, which
			 * blocks every signal (the proxy and the mesh start their threads so): it stays
			 * pending and harms no one. */
			ssize_t n = splice(h->pipe[0], NULL, to, NULL, h->pending, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				h->pending -= (size_t)n;
				h->full = false;
				moved = true;
			} else if (n < 0 && errno == EAGAIN) {
				writable = false;
			} else if (n < 0 && errno != EINTR) {
				return -1;
			}
		}
		if (!moved)
			break;
	}
	if (h->eof && h->pending == 0 && !h->shut) {
		/* The half-close: "no more data from my side", while the other way stays open. */
		if (shutdown(to, SHUT_WR) < 0 && errno != ENOTCONN)
			return -1;
		h->shut = true;
	}
	return 0;
}

static short events_from(const struct half *h)
{
	return !h->eof && !h->full && h->pending < PIPE_BYTES ? POLLIN : 0;
}

static short events_to(const struct half *h)
{
	return h->pending > 0 ? POLLOUT : 0;
}

/* While the connect is in progress, leave the client be: its data (or its FIN, which stays
 * readable) waits in the kernel, instead of waking the loop again and again. */
short relay_client_events(const struct relay *r)
{
	return r->connecting || r->server < 0 ? 0 : events_from(&r->up) | events_to(&r->down);
}

short relay_server_events(const struct relay *r)
{
	if (r->server < 0)
		return 0;
	return r->connecting ? POLLOUT : events_from(&r->down) | events_to(&r->up);
}

int relay_client_fd(const struct relay *r)
{
	return r->client;
}

int relay_server_fd(const struct relay *r)
{
	return r->server;
}

bool relay_connecting(const struct relay *r)
{
	return r->connecting;
}

bool relay_answered(const struct relay *r)
{
	return r->down.shut;
}

enum relay_progress relay_serve(struct relay *r, short client_events, short server_events)
{
	if (r->server < 0)
		return RELAY_REFUSED;
	if (r->connecting) {
		if (!(server_events & (POLLOUT | POLLERR | POLLHUP)))
			return RELAY_OPEN;
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(r->server, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			/* Nothing listens there (yet): the caller decides between another server and
			 * a reset for the client, which it would see talking to the server directly. */
			close(r->server);
			r->server = -1;
			r->connecting = false;
			return RELAY_REFUSED;
		}
		r->connecting = false;
		server_events = POLLOUT;
	}
	if (pump(&r->up, r->client, r->server, client_events, server_events) < 0 ||
	    pump(&r->down, r->server, r->client, server_events, client_events) < 0)
		return RELAY_BROKEN;
	return r->up.shut && r->down.shut ? RELAY_FINISHED : RELAY_OPEN;
}
