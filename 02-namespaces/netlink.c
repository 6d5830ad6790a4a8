/*
 * netlink.c - rtnetlink messages, byte by byte.
 *
 * Network namespaces, veth pairs and bridges. The `ip` tool is a thin
 * front end: `ip link add`, `ip addr add` and `ip route add` each send one message over
 * a netlink socket (netlink(7), rtnetlink(7)) and read one answer. tinydock builds those
 * messages itself. A message is a 16-byte struct nlmsghdr (length, type, flags, sequence
 * number, port id), then a fixed header for its family (struct ifinfomsg for links,
 * ifaddrmsg for addresses, rtmsg for routes), then attributes: each a struct rtattr
 * (2-byte length, 2-byte type) followed by its value, padded to 4 bytes. An attribute can
 * hold other attributes (nesting): a veth pair is
 *
 *   RTM_NEWLINK  ifinfomsg  IFLA_IFNAME "veth4f2a"
 *                           IFLA_LINKINFO { IFLA_INFO_KIND "veth"
 *                                           IFLA_INFO_DATA { VETH_INFO_PEER { ifinfomsg
 *                                                                             IFLA_IFNAME "eth0"
 *                                                                             IFLA_NET_NS_PID 4242 }}}
 *
 * The kernel answers with an NLMSG_ERROR message carrying 0 (an acknowledgement) or a
 * negative errno, and, with NETLINK_EXT_ACK, a sentence saying what it did not like.
 * Nothing in this file opens a socket: rtnl.c sends these, links.c says what to send.
 * See Documentation/userspace-api/netlink/intro.rst in the kernel for the format.
 */
#include "netlink.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>

void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags)
{
	memset(m, 0, sizeof(*m));
	m->hdr.nlmsg_len = NLMSG_HDRLEN;
	m->hdr.nlmsg_type = type;
	m->hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
}

void *nl_msg_reserve(struct nl_msg *m, size_t len)
{
	size_t at = NLMSG_ALIGN(m->hdr.nlmsg_len);
	if (m->overflow || at + NLMSG_ALIGN(len) > sizeof(m->buf)) {
		m->overflow = true;
		return NULL;
	}
	m->hdr.nlmsg_len = (uint32_t)(at + NLMSG_ALIGN(len));
	return m->buf + at; /* already zero: nl_msg_init cleared the whole buffer */
}

void nl_attr_put(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta = nl_msg_reserve(m, RTA_LENGTH(len));
	if (!rta)
		return;
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
}

void nl_attr_put_u32(struct nl_msg *m, uint16_t type, uint32_t value)
{
	nl_attr_put(m, type, &value, sizeof(value));
}

void nl_attr_put_string(struct nl_msg *m, uint16_t type, const char *text)
{
	nl_attr_put(m, type, text, strlen(text) + 1);
}

struct rtattr *nl_nest_begin(struct nl_msg *m, uint16_t type)
{
	struct rtattr *nest = nl_msg_reserve(m, RTA_LENGTH(0));
	if (nest) {
		nest->rta_type = type;
		nest->rta_len = RTA_LENGTH(0);
	}
	return nest;
}

void nl_nest_end(struct nl_msg *m, struct rtattr *nest)
{
	if (nest && !m->overflow)
		nest->rta_len = (unsigned short)(m->buf + m->hdr.nlmsg_len - (unsigned char *)nest);
}

