/*
 * proxy.h - published ports: a userspace TCP proxy from host ports to a container's address.
 */
#ifndef TINYDOCK_PROXY_H
#define TINYDOCK_PROXY_H

#include "ports.h"

#include <netinet/in.h>
#include <stddef.h>

struct proxy;

/* Listen on every mapping's host address and port (a port in use fails here, naming it,
 * with nothing left open), then forward connections to container:container_port in a
 * thread of its own. A host_port of 0 is replaced by the port the kernel chose. */
struct proxy *proxy_start(struct port_mapping *mappings, size_t count, struct in_addr container);

/* proxy_start in two steps, for `tinydock run`: take the host ports first (before the
 * container has an address, so that a port in use fails before anything else is made;
 * clients wait in the listen backlog meanwhile), then forward once the address is known. */
struct proxy *proxy_listen(struct port_mapping *mappings, size_t count);
int proxy_forward(struct proxy *p, struct in_addr container);

/* Stop, for a container that has ended: close the listeners, pass on for a few seconds
 * at most what the container already sent (its replies in flight), reset the connections
 * still open after that, end the thread, free p. NULL is fine. */
void proxy_stop(struct proxy *p);

/* tinydock proxy -p [IP:]HOSTPORT:CONTAINERPORT... --to ADDRESS (like docker-proxy) */
int cmd_proxy(int argc, char **argv);

#endif
