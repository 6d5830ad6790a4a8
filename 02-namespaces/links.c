/*
 * links.c - wiring a container to a bridge: the checklist of netlink requests.
 *
 * A veth pair is a cable, a bridge is a switch. A new network namespace
 * (clone(CLONE_NEWNET)) holds only a loopback device, and it is down: the container
 * cannot even reach itself. To give it a network, as `docker run` does on its default
 * bridge:
 *
 *   on the host                                   in the container's namespace
 *   1. bridge tinydock0 exists (made if missing, once the host's routes show that
 *      nothing else uses its subnet), 172.30.0.1/16, up
 *   2. veth pair: vethXXXX  <------ cable ------>  eth0 (made right there)
 *   3. vethXXXX plugged into the bridge, up
 *                                                  4. lo up
 *                                                  5. eth0 172.30.0.2/16, up
 *                                                  6. default route via 172.30.0.1
 *
 * After step 5 the container reaches every other container on the bridge: the kernel
 * sees 172.30.0.0/16 as directly connected on eth0, ARPs for the neighbour, and the
 * bridge forwards the frames by MAC address. Step 6 sends everything else to the
 * gateway, the bridge's own address on the host; tinydock never enables ip_forward,
 * so the host does not route it further (published ports use a proxy, proxy.c).
 *
 * Each step is one request (netlink.c builds it, rtnl.c sends it), one --explain line.
 * Read ipam.c next: which address the container gets.
 */
#include "links.h"
#include "error.h"
#include "explain.h"
#include "ipam.h"
#include "netlink.h"
#include "rtnl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

static const char CHAPTER[] = "02-namespaces";

/* True when the failure just recorded is the expected err: then it is forgotten, so that
 * no caller later mistakes it for a real one (--explain has shown it already). */
static bool tolerate(int err)
{
	if (error_errno() != err)
		return false;
	error_clear();
	return true;
}

/* For the route dump: stop at the first route of the main table that overlaps subnet. */
struct overlap_search {
	struct subnet subnet;
	struct route found;
};

static int overlaps(const struct nlmsghdr *h, void *arg)
{
	struct overlap_search *search = arg;
	struct route r;
	if (rtnl_route(h, &r) < 0 || r.table != RT_TABLE_MAIN || r.prefix == 0)
		return 0; /* not IPv4, another table, or the default route: every subnet "overlaps" it */
	struct subnet theirs = { .network = r.destination, .prefix = r.prefix };
	if (!subnets_overlap(&search->subnet, &theirs))
		return 0;
	search->found = r;
	return -1;
}

/* A new bridge must not take addresses the host already reaches another way: its subnet
 * would become a second, competing route, and host traffic could vanish into the bridge. */
static int check_subnet_is_free(struct rtnl *s, struct in_addr gateway, int prefix)
{
	struct overlap_search search = { .subnet.prefix = prefix };
	search.subnet.network.s_addr = gateway.s_addr & htonl(prefix ? ~0u << (32 - prefix) : 0);
	search.found.prefix = -1;
	struct nl_msg m;
	rtnl_msg_dump_routes(&m);
	if (rtnl_dump(s, &m, overlaps, &search) < 0 && search.found.prefix < 0)
		return -1;
	if (search.found.prefix < 0)
		return 0;
	char mine[32], theirs[INET_ADDRSTRLEN];
	subnet_format(&search.subnet, mine, sizeof(mine));
	inet_ntop(AF_INET, &search.found.destination, theirs, sizeof(theirs));
	return fail_errno(0, "subnet %s overlaps the host's route to %s/%d (link %d); choose another one "
			     "(TINYDOCK_BRIDGE_SUBNET for the default bridge, --subnet for network create)",
			  mine, theirs, search.found.prefix, search.found.oif);
}

int bridge_ensure(const char *name, struct in_addr gateway, int prefix)
{
	struct rtnl s;
	if (rtnl_open(&s) < 0)
		return -1;
	int rc = -1;
	struct nl_msg m;
	/* A bridge that is there already was checked and made by an earlier container; a
	 * bridge with no containers stays, like docker0. */
	int index = rtnl_link_index_of(&s, name);
	if (index < 0 && !tolerate(ENODEV))
		goto out;
	if (index < 0) {
		/* The dump leaves the socket mid-answer when it stops early: use a fresh one. */
		struct rtnl routes;
		if (rtnl_open(&routes) < 0)
			goto out;
		int free_subnet = check_subnet_is_free(&routes, gateway, prefix);
		rtnl_close(&routes);
		if (free_subnet < 0)
			goto out;
		rtnl_msg_new_bridge(&m, name);
		/* EEXIST: another tinydock made it a moment ago. */
		if (rtnl_talk(&s, &m, NULL, 0) < 0 && !tolerate(EEXIST))
			goto out;
		index = rtnl_link_index_of(&s, name);
		if (index < 0)
			goto out;
	}
	rtnl_msg_new_addr(&m, index, gateway, prefix);
	if (rtnl_talk(&s, &m, NULL, 0) < 0) {
		if (!tolerate(EEXIST))
			goto out;
		explain(CHAPTER, "%s has its gateway address already (the EEXIST above is fine)", name);
	}
	rtnl_msg_set_link(&m, name, 0, true);
	if (rtnl_talk(&s, &m, NULL, 0) < 0)
		goto out;
	rc = 0;
out:
	rtnl_close(&s);
	if (rc < 0)
		fail_context("cannot set up bridge %s", name);
	return rc;
}

