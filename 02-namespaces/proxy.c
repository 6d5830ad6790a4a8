/*
 * proxy.c - published ports: accept on the host, connect to the container, copy bytes.
 *
 * Lecture: "docker run -p 8080:80 publishes port 80 of the container on port 8080 of
 * the host". The container's address (172.30.0.2) exists only on the bridge; a browser
 * on the host, or on another machine, talks to the host's port 8080. Something must
 * carry each connection across. Docker has two ways: NAT rules (iptables DNAT rewrites
 * the destination of each packet, and needs ip_forward for traffic from outside) and
 * docker-proxy, a userspace process that accepts the connection and opens a second one
 * to the container. tinydock uses only the proxy: it needs no firewall rules and no
 * ip_forward, it cannot break the host's networking, and every byte of it is readable
 * here. The cost is a copy through user space, which bench-net.sh measures.
 *
 * The proxy is one thread of the container's monitor, one poll(2) loop over its listeners
 * and its connections. Each connection is a relay (relay.c): two pipes between the client's
 * socket and the container's, bytes moved by splice(2) without entering this process, a
 * full pipe slowing its writer down, a half-close passed on. Sockets are non-blocking: one
 * stuck peer never stops the others.
 *
 * When the container ends, the proxy drains before it goes: it closes its listeners at
 * once (a client still in the backlog is refused), then keeps copying until every reply
 * the container already sent has reached its client, for DRAIN_MS at most, or until
 * nothing has moved for DRAIN_IDLE_MS (a client that reads nothing, or a peer that holds
 * its connection open without a word). A reply in flight is in this host's socket
 * buffers, not in the container, so it survives the container. Stopping at once instead would close those clients with a plain FIN: an
 * empty answer that looks like a normal end. A connection still open when the proxy ends
 * is reset (RST), which the client sees as an error, never as a silent short reply.
 *
 * This is the last piece; networking.md's lab puts them all to work.
 */
#include "proxy.h"
#include "cli.h"
#include "error.h"
#include "explain.h"
#include "relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

enum {
	MAX_CONNECTIONS = 4096,   /* beyond this, new clients wait in the listen backlog */
	MAX_LISTENERS = 32,
	ACCEPTS_PER_WAKEUP = 64,  /* fairness: accepting never starves copying */
	DRAIN_MS = 3000,          /* after the container ended: time left to pass replies on, */
	DRAIN_IDLE_MS = 250,      /* ending sooner once nothing has moved for this long */
};

struct listener {
	int fd;
	struct port_mapping mapping;
	struct sockaddr_in target; /* set by proxy_forward */
};

struct proxy {
	pthread_t thread;
	bool running; /* the thread was started (proxy_forward) */
	int wake[2]; /* a pipe: proxy_stop writes a byte, the loop sees it and ends */
	struct listener listeners[MAX_LISTENERS];
	size_t listener_count;
	struct relay **connections;
	size_t connection_count;
};

/* --- connections -------------------------------------------------------------------------- */

static void add_connection(struct proxy *p, int client, const struct sockaddr_in *target)
{
	struct relay **more = realloc(p->connections, (p->connection_count + 1) * sizeof(*more));
	if (!more) {
		close(client);
		return;
	}
	p->connections = more;
	struct relay *r = relay_open(client);
	if (!r)
		return;
	if (relay_dial(r, target, true) < 0) { /* the container is always on this host */
		/* The client learns at once that this connection will not be served. */
		relay_close(r, true);
		return;
	}
	p->connections[p->connection_count++] = r;
}

/* Handle one connection's poll results; false when it is finished and has been closed. */
static bool serve(struct relay *r, short client_events, short server_events)
{
	switch (relay_serve(r, client_events, server_events)) {
	case RELAY_OPEN:
		return true;
	case RELAY_FINISHED:
		relay_close(r, false);
		return false;
	case RELAY_REFUSED: /* nothing listens in the container (yet): the client sees a reset, */
	case RELAY_BROKEN:  /* as it would talking to the container directly */
	default:
		relay_close(r, true);
		return false;
	}
}

/* --- the loop ----------------------------------------------------------------------------- */

static void accept_clients(struct proxy *p, struct listener *l)
{
	for (int i = 0; i < ACCEPTS_PER_WAKEUP && p->connection_count < MAX_CONNECTIONS; i++) {
		int client = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (client < 0)
			return; /* EAGAIN: no one else waiting; EMFILE and the like: try again later */
		add_connection(p, client, &l->target);
	}
}

static long monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* The container has ended (proxy_stop): take no new clients. A client waiting in the
 * backlog is refused when its listener closes (a reset it can see, listen(2)). */
static void close_listeners(struct proxy *p)
{
	for (size_t i = 0; i < p->listener_count; i++) {
		if (p->listeners[i].fd >= 0)
			close(p->listeners[i].fd);
		p->listeners[i].fd = -1;
	}
}

