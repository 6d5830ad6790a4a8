/*
 * swarm-mesh.c - the routing mesh on one node: listeners, round robin, relays (swarm-mesh.h).
 *
 * Two threads meet here. The node's thread calls swarm_mesh_update: it opens the listeners of
 * the new table (so that it hears of a port in use) and leaves table and listeners in the
 * "next" slot, under the lock, then wakes the mesh's thread through a pipe. The mesh's thread
 * owns everything else: at its next wake-up it takes the next slot, closes the listeners it no
 * longer needs, and goes on. A listener kept from one table to the next is passed on as a
 * dup(2) of the same socket, so a port in both tables is never closed, not even for a moment:
 * a client connecting during the change waits in the backlog, as usual, and is served.
 *
 * A connection's life: accepted on a published port; its row of the table gives it a place in
 * the rotation (swarm_mesh_begin) and a backend (swarm_mesh_choose); a non-blocking connect
 * starts, with a deadline. Refused, or no answer by the deadline: the backend is marked failed
 * (the next connections skip it for a moment) and the next one is tried, until each backend
 * was tried once (swarm_mesh_choose says when). Only then is the client reset. Connected: the
 * relay copies bytes both ways until both sides are done.
 */
#include "swarm-mesh.h"

#include "error.h"
#include "explain.h"
#include "relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "08-swarm";

enum {
	/* A task on a node of the same network answers a connect within a millisecond; a node
	 * that is gone does not answer at all, and the kernel would retry its SYN for minutes
	 * (tcp_syn_retries in tcp(7)). The client waits meanwhile: give up on one backend soon. */
	CONNECT_TIMEOUT_MS = 1000,
	MAX_CONNECTIONS = 4096,   /* beyond this, new clients wait in the listen backlog */
	ACCEPTS_PER_WAKEUP = 64,  /* fairness: accepting never starves copying */
};

struct listener {
	int fd;
	uint16_t port;
};

struct listeners {
	struct listener *items;
	size_t count;
};

struct mesh_connection {
	struct relay *relay;
	struct in_addr vip;                /* its row of the table: a virtual IP or 0.0.0.0, */
	uint16_t published;                /* and the port it came in on */
	struct swarm_mesh_attempts attempts;
	struct in_addr host;               /* the backend being dialled, then served */
	uint16_t port;
	uint64_t deadline;                 /* for the connect in progress */
};

struct swarm_mesh {
	pthread_t thread;
	int wake[2];
	pthread_mutex_t lock;
	/* Under the lock: what swarm_mesh_update handed over, for the thread to take. */
	bool has_next, stopping;
	struct swarm_mesh_table next_table;
	struct listeners next_listeners;
	/* The thread's own (changed under the lock, so that update may read the listeners). */
	struct swarm_mesh_table table;
	struct listeners listeners;
	struct mesh_connection **connections;
	size_t connection_count;
};

static uint64_t monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void close_listeners(struct listeners *set)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->items[i].fd >= 0)
			close(set->items[i].fd);
	free(set->items);
	*set = (struct listeners){ 0 };
}

static int copy_table(const struct swarm_mesh_table *src, struct swarm_mesh_table *dst)
{
	*dst = (struct swarm_mesh_table){ 0 };
	if (src->service_count == 0)
		return 0;
	dst->services = calloc(src->service_count, sizeof(*dst->services));
	if (!dst->services)
		return fail_errno(ENOMEM, "routing mesh: cannot copy the table");
	for (size_t i = 0; i < src->service_count; i++) {
		struct swarm_mesh_service *row = &dst->services[dst->service_count++];
		*row = src->services[i];
		row->backends = NULL;
		if (row->backend_count == 0)
			continue;
		row->backends = malloc(row->backend_count * sizeof(*row->backends));
		if (!row->backends) {
			row->backend_count = 0;
			swarm_mesh_table_free(dst);
			return fail_errno(ENOMEM, "routing mesh: cannot copy the table");
		}
		memcpy(row->backends, src->services[i].backends, row->backend_count * sizeof(*row->backends));
	}
	return 0;
}

/* --- connections ---------------------------------------------------------------------------- */

static bool on_loopback(struct in_addr host)
{
	return (ntohl(host.s_addr) >> 24) == 127;
}

static void end_connection(struct mesh_connection *c, bool reset)
{
	relay_close(c->relay, reset);
	free(c);
}

/* Dial the next backend of the connection's row that swarm_mesh_choose offers; -1 when none
 * is left (or the row itself is gone from the table). */
