/*
 * network.h - tinydock's networks: their state, connecting containers, and the commands.
 *
 * For `tinydock run` (chapter 02), in the monitor, once the container's first process
 * exists (its pid) and before it may exec (the SYNC_NET step of sync.h):
 *
 *     struct network_endpoint ep;
 *     const char *aliases[] = { "www", NULL };
 *     if (network_attach("bridge", id, "web", aliases, pid, &ep) < 0)
 *             return fail_context("run");
 *     ... bind-mount ep.hosts_path on /etc/hosts, ep.resolv_path on /etc/resolv.conf ...
 *     ... the proxy for -p forwards to ep.address (proxy.h) ...
 *     network_detach("bridge", id);   when the container has exited
 *
 * --network none: the container brings lo up itself (loopback_up, links.h). --network host:
 * no new network namespace.
 * Every other name is a bridge network: "bridge" (the default), or one made with
 * `tinydock network create`. host and none are listed by `network ls` as Docker does.
 */
#ifndef TINYDOCK_NETWORK_H
#define TINYDOCK_NETWORK_H

#include "endpoints.h"
#include "ipam.h"

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The network a container joins when --network is not given, as with Docker. */
#define NETWORK_DEFAULT "bridge"

struct network {
	char name[64];
	char id[65];          /* 64 hex digits, shown as 12 */
	char driver[16];      /* "bridge", or "host" and "null" for the predefined host and none */
	char bridge[16];      /* bridge driver: the Linux bridge, e.g. tinydock0 */
	struct subnet subnet; /* bridge driver only */
	struct in_addr gateway;
	char created[40];
};

/* What network_attach did, for the caller to use. */
struct network_endpoint {
	char network[64];
	char bridge[16];
	char veth[16];              /* host end of the pair; eth0 inside */
	struct in_addr address;     /* the container's address */
	struct in_addr gateway;
	int prefix;
	char hosts_path[PATH_MAX];  /* TINYDOCK_RUN/containers/ID/hosts: bind-mount on /etc/hosts */
	char resolv_path[PATH_MAX]; /* TINYDOCK_RUN/containers/ID/resolv.conf */
};

/* The default bridge network's link and subnet, unless TINYDOCK_BRIDGE and TINYDOCK_BRIDGE_SUBNET
 * say otherwise (docker0 and 172.17.0.0/16 are Docker's; these keep out of its way). */
#define DEFAULT_BRIDGE "tinydock0"
#define DEFAULT_BRIDGE_SUBNET "172.30.0.0/16"

/* Read a network's state. The predefined bridge, host and none always exist; the default
 * bridge is made on first use with TINYDOCK_BRIDGE (default tinydock0) and
 * TINYDOCK_BRIDGE_SUBNET (default 172.30.0.0/16), then kept in TINYDOCK_ROOT/networks. */
int network_load(const char *name, struct network *out);

/* tinydock network create: subnet and bridge may be NULL (a free 172.31.N.0/24, td-<id>). */
int network_create(const char *name, const char *subnet, const char *bridge, struct network *out);

/* tinydock network rm: refused while containers are connected; removes the bridge too. */
int network_remove(const char *name);

/* Every network, sorted by name (malloc'd array). */
int network_list(struct network **out, size_t *count);

/* The live endpoints of a network (dead ones are dropped, see network_attach). */
int network_endpoints(const char *name, struct endpoint_table *out);

/* Connect the network namespace of pid, for container id (name may be NULL or "", aliases
 * a NULL-terminated list or NULL): a free address, a veth pair to the network's bridge,
 * lo and eth0 up, a default route, /etc/hosts files rewritten for every container of the
 * network, resolv.conf copied. Endpoints whose process has died are reclaimed first. */
int network_attach(const char *network, const char *container_id, const char *name, const char *const *aliases,
		   pid_t pid, struct network_endpoint *out);

/* Disconnect container id: its veth pair goes, its address returns to the pool, the other
 * containers' hosts files forget its names. Not being connected is fine. */
int network_detach(const char *network, const char *container_id);

/* TINYDOCK_RUN/containers/ID/FILE: where network_attach writes a container's "hosts" and
 * "resolv.conf" (the container's first process bind-mounts them; it knows only the id). */
void network_container_file(const char *container_id, const char *file, char *out, size_t size);

/* tinydock network create|ls|rm|inspect|connect|disconnect */
int cmd_network(int argc, char **argv);

#endif
