/*
 * relay.h - one TCP connection carried across by a process in the middle: the client's
 * connection accepted, a second one opened to the server, bytes copied both ways until both
 * sides are done.
 *
 * The port proxy (proxy.c: host port -> container) and chapter 08's routing mesh (node port ->
 * a task on any node) are both loops of poll(2) over many relays; a relay is the part they
 * share. The loop asks each relay which events to wait for, polls, and hands it the results:
 *
 *     struct relay *r = relay_open(client);          accept(2) gave the client
 *     relay_dial(r, &server, false);                 a non-blocking connect(2) starts
 *     ...poll with relay_client_events / relay_server_events...
 *     switch (relay_serve(r, client_revents, server_revents)) {
 *     case RELAY_OPEN:     keep polling
 *     case RELAY_REFUSED:  the server refused: relay_dial another, or relay_close(r, true)
 *     case RELAY_FINISHED: relay_close(r, false)     both directions ended cleanly
 *     case RELAY_BROKEN:   relay_close(r, true)      a side reset: reset the other
 *     }
 */
#ifndef TINYDOCK_RELAY_H
#define TINYDOCK_RELAY_H

#include <netinet/in.h>
#include <stdbool.h>

struct relay;

/* A relay for an accepted client socket (non-blocking), which it now owns (closed by
 * relay_close, or at once on failure). NULL (recorded) when pipes or memory run out. */
struct relay *relay_open(int client);

/* Start connecting to server (non-blocking; the outcome arrives through relay_serve). A server
 * on this host (a container, loopback) gets a small send buffer (relay.c says why). -1
 * (recorded) when the connect failed at once or no socket could be made: the relay stays,
 * without a server, as after RELAY_REFUSED. */
int relay_dial(struct relay *r, const struct sockaddr_in *server, bool server_on_this_host);

/* The poll(2) events to wait for on each side now; 0 means leave that side out (fd -1). */
short relay_client_events(const struct relay *r);
short relay_server_events(const struct relay *r);
int relay_client_fd(const struct relay *r);
int relay_server_fd(const struct relay *r);

enum relay_progress {
	RELAY_OPEN,     /* still going */
	RELAY_REFUSED,  /* the connect failed: no server now, the client still waits */
	RELAY_FINISHED, /* both directions ended (each side shut down its sending half) */
	RELAY_BROKEN,   /* a side reset or failed */
};

/* Move what poll reported ready. */
enum relay_progress relay_serve(struct relay *r, short client_revents, short server_revents);

/* True while the connect started by relay_dial has not completed. */
bool relay_connecting(const struct relay *r);

/* True once all the server sent has reached the client and the server said it was done. */
bool relay_answered(const struct relay *r);

/* Close both sockets and free r; reset says to end them with a reset (RST), not a clean end,
 * so that a client cut short knows it (see proxy.c's drain). NULL is fine. */
void relay_close(struct relay *r, bool reset);

#endif