static int dial_next(struct swarm_mesh *mesh, struct mesh_connection *c, uint64_t now)
{
	struct swarm_mesh_service *row = swarm_mesh_table_row(&mesh->table, c->vip, c->published, false);
	const struct swarm_mesh_backend *backend;
	while (row && (backend = swarm_mesh_choose(row, &c->attempts, now))) {
		struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr = backend->host,
		                               .sin_port = htons(backend->port) };
		c->host = backend->host;
		c->port = backend->port;
		c->deadline = now + CONNECT_TIMEOUT_MS;
		if (relay_dial(c->relay, &address, on_loopback(backend->host)) == 0)
			return 0;
		swarm_mesh_mark_failed(row, backend->host, backend->port, now);
	}
	return -1;
}

static void accept_clients(struct swarm_mesh *mesh, const struct listener *l)
{
	for (int i = 0; i < ACCEPTS_PER_WAKEUP && mesh->connection_count < MAX_CONNECTIONS; i++) {
		int client = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (client < 0)
			return; /* EAGAIN: no one else waiting; EMFILE and the like: try again later */
		/* One listener on 0.0.0.0 serves a port for every row that has it: the address the
		 * client asked for says which (a service's virtual IP, or any other: the published
		 * port's row). */
		struct sockaddr_in local;
		socklen_t size = sizeof(local);
		struct swarm_mesh_service *row = NULL;
		if (getsockname(client, (struct sockaddr *)&local, &size) == 0)
			row = swarm_mesh_table_route(&mesh->table, local.sin_addr, l->port, false);
		if (!row) {
			struct linger hard = { .l_onoff = 1, .l_linger = 0 };
			setsockopt(client, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
			close(client); /* a port of a virtual IP, asked at another address: a reset */
			continue;
		}
		struct mesh_connection **more =
			realloc(mesh->connections, (mesh->connection_count + 1) * sizeof(*more));
		if (more)
			mesh->connections = more;
		struct mesh_connection *c = more ? calloc(1, sizeof(*c)) : NULL;
		if (!c || !(c->relay = relay_open(client))) {
			if (!c)
				close(client);
			free(c);
			continue;
		}
		c->vip = row->vip;
		c->published = l->port;
		swarm_mesh_begin(row, &c->attempts);
		if (dial_next(mesh, c, monotonic_ms()) < 0) {
			/* No task runs (yet), or none could be dialled: the client sees a reset, as it
			 * would from a port where nothing listens. */
			end_connection(c, true);
			continue;
		}
		mesh->connections[mesh->connection_count++] = c;
	}
}

/* Handle one connection's poll results; false when it has ended and was freed. */
static bool serve(struct swarm_mesh *mesh, struct mesh_connection *c, short client_events, short server_events,
                  uint64_t now)
{
	enum relay_progress progress = relay_serve(c->relay, client_events, server_events);
	if (progress == RELAY_OPEN && relay_connecting(c->relay) && now >= c->deadline)
		progress = RELAY_REFUSED; /* no answer in time: as good as a refusal */
	switch (progress) {
	case RELAY_OPEN:
		return true;
	case RELAY_REFUSED: {
		struct swarm_mesh_service *row = swarm_mesh_table_row(&mesh->table, c->vip, c->published, false);
		if (row)
			swarm_mesh_mark_failed(row, c->host, c->port, now);
		if (dial_next(mesh, c, now) == 0)
			return true;
		end_connection(c, true);
		return false;
	}
	case RELAY_FINISHED:
		end_connection(c, false);
		return false;
	case RELAY_BROKEN:
	default:
		end_connection(c, true);
		return false;
	}
}

/* --- the thread ----------------------------------------------------------------------------- */

/* Take what swarm_mesh_update left, under the lock. false when the mesh is stopping. */
static bool take_next(struct swarm_mesh *mesh)
{
	char byte[64];
	while (read(mesh->wake[0], byte, sizeof(byte)) > 0)
		;
	pthread_mutex_lock(&mesh->lock);
	bool stopping = mesh->stopping;
	if (mesh->has_next && !stopping) {
		close_listeners(&mesh->listeners);
		mesh->listeners = mesh->next_listeners;
		mesh->next_listeners = (struct listeners){ 0 };
		swarm_mesh_table_carry(&mesh->next_table, &mesh->table);
		swarm_mesh_table_free(&mesh->table);
		mesh->table = mesh->next_table;
		mesh->next_table = (struct swarm_mesh_table){ 0 };
		mesh->has_next = false;
	}
	pthread_mutex_unlock(&mesh->lock);
	return !stopping;
}

static void *mesh_loop(void *arg)
{
	struct swarm_mesh *mesh = arg;
	struct pollfd *fds = NULL;
	size_t capacity = 0;
	for (;;) {
		size_t need = 1 + mesh->listeners.count + 2 * mesh->connection_count;
		if (need > capacity) {
			struct pollfd *more = realloc(fds, need * sizeof(*fds));
			if (!more) {
				usleep(10000); /* out of memory: wait a little, connections may close */
				continue;
			}
			fds = more;
			capacity = need;
		}
		uint64_t now = monotonic_ms();
		int timeout = -1;
		size_t n = 0;
		fds[n++] = (struct pollfd){ .fd = mesh->wake[0], .events = POLLIN };
		bool room = mesh->connection_count < MAX_CONNECTIONS;
		for (size_t i = 0; i < mesh->listeners.count; i++)
			fds[n++] = (struct pollfd){ .fd = room ? mesh->listeners.items[i].fd : -1, .events = POLLIN };
		for (size_t i = 0; i < mesh->connection_count; i++) {
			struct mesh_connection *c = mesh->connections[i];
			short client = relay_client_events(c->relay), server = relay_server_events(c->relay);
			/* An fd with nothing to wait for is left out (fd -1), or its POLLHUP would wake
			 * us again and again while the other side is still busy. */
			fds[n++] = (struct pollfd){ .fd = client ? relay_client_fd(c->relay) : -1, .events = client };
			fds[n++] = (struct pollfd){ .fd = server ? relay_server_fd(c->relay) : -1, .events = server };
			if (relay_connecting(c->relay)) {
				int left = c->deadline > now ? (int)(c->deadline - now) : 0;
				if (timeout < 0 || left < timeout)
					timeout = left;
			}
		}
		int ready = poll(fds, n, timeout);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			break; /* cannot happen with valid arguments (poll(2)); stop rather than spin */
		if (fds[0].revents) {
			if (!take_next(mesh))
				break;
			continue; /* the listeners changed: poll again with the new ones */
		}
		now = monotonic_ms();
		/* Serve the connections polled above first: accepting appends to the array. */
		size_t polled = mesh->connection_count, kept = 0;
		for (size_t i = 0; i < polled; i++) {
			struct mesh_connection *c = mesh->connections[i];
			size_t at = 1 + mesh->listeners.count + 2 * i;
			if (serve(mesh, c, fds[at].revents, fds[at + 1].revents, now))
				mesh->connections[kept++] = c;
		}
		mesh->connection_count = kept;
		for (size_t i = 0; i < mesh->listeners.count; i++)
			if (fds[1 + i].revents & POLLIN)
				accept_clients(mesh, &mesh->listeners.items[i]);
	}
	free(fds);
	return NULL;
}

/* --- the node's side ------------------------------------------------------------------------ */

static int open_listener(uint16_t port, const char *service)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_sys("routing mesh: cannot publish port %u of service %s: cannot open a socket", port, service);
	int on = 1;
	/* SO_REUSEADDR lets a port come back at once while old connections sit in TIME_WAIT; it
	 * does not let two listeners share a port (socket(7)). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY),
	                               .sin_port = htons(port) };
	if (explain_result(CHAPTER, bind(fd, (struct sockaddr *)&address, sizeof(address)), "bind(0.0.0.0:%u) for %s",
	                   port, service) < 0 ||
	    explain_result(CHAPTER, listen(fd, SOMAXCONN), "listen(0.0.0.0:%u)", port) < 0) {
		if (errno == EADDRINUSE)
			fail_errno(0, "routing mesh: cannot publish port %u of service %s: the address is already in use "
			              "by another program", port, service);
		else
			fail_sys("routing mesh: cannot publish port %u of service %s", port, service);
		close(fd);
		return -1;
	}
	return fd;
}

/* The listener for port to hand over: taken from the set not yet handed over (moved out of
 * it), or a dup of the one the thread uses now, or a new one. */
static int listener_for(struct swarm_mesh *mesh, uint16_t port, const char *service)
{
	struct listeners *pending = &mesh->next_listeners;
	for (size_t i = 0; i < pending->count; i++)
		if (pending->items[i].port == port && pending->items[i].fd >= 0) {
			int fd = pending->items[i].fd;
			pending->items[i].fd = -1;
			return fd;
		}
	for (size_t i = 0; i < mesh->listeners.count; i++)
		if (mesh->listeners.items[i].port == port) {
			int fd = fcntl(mesh->listeners.items[i].fd, F_DUPFD_CLOEXEC, 0);
			if (fd < 0)
				return fail_sys("routing mesh: cannot keep port %u of service %s", port, service);
			return fd;
		}
	return open_listener(port, service);
}

int swarm_mesh_update(struct swarm_mesh *mesh, const struct swarm_mesh_table *table)
{
	struct swarm_mesh_table copy;
	if (copy_table(table, &copy) < 0)
		return -1;
	struct listeners fresh = { 0 };
	if (copy.service_count > 0 && !(fresh.items = calloc(copy.service_count, sizeof(*fresh.items)))) {
		swarm_mesh_table_free(&copy);
		return fail_errno(ENOMEM, "routing mesh: cannot take a new table");
	}
	struct error_saved first;
	bool problem = false;
	pthread_mutex_lock(&mesh->lock);
	for (size_t i = 0; i < copy.service_count; i++) {
		const struct swarm_mesh_service *row = &copy.services[i];
		bool have = false;
		for (size_t k = 0; k < fresh.count && !have; k++)
			have = fresh.items[k].port == row->published;
		if (have && !row->udp)
			continue; /* one listener per port, whatever the address (accept_clients) */
		int fd = -1;
		if (row->udp)
			fail_errno(0, "routing mesh: port %u/udp of service %s is not published: the mesh carries TCP only",
			           row->published, row->name);
		else
			fd = listener_for(mesh, row->published, row->name);
		if (fd < 0) {
			if (!problem)
				error_save(&first);
			problem = true;
			continue;
		}
		fresh.items[fresh.count++] = (struct listener){ .fd = fd, .port = row->published };
	}
	/* What an earlier update left and this one does not keep was never served: close it. */
	close_listeners(&mesh->next_listeners);
	if (mesh->has_next)
		swarm_mesh_table_free(&mesh->next_table);
	mesh->next_listeners = fresh;
	mesh->next_table = copy;
	mesh->has_next = true;
	pthread_mutex_unlock(&mesh->lock);
	ssize_t ignored = write(mesh->wake[1], "x", 1); /* a full pipe already holds a wake-up */
	(void)ignored;
	explain(CHAPTER, "routing mesh: %zu published port(s) from the next connection on", fresh.count);
	return problem ? error_restore(&first) : 0;
}

size_t swarm_mesh_ports(struct swarm_mesh *mesh, uint16_t *ports, size_t room)
{
	pthread_mutex_lock(&mesh->lock);
	const struct listeners *set = mesh->has_next ? &mesh->next_listeners : &mesh->listeners;
	size_t count = set->count;
	for (size_t i = 0; i < count && i < room; i++)
		ports[i] = set->items[i].port;
	pthread_mutex_unlock(&mesh->lock);
	return count;
}

static void mesh_free(struct swarm_mesh *mesh)
{
	close_listeners(&mesh->listeners);
	close_listeners(&mesh->next_listeners);
	swarm_mesh_table_free(&mesh->table);
	swarm_mesh_table_free(&mesh->next_table);
	/* Still open: reset, so that each client knows its exchange was cut short. */
	for (size_t i = 0; i < mesh->connection_count; i++)
		end_connection(mesh->connections[i], true);
	free(mesh->connections);
	close(mesh->wake[0]);
	close(mesh->wake[1]);
	pthread_mutex_destroy(&mesh->lock);
	free(mesh);
}

int swarm_mesh_start(struct swarm_mesh **out)
{
	struct swarm_mesh *mesh = calloc(1, sizeof(*mesh));
	if (!mesh)
		return fail_errno(ENOMEM, "cannot start the routing mesh");
	if (pipe2(mesh->wake, O_NONBLOCK | O_CLOEXEC) < 0) {
		free(mesh);
		return fail_sys("cannot start the routing mesh");
	}
	pthread_mutex_init(&mesh->lock, NULL);
	/* Each connection holds six descriptors (two sockets, two pipes): allow as many as the
	 * hard limit does, as the port proxy does (proxy.c). */
	struct rlimit files;
	if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
		files.rlim_cur = files.rlim_max;
		setrlimit(RLIMIT_NOFILE, &files);
	}
	/* The thread must not take the node's signals (SIGCHLD, SIGTERM): block them all while
	 * creating it, so that it starts with every signal blocked. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&mesh->thread, NULL, mesh_loop, mesh);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		mesh_free(mesh);
		return fail_errno(err, "cannot start the routing mesh's thread");
	}
	*out = mesh;
	return 0;
}

void swarm_mesh_stop(struct swarm_mesh *mesh)
{
	if (!mesh)
		return;
	pthread_mutex_lock(&mesh->lock);
	mesh->stopping = true;
	pthread_mutex_unlock(&mesh->lock);
	ssize_t ignored = write(mesh->wake[1], "x", 1);
	(void)ignored;
	pthread_join(mesh->thread, NULL);
	mesh_free(mesh);
}
