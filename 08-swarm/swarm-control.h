/*
 * swarm-control.h - how a command of this machine talks to its node process.
 *
 * `tinydock swarm init` leaves a node process running; every later swarm command (`node ls`,
 * `service create`, `swarm join-token`, the visualizer) is a short-lived process that asks
 * that node. They talk over a Unix stream socket, $TINYDOCK_RUN/swarm/control.sock, mode
 * 0600: only root (the node's owner) may drive the swarm, as only root may talk to Docker's
 * /var/run/docker.sock. One request and one reply per connection, each one frame
 * (swarm-frame.h) holding a JSON object:
 *
 *     {"op":"info"}          -> {"ok":true,"node":ID,"hostname":H,"role":"manager",
 *                                "address":"HOST:PORT","leader":ID,"state":"active"}
 *     {"op":"state"}         -> {"ok":true,"self":ID,"leader":ID,"managers":[...],"store":{...}}
 *     {"op":"propose","command":{...}}  -> {"ok":true,"index":N} once committed and applied
 *     {"op":"join-token","role":"worker"} -> {"ok":true,"token":"SWMTKN-1-..."}
 *     {"op":"leave","force":false}      -> {"ok":true}, then the node stops
 *
 * Every reply has "ok"; when false, "error" holds a whole tinydock message. The node's side
 * is swarm-control-server.c; the protocol is told in wire.md.
 */
#ifndef TINYDOCK_SWARM_CONTROL_H
#define TINYDOCK_SWARM_CONTROL_H

#include <stddef.h>

/* Send one request (a JSON object) to this machine's node process and wait at most
 * timeout_ms for its reply: 0 with *reply (malloc'd JSON text, NUL-terminated) whatever
 * the reply says, or -1 with the message recorded: no node process here ("this node is
 * not part of a swarm: run `tinydock swarm init` or `tinydock swarm join`"), or it did not
 * answer in time. */
int swarm_control_call(const char *request, char **reply, int timeout_ms);
/* The reply's verdict: 0 when it holds "ok":true; -1 with its "error" recorded. */
int swarm_control_reply_ok(const char *reply);
/* The socket's path into buffer (size bytes); -1 recorded when it does not fit. */
int swarm_control_path(char *buffer, size_t size);

#endif