/* Steps 4-6, on a socket that lives in the container's namespace. */
static int configure_inside(struct rtnl *inside, const char *name, bool default_route, struct in_addr address,
			    int prefix, struct in_addr gateway)
{
	struct nl_msg m;
	if (loopback_up(inside) < 0)
		return -1;
	int eth0 = rtnl_link_index_of(inside, name);
	if (eth0 < 0)
		return -1;
	rtnl_msg_new_addr(&m, eth0, address, prefix);
	if (rtnl_talk(inside, &m, NULL, 0) < 0)
		return -1;
	rtnl_msg_set_link(&m, name, 0, true);
	if (rtnl_talk(inside, &m, NULL, 0) < 0)
		return -1;
	if (!default_route)
		return 0;
	/* The route needs eth0 up and its subnet known: the gateway must be reachable on it. */
	rtnl_msg_new_default_route(&m, gateway, eth0);
	return rtnl_talk(inside, &m, NULL, 0);
}

/* Refuse a process that shares our own network namespace: "configuring its eth0 and
 * default route" would reconfigure the host. Two namespace files are the same namespace
 * when their device and inode numbers are equal (namespaces(7)). */
int netns_check_separate(pid_t pid)
{
	char path[64];
	struct stat theirs, ours;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &theirs) < 0)
		return fail_sys("cannot find the network namespace of process %d (\"%s\")", (int)pid, path);
	if (stat("/proc/self/ns/net", &ours) < 0)
		return fail_sys("cannot read \"/proc/self/ns/net\"");
	if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino)
		return fail_errno(0, "process %d is in the host's network namespace; it needs one of its own "
				     "(clone(CLONE_NEWNET), or unshare --net)", (int)pid);
	return 0;
}

int veth_plug(const char *bridge, const char *host_name, const char *inside_name, bool default_route, pid_t pid,
	      struct in_addr address, int prefix, struct in_addr gateway)
{
	if (netns_check_separate(pid) < 0)
		return fail_context("cannot connect process %d to bridge %s", (int)pid, bridge);
	struct rtnl host, inside = { .fd = -1 };
	if (rtnl_open(&host) < 0)
		return -1;
	int rc = -1;
	bool made = false;
	struct nl_msg m;
	int master = rtnl_link_index_of(&host, bridge);
	if (master < 0)
		goto out;
	rtnl_msg_new_veth(&m, host_name, inside_name, pid);
	if (rtnl_talk(&host, &m, NULL, 0) < 0)
		goto out;
	made = true;
	rtnl_msg_set_link(&m, host_name, master, true);
	if (rtnl_talk(&host, &m, NULL, 0) < 0)
		goto out;
	if (rtnl_open_in_netns(&inside, pid) < 0)
		goto out;
	if (configure_inside(&inside, inside_name, default_route, address, prefix, gateway) < 0)
		goto out;
	rc = 0;
out:
	rtnl_close(&inside);
	if (rc < 0 && made) {
		/* Keep the first error; removing both ends of the cable is all that is left to do. */
		struct error_saved first;
		error_save(&first);
		rtnl_msg_del_link(&m, host_name);
		rtnl_talk(&host, &m, NULL, 0);
		error_restore(&first);
	}
	rtnl_close(&host);
	if (rc < 0)
		fail_context("cannot connect the network namespace of process %d to bridge %s", (int)pid, bridge);
	return rc;
}

int link_remove(const char *name)
{
	struct rtnl s;
	if (rtnl_open(&s) < 0)
		return -1;
	struct nl_msg m;
	rtnl_msg_del_link(&m, name);
	int rc = rtnl_talk(&s, &m, NULL, 0);
	/* When the container's namespace died first, the kernel already destroyed both ends. */
	if (rc < 0 && tolerate(ENODEV))
		rc = 0;
	rtnl_close(&s);
	return rc;
}

/* Deleting a link is slow: unregistering a device waits for every CPU to stop using it (RCU
 * grace periods in netdev_run_todo, net/core/dev.c), some 15-20 ms on a quiet machine. Taking
 * it off the bridge takes a fraction of that. For the veth of a container that has ended, that
 * is all that is needed: its peer, eth0, is in the container's network namespace, which ends
 * with its last process, and "when a namespace is freed, the veth devices that it contains are
 * destroyed" (veth(4)), both ends, asynchronously (cleanup_net, net/core/net_namespace.c). Off
 * the bridge, the dying namespace can no longer answer for the address that returns to the
 * pool (an ARP reply from it could otherwise win over the next container's), and it stops
 * counting as a port of the bridge now, not whenever the kernel gets to it. */
int link_unplug(const char *name)
{
	struct rtnl s;
	if (rtnl_open(&s) < 0)
		return -1;
	struct nl_msg m;
	rtnl_msg_unset_master(&m, name);
	int rc = rtnl_talk(&s, &m, NULL, 0);
	if (rc < 0 && tolerate(ENODEV)) /* the kernel was quicker: the pair is gone already */
		rc = 0;
	rtnl_close(&s);
	return rc;
}

/* The one way tinydock brings `lo` up: RTM_SETLINK lo IFF_UP on a route socket of the
 * namespace to configure. A new network namespace's loopback is down (even 127.0.0.1 fails
 * until it is up, network_namespaces(7)). For a bridge network the monitor does it from
 * outside with the rest of the checklist (configure_inside); for --network none the
 * container's first process does it from inside (setup.c), because a rootless monitor may
 * not enter the container's namespace: setns(2) needs CAP_SYS_ADMIN in its own user
 * namespace too. (The older interface, ioctl(SIOCSIFFLAGS) on any socket (netdevice(7)),
 * does the same; tinydock keeps rtnetlink only, so --explain shows one request for both.) */
int loopback_up(struct rtnl *s)
{
	struct nl_msg m;
	rtnl_msg_set_link(&m, "lo", 0, true);
	return rtnl_talk(s, &m, NULL, 0);
}