static void *proxy_loop(void *arg)
{
	struct proxy *p = arg;
	struct pollfd *fds = NULL;
	size_t capacity = 0;
	bool draining = false;
	long drain_deadline = 0;
	for (;;) {
		int timeout = -1;
		if (draining) {
			long left = drain_deadline - monotonic_ms();
			if (p->connection_count == 0 || left <= 0)
				break; /* proxy_free resets what is left */
			timeout = (int)(left < DRAIN_IDLE_MS ? left : DRAIN_IDLE_MS);
		}
		size_t need = 1 + p->listener_count + 2 * p->connection_count;
		if (need > capacity) {
			struct pollfd *more = realloc(fds, need * sizeof(*fds));
			if (!more) {
				usleep(10000); /* out of memory: wait a little, connections may close */
				continue;
			}
			fds = more;
			capacity = need;
		}
		size_t n = 0;
		fds[n++] = (struct pollfd){ .fd = draining ? -1 : p->wake[0], .events = POLLIN };
		bool room = p->connection_count < MAX_CONNECTIONS;
		for (size_t i = 0; i < p->listener_count; i++)
			fds[n++] = (struct pollfd){ .fd = room ? p->listeners[i].fd : -1, .events = POLLIN };
		for (size_t i = 0; i < p->connection_count; i++) {
			struct relay *r = p->connections[i];
			short client = relay_client_events(r), server = relay_server_events(r);
			/* An fd with nothing to wait for is left out (fd -1), or its POLLHUP would wake
			 * us again and again while the other side is still busy. */
			fds[n++] = (struct pollfd){ .fd = client ? relay_client_fd(r) : -1, .events = client };
			fds[n++] = (struct pollfd){ .fd = server ? relay_server_fd(r) : -1, .events = server };
		}
		int ready = poll(fds, n, timeout);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0 || (draining && ready == 0))
			break; /* an idle spell while draining: what is left will not move */
		if (fds[0].revents) {
			draining = true;
			drain_deadline = monotonic_ms() + DRAIN_MS;
			close_listeners(p);
		}
		/* Serve the connections polled above first: accepting appends to the array. */
		size_t polled = p->connection_count, kept = 0;
		for (size_t i = 0; i < polled; i++) {
			struct relay *r = p->connections[i];
			size_t at = 1 + p->listener_count + 2 * i;
			if (!serve(r, fds[at].revents, fds[at + 1].revents))
				continue;
			if (draining && relay_answered(r)) {
				/* All the container said has reached the client, and the container is
				 * gone: nothing more will come, so do not wait for the client's end. */
				relay_close(r, false);
				continue;
			}
			p->connections[kept++] = r;
		}
		for (size_t i = polled; i < p->connection_count; i++)
			p->connections[kept++] = p->connections[i];
		p->connection_count = kept;
		for (size_t i = 0; i < p->listener_count; i++)
			if (fds[1 + i].revents & POLLIN && p->listeners[i].fd >= 0)
				accept_clients(p, &p->listeners[i]);
	}
	free(fds);
	return NULL;
}

/* --- start and stop ----------------------------------------------------------------------- */

static int open_listener(struct port_mapping *m, struct listener *l)
{
	char host[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &m->host_ip, host, sizeof(host));
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return fail_sys("cannot publish %s:%u: cannot open a socket", host, m->host_port);
	int on = 1;
	/* SO_REUSEADDR lets a restarted container take its port back while old connections
	 * sit in TIME_WAIT; it does not let two listeners share a port (socket(7)). */
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr = m->host_ip, .sin_port = htons(m->host_port) };
	if (explain_result(CHAPTER, bind(l->fd, (struct sockaddr *)&address, sizeof(address)), "bind(%s:%u)", host,
			   m->host_port) < 0) {
		if (errno == EADDRINUSE)
			fail_errno(0, "cannot publish port %s:%u: the address is already in use by another program", host,
				   m->host_port);
		else
			fail_sys("cannot publish port %s:%u", host, m->host_port);
		close(l->fd);
		return -1;
	}
	socklen_t len = sizeof(address);
	getsockname(l->fd, (struct sockaddr *)&address, &len);
	m->host_port = ntohs(address.sin_port); /* the kernel's choice for -p CONTAINERPORT */
	if (explain_result(CHAPTER, listen(l->fd, SOMAXCONN), "listen(%s:%u)", host, m->host_port) < 0) {
		fail_sys("cannot listen on %s:%u", host, m->host_port);
		close(l->fd);
		return -1;
	}
	l->mapping = *m;
	return 0;
}

static void proxy_free(struct proxy *p)
{
	for (size_t i = 0; i < p->listener_count; i++)
		if (p->listeners[i].fd >= 0)
			close(p->listeners[i].fd);
	/* Still open after the drain: reset, so that the client knows its answer is cut short. */
	for (size_t i = 0; i < p->connection_count; i++)
		relay_close(p->connections[i], true);
	free(p->connections);
	if (p->wake[0] >= 0) {
		close(p->wake[0]);
		close(p->wake[1]);
	}
	free(p);
}