const struct rtattr *nl_attr_find(const void *attrs, size_t len, uint16_t type)
{
	/* RTA_OK checks each length against what is left, so a lying length cannot walk us
	 * off the end of the buffer. */
	unsigned int left = (unsigned int)len;
	for (const struct rtattr *rta = attrs; RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
		if ((rta->rta_type & NLA_TYPE_MASK) == type)
			return rta;
	return NULL;
}

const void *nl_msg_attrs(const struct nlmsghdr *h, size_t hdr_len, size_t *len)
{
	size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(hdr_len);
	if (h->nlmsg_len < start) {
		*len = 0;
		return NULL;
	}
	*len = h->nlmsg_len - start;
	return (const unsigned char *)h + start;
}

/* --- rtnetlink requests ------------------------------------------------------------------ */

static struct ifinfomsg *link_header(struct nl_msg *m, uint16_t type, uint16_t flags)
{
	nl_msg_init(m, type, flags);
	struct ifinfomsg *ifi = nl_msg_reserve(m, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return ifi;
}

void rtnl_msg_new_bridge(struct nl_msg *m, const char *name)
{
	/* NLM_F_EXCL: fail with EEXIST rather than silently change a link someone else made. */
	link_header(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_attr_put_string(m, IFLA_IFNAME, name);
	struct rtattr *info = nl_nest_begin(m, IFLA_LINKINFO);
	nl_attr_put_string(m, IFLA_INFO_KIND, "bridge");
	nl_nest_end(m, info);
}

void rtnl_msg_new_veth(struct nl_msg *m, const char *name, const char *peer_name, pid_t peer_pid)
{
	link_header(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_attr_put_string(m, IFLA_IFNAME, name);
	struct rtattr *info = nl_nest_begin(m, IFLA_LINKINFO);
	nl_attr_put_string(m, IFLA_INFO_KIND, "veth");
	struct rtattr *data = nl_nest_begin(m, IFLA_INFO_DATA);
	/* The peer is described like a whole link: its own ifinfomsg, then its attributes
	 * (drivers/net/veth.c, veth_newlink). Creating it directly in the container's
	 * namespace, already named eth0, means no temporary name can clash on the host. */
	struct rtattr *peer = nl_nest_begin(m, VETH_INFO_PEER);
	struct ifinfomsg *peer_ifi = nl_msg_reserve(m, sizeof(struct ifinfomsg));
	if (peer_ifi)
		peer_ifi->ifi_family = AF_UNSPEC;
	nl_attr_put_string(m, IFLA_IFNAME, peer_name);
	nl_attr_put_u32(m, IFLA_NET_NS_PID, (uint32_t)peer_pid);
	nl_nest_end(m, peer);
	nl_nest_end(m, data);
	nl_nest_end(m, info);
}

void rtnl_msg_set_link(struct nl_msg *m, const char *name, int master_index, bool up)
{
	/* ifi_index 0 and IFLA_IFNAME: the kernel finds the link by name (rtnl_setlink). */
	struct ifinfomsg *ifi = link_header(m, RTM_SETLINK, 0);
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP; /* only this flag changes; the others are left alone */
	}
	nl_attr_put_string(m, IFLA_IFNAME, name);
	if (master_index > 0)
		nl_attr_put_u32(m, IFLA_MASTER, (uint32_t)master_index);
}

void rtnl_msg_unset_master(struct nl_msg *m, const char *name)
{
	link_header(m, RTM_SETLINK, 0);
	nl_attr_put_string(m, IFLA_IFNAME, name);
	nl_attr_put_u32(m, IFLA_MASTER, 0); /* index 0: no master (the kernel's do_set_master) */
}

void rtnl_msg_del_link(struct nl_msg *m, const char *name)
{
	link_header(m, RTM_DELLINK, 0);
	nl_attr_put_string(m, IFLA_IFNAME, name);
}

void rtnl_msg_get_link(struct nl_msg *m, const char *name)
{
	link_header(m, RTM_GETLINK, 0);
	/* Ask for the link only, not its statistics: IFLA_EXT_MASK would add VF info. */
	nl_attr_put_string(m, IFLA_IFNAME, name);
}

void rtnl_msg_new_addr(struct nl_msg *m, int ifindex, struct in_addr address, int prefix)
{
	nl_msg_init(m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = nl_msg_reserve(m, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	/* IFA_LOCAL is the address of this interface; IFA_ADDRESS the peer's on point-to-point
	 * links and the same on a broadcast link like ours (rtnetlink(7)). */
	nl_attr_put(m, IFA_LOCAL, &address, sizeof(address));
	nl_attr_put(m, IFA_ADDRESS, &address, sizeof(address));
	uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	struct in_addr broadcast = { .s_addr = address.s_addr | ~mask };
	nl_attr_put(m, IFA_BROADCAST, &broadcast, sizeof(broadcast));
}

void rtnl_msg_new_default_route(struct nl_msg *m, struct in_addr gateway, int ifindex)
{
	nl_msg_init(m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rt = nl_msg_reserve(m, sizeof(*rt));
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = 0; /* 0.0.0.0/0: every destination without a better route */
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	nl_attr_put(m, RTA_GATEWAY, &gateway, sizeof(gateway));
	nl_attr_put_u32(m, RTA_OIF, (uint32_t)ifindex);
}

void rtnl_msg_dump_routes(struct nl_msg *m)
{
	nl_msg_init(m, RTM_GETROUTE, NLM_F_DUMP);
	/* A dump ends with NLMSG_DONE, not with an acknowledgement. */
	m->hdr.nlmsg_flags &= (uint16_t)~NLM_F_ACK;
	struct rtmsg *rt = nl_msg_reserve(m, sizeof(*rt));
	rt->rtm_family = AF_INET;
}

/* --- reading answers --------------------------------------------------------------------- */

const struct nlmsghdr *nl_find_answer(const void *buf, size_t len, uint32_t seq)
{
	unsigned int left = (unsigned int)len;
	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
		if (h->nlmsg_seq == seq)
			return h;
	return NULL;
}

int nl_decode_error(const struct nlmsghdr *h, char *why, size_t why_size)
{
	if (why_size)
		why[0] = '\0';
	if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		return -1;
	const struct nlmsgerr *e = NLMSG_DATA(h);
	/* With NETLINK_EXT_ACK, TLVs follow: after the whole request echoed back, or after
	 * its header only when NLM_F_CAPPED is set (netlink(7), "Extended ACK"). */
	if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t echoed = (h->nlmsg_flags & NLM_F_CAPPED) ? sizeof(struct nlmsghdr) : e->msg.nlmsg_len;
		size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int) + NLMSG_ALIGN(echoed));
		if (start < h->nlmsg_len) {
			const struct rtattr *msg = nl_attr_find((const unsigned char *)h + start,
								h->nlmsg_len - start, NLMSGERR_ATTR_MSG);
			if (msg && why_size)
				snprintf(why, why_size, "%.*s", (int)RTA_PAYLOAD(msg), (const char *)RTA_DATA(msg));
		}
	}
	return e->error < 0 ? -e->error : e->error;
}

int rtnl_link_index(const struct nlmsghdr *h)
{
	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -1;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	return ifi->ifi_index;
}

/* --- describing requests for --explain ---------------------------------------------------- */

static const char *attr_string(const void *attrs, size_t len, uint16_t type)
{
	const struct rtattr *rta = nl_attr_find(attrs, len, type);
	if (!rta || RTA_PAYLOAD(rta) == 0 || ((const char *)RTA_DATA(rta))[RTA_PAYLOAD(rta) - 1] != '\0')
		return NULL;
	return RTA_DATA(rta);
}

static bool attr_u32(const void *attrs, size_t len, uint16_t type, uint32_t *value)
{
	const struct rtattr *rta = nl_attr_find(attrs, len, type);
	if (!rta || RTA_PAYLOAD(rta) < sizeof(*value))
		return false;
	memcpy(value, RTA_DATA(rta), sizeof(*value));
	return true;
}

static bool attr_in_addr(const void *attrs, size_t len, uint16_t type, char *out, size_t size)
{
	const struct rtattr *rta = nl_attr_find(attrs, len, type);
	if (!rta || RTA_PAYLOAD(rta) != sizeof(struct in_addr))
		return false;
	return inet_ntop(AF_INET, RTA_DATA(rta), out, (socklen_t)size) != NULL;
}

int rtnl_route(const struct nlmsghdr *h, struct route *out)
{
	if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return -1;
	const struct rtmsg *rt = NLMSG_DATA(h);
	if (rt->rtm_family != AF_INET || rt->rtm_dst_len > 32)
		return -1;
	memset(out, 0, sizeof(*out));
	out->prefix = rt->rtm_dst_len;
	out->table = rt->rtm_table;
	size_t len;
	const void *attrs = nl_msg_attrs(h, sizeof(*rt), &len);
	const struct rtattr *dst = attrs ? nl_attr_find(attrs, len, RTA_DST) : NULL;
	if (dst && RTA_PAYLOAD(dst) == sizeof(out->destination))
		memcpy(&out->destination, RTA_DATA(dst), sizeof(out->destination));
	uint32_t value;
	if (attrs && attr_u32(attrs, len, RTA_TABLE, &value))
		out->table = (int)value; /* tables above 255 only fit here */
	if (attrs && attr_u32(attrs, len, RTA_OIF, &value))
		out->oif = (int)value;
	return 0;
}

/* "veth veth4f2a <-> eth0 (netns of pid 4242)", "bridge tinydock0", "veth4f2a master 7 up" */
static void describe_link(const struct nlmsghdr *h, char *out, size_t size)
{
	size_t len;
	const void *attrs = nl_msg_attrs(h, sizeof(struct ifinfomsg), &len);
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const char *name = attrs ? attr_string(attrs, len, IFLA_IFNAME) : NULL;
	const struct rtattr *info = attrs ? nl_attr_find(attrs, len, IFLA_LINKINFO) : NULL;
	char who[32];
	if (name)
		snprintf(who, sizeof(who), "%s", name);
	else
		snprintf(who, sizeof(who), "index %d", ifi->ifi_index);
	if (!info) {
		uint32_t master;
		int n = snprintf(out, size, "%s", who);
		if (n >= 0 && (size_t)n < size && attr_u32(attrs, len, IFLA_MASTER, &master))
			n += snprintf(out + n, size - (size_t)n, " master %u", master);
		if (n >= 0 && (size_t)n < size && (ifi->ifi_change & IFF_UP))
			snprintf(out + n, size - (size_t)n, (ifi->ifi_flags & IFF_UP) ? " up" : " down");
		return;
	}
	const char *kind = attr_string(RTA_DATA(info), RTA_PAYLOAD(info), IFLA_INFO_KIND);
	const struct rtattr *data = nl_attr_find(RTA_DATA(info), RTA_PAYLOAD(info), IFLA_INFO_DATA);
	const struct rtattr *peer = data ? nl_attr_find(RTA_DATA(data), RTA_PAYLOAD(data), VETH_INFO_PEER) : NULL;
	if (!peer || RTA_PAYLOAD(peer) < sizeof(struct ifinfomsg)) {
		snprintf(out, size, "%s %s", kind ? kind : "?", who);
		return;
	}
	const unsigned char *peer_attrs = (const unsigned char *)RTA_DATA(peer) + NLMSG_ALIGN(sizeof(struct ifinfomsg));
	size_t peer_len = RTA_PAYLOAD(peer) - NLMSG_ALIGN(sizeof(struct ifinfomsg));
	const char *peer_name = attr_string(peer_attrs, peer_len, IFLA_IFNAME);
	uint32_t pid;
	if (attr_u32(peer_attrs, peer_len, IFLA_NET_NS_PID, &pid))
		snprintf(out, size, "%s %s <-> %s (netns of pid %u)", kind ? kind : "?", who,
			 peer_name ? peer_name : "?", pid);
	else
		snprintf(out, size, "%s %s <-> %s", kind ? kind : "?", who, peer_name ? peer_name : "?");
}

void nl_describe(const struct nlmsghdr *h, char *out, size_t size)
{
	char detail[256] = "";
	const char *type = "?";
	size_t len;
	const void *attrs;
	switch (h->nlmsg_type) {
	case RTM_NEWLINK: type = "RTM_NEWLINK"; break;
	case RTM_SETLINK: type = "RTM_SETLINK"; break;
	case RTM_DELLINK: type = "RTM_DELLINK"; break;
	case RTM_GETLINK: type = "RTM_GETLINK"; break;
	case RTM_NEWADDR: type = "RTM_NEWADDR"; break;
	case RTM_NEWROUTE: type = "RTM_NEWROUTE"; break;
	case RTM_GETROUTE: type = "RTM_GETROUTE"; break;
	}
	switch (h->nlmsg_type) {
	case RTM_NEWLINK: case RTM_SETLINK: case RTM_DELLINK: case RTM_GETLINK:
		if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)))
			describe_link(h, detail, sizeof(detail));
		break;
	case RTM_NEWADDR:
		if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
			const struct ifaddrmsg *ifa = NLMSG_DATA(h);
			char ip[INET_ADDRSTRLEN] = "?";
			attrs = nl_msg_attrs(h, sizeof(*ifa), &len);
			if (attrs)
				attr_in_addr(attrs, len, IFA_LOCAL, ip, sizeof(ip));
			snprintf(detail, sizeof(detail), "%s/%u dev %u", ip, ifa->ifa_prefixlen, ifa->ifa_index);
		}
		break;
	case RTM_NEWROUTE: case RTM_GETROUTE:
		if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg))) {
			const struct rtmsg *rt = NLMSG_DATA(h);
			char via[INET_ADDRSTRLEN] = "?";
			uint32_t oif = 0;
			attrs = nl_msg_attrs(h, sizeof(*rt), &len);
			if (attrs) {
				attr_in_addr(attrs, len, RTA_GATEWAY, via, sizeof(via));
				attr_u32(attrs, len, RTA_OIF, &oif);
			}
			if (h->nlmsg_type == RTM_GETROUTE)
				snprintf(detail, sizeof(detail), "%s", (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP ? "dump" : "");
			else if (rt->rtm_dst_len == 0)
				snprintf(detail, sizeof(detail), "default via %s dev %u", via, oif);
			else
				snprintf(detail, sizeof(detail), "/%u via %s dev %u", rt->rtm_dst_len, via, oif);
		}
		break;
	}
	snprintf(out, size, "%s %s", type, detail);
}
