/*
 * swarm-vip-net.c - the services' virtual IPs as /32 addresses of the bridge (swarm-vip-net.h).
 *
 * Three rtnetlink requests (rtnetlink(7)): RTM_GETADDR with NLM_F_DUMP lists the link's IPv4
 * addresses, RTM_NEWADDR adds one, RTM_DELADDR removes one. Reading what is there, rather than
 * remembering what this process added, lets a node that restarted after a crash clean up the
 * virtual IPs of services removed meanwhile.
 */
#include "swarm-vip-net.h"

#include "error.h"
#include "rtnl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PRESENT = 4096 };

struct present {
	int ifindex;
	const struct subnet *subnet;
	struct in_addr addresses[MAX_PRESENT];
	size_t count;
};

/* One answer of the dump: keep the address if it is link's and inside the subnet. */
static int collect(const struct nlmsghdr *h, void *arg)
{
	struct present *p = arg;
	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
		return 0;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	if (ifa->ifa_family != AF_INET || (int)ifa->ifa_index != p->ifindex)
		return 0;
	size_t len;
	const void *attrs = nl_msg_attrs(h, sizeof(*ifa), &len);
	const struct rtattr *local = nl_attr_find(attrs, len, IFA_LOCAL);
	if (!local || RTA_PAYLOAD(local) != sizeof(struct in_addr))
		return 0;
	struct in_addr address;
	memcpy(&address, RTA_DATA(local), sizeof(address));
	if (subnet_contains(p->subnet, address) && p->count < MAX_PRESENT)
		p->addresses[p->count++] = address;
	return 0;
}

static void dump_addresses(struct nl_msg *m)
{
	nl_msg_init(m, RTM_GETADDR, NLM_F_DUMP);
	m->hdr.nlmsg_flags &= (uint16_t)~NLM_F_ACK; /* a dump ends with NLMSG_DONE */
	struct ifaddrmsg *ifa = nl_msg_reserve(m, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
}

static void del_address(struct nl_msg *m, int ifindex, struct in_addr address)
{
	nl_msg_init(m, RTM_DELADDR, 0);
	struct ifaddrmsg *ifa = nl_msg_reserve(m, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = (unsigned int)ifindex;
	nl_attr_put(m, IFA_LOCAL, &address, sizeof(address));
}

static bool listed(const struct in_addr *list, size_t count, struct in_addr address)
{
	for (size_t i = 0; i < count; i++)
		if (list[i].s_addr == address.s_addr)
			return true;
	return false;
}

int swarm_vip_net_sync(const char *link, const struct subnet *subnet, const struct in_addr *vips, size_t count)
{
	struct rtnl s;
	if (rtnl_open(&s) < 0)
		return fail_context("cannot set the services' virtual IPs");
	struct present *present = calloc(1, sizeof(*present));
	struct nl_msg m;
	int rc = -1;
	if (!present) {
		fail_errno(ENOMEM, "cannot set the services' virtual IPs");
		goto out;
	}
	present->subnet = subnet;
	if ((present->ifindex = rtnl_link_index_of(&s, link)) < 0)
		goto out;
	dump_addresses(&m);
	if (rtnl_dump(&s, &m, collect, present) < 0)
		goto out;
	for (size_t i = 0; i < present->count; i++) {
		if (listed(vips, count, present->addresses[i]))
			continue;
		del_address(&m, present->ifindex, present->addresses[i]);
		if (rtnl_talk(&s, &m, NULL, 0) < 0 && error_errno() != EADDRNOTAVAIL)
			goto out;
	}
	for (size_t i = 0; i < count; i++) {
		if (listed(present->addresses, present->count, vips[i]))
			continue;
		rtnl_msg_new_addr(&m, present->ifindex, vips[i], 32);
		if (rtnl_talk(&s, &m, NULL, 0) < 0 && error_errno() != EEXIST)
			goto out;
	}
	error_clear();
	rc = 0;
out:
	if (rc < 0)
		fail_context("cannot set the services' virtual IPs on %s", link);
	free(present);
	rtnl_close(&s);
	return rc;
}