struct proxy *proxy_listen(struct port_mapping *mappings, size_t count)
{
	if (count > MAX_LISTENERS) {
		fail_errno(0, "cannot publish more than %d ports", MAX_LISTENERS);
		return NULL;
	}
	struct proxy *p = calloc(1, sizeof(*p));
	if (!p) {
		fail_errno(ENOMEM, "cannot start the port proxy");
		return NULL;
	}
	p->wake[0] = p->wake[1] = -1;
	/* Each connection holds six descriptors (two sockets, two pipes): allow as many as
	 * the hard limit does, as Go does for docker-proxy; 1024 would be 170 connections. */
	struct rlimit files;
	if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
		rlim_t soft = files.rlim_cur;
		files.rlim_cur = files.rlim_max;
		explain_result(CHAPTER, setrlimit(RLIMIT_NOFILE, &files), "setrlimit(RLIMIT_NOFILE, %llu -> %llu)",
			       (unsigned long long)soft, (unsigned long long)files.rlim_max);
	}
	if (pipe2(p->wake, O_CLOEXEC) < 0) {
		fail_sys("cannot start the port proxy");
		goto fail;
	}
	for (size_t i = 0; i < count; i++) {
		if (open_listener(&mappings[i], &p->listeners[i]) < 0)
			goto fail;
		p->listener_count++;
	}
	return p;
fail:
	proxy_free(p);
	return NULL;
}

int proxy_forward(struct proxy *p, struct in_addr container)
{
	char target[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &container, target, sizeof(target));
	for (size_t i = 0; i < p->listener_count; i++) {
		struct listener *l = &p->listeners[i];
		char host[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &l->mapping.host_ip, host, sizeof(host));
		l->target = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = container,
						  .sin_port = htons(l->mapping.container_port) };
		explain(CHAPTER, "port proxy: connections to %s:%u go to %s:%u", host, l->mapping.host_port, target,
			l->mapping.container_port);
	}
	/* The thread must not take the monitor's signals (SIGCHLD, SIGTERM): block them all
	 * while creating it, so that it starts with every signal blocked. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&p->thread, NULL, proxy_loop, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0)
		return fail_errno(err, "cannot start the port proxy thread");
	p->running = true;
	return 0;
}

struct proxy *proxy_start(struct port_mapping *mappings, size_t count, struct in_addr container)
{
	struct proxy *p = proxy_listen(mappings, count);
	if (p && proxy_forward(p, container) < 0) {
		proxy_free(p);
		return NULL;
	}
	return p;
}

void proxy_stop(struct proxy *p)
{
	if (!p)
		return;
	if (p->running) {
		ssize_t ignored = write(p->wake[1], "x", 1);
		(void)ignored;
		pthread_join(p->thread, NULL);
	}
	explain(CHAPTER, "port proxy stopped: %zu listener(s) closed, %zu connection(s) reset after the drain",
		p->listener_count, p->connection_count);
	proxy_free(p);
}

/* --- tinydock proxy ----------------------------------------------------------------------- */

static const char HELP[] =
	"Usage:  tinydock proxy -p [IP:]HOSTPORT:CONTAINERPORT [-p ...] --to ADDRESS\n"
	"\n"
	"Forward TCP connections from host ports to ADDRESS, as the monitor of a container\n"
	"started with 'tinydock run -p' does (like docker-proxy). Prints each mapping, then runs\n"
	"until interrupted (Ctrl-C or SIGTERM). A -p without HOSTPORT gets a free port.\n"
	"\n"
	"Example:\n"
	"  tinydock proxy -p 127.0.0.1:8080:80 --to 10.250.3.2\n";

int cmd_proxy(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(HELP);
	static const struct option options[] = {
		{ "publish", required_argument, NULL, 'p' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct port_mapping mappings[MAX_LISTENERS];
	size_t count = 0;
	struct in_addr to = { 0 };
	bool have_to = false;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "+p:", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (count == MAX_LISTENERS)
				return usage_error("proxy", "at most %d ports", MAX_LISTENERS);
			if (port_mapping_parse(optarg, &mappings[count]) < 0)
				return usage_error("proxy", "%s", error_message());
			count++;
			break;
		case 't':
			if (inet_pton(AF_INET, optarg, &to) != 1)
				return usage_error("proxy", "invalid address \"%s\"", optarg);
			have_to = true;
			break;
		default: return usage_error("proxy", "unknown option");
		}
	}
	if (count == 0 || !have_to || optind != argc)
		return usage_error("proxy", "expects -p [IP:]HOSTPORT:CONTAINERPORT and --to ADDRESS");
	/* Block SIGINT and SIGTERM before the thread exists, then wait for them here. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	struct proxy *p = proxy_start(mappings, count, to);
	if (!p)
		return error_report(EXIT_TINYDOCK_FAILED);
	for (size_t i = 0; i < count; i++) {
		char text[64], ip[INET_ADDRSTRLEN];
		port_mapping_format(&mappings[i], text, sizeof(text));
		/* "0.0.0.0:8080->80/tcp" becomes "0.0.0.0:8080->10.250.3.2:80/tcp" */
		char *arrow = strstr(text, "->");
		inet_ntop(AF_INET, &to, ip, sizeof(ip));
		printf("%.*s->%s:%s\n", (int)(arrow - text), text, ip, arrow + 2);
	}
	fflush(stdout);
	int signal_number;
	sigwait(&stop, &signal_number);
	proxy_stop(p);
	return 0;
}
