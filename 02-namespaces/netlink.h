/*
 * netlink.h - rtnetlink messages as bytes: building requests and reading answers.
 *
 * Everything here is pure: it fills and reads buffers and never opens a socket, so every
 * message can be checked byte for byte by a unit test without root. rtnl.h sends them.
 */
#ifndef TINYDOCK_NETLINK_H
#define TINYDOCK_NETLINK_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Our requests are small: the largest (a veth pair) is about 100 bytes. */
#define NL_MSG_SIZE 512

/* One request being built: a netlink header, a fixed header (ifinfomsg, ...) and attributes. */
struct nl_msg {
	union {
		struct nlmsghdr hdr;
		unsigned char buf[NL_MSG_SIZE];
	};
	bool overflow; /* set when an append did not fit; the request is then refused */
};

/* Start a message: header with type and flags (NLM_F_REQUEST|NLM_F_ACK are added), seq 0. */
void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags);

/* Append len zeroed bytes (padded to 4) and return them, or NULL when the message is full. */
void *nl_msg_reserve(struct nl_msg *m, size_t len);

/* Append one attribute (struct rtattr + data, padded to 4). */
void nl_attr_put(struct nl_msg *m, uint16_t type, const void *data, size_t len);
void nl_attr_put_u32(struct nl_msg *m, uint16_t type, uint32_t value);
void nl_attr_put_string(struct nl_msg *m, uint16_t type, const char *text); /* with its NUL */

/* Nested attributes: begin returns the outer rtattr, end fixes its length to cover what follows. */
struct rtattr *nl_nest_begin(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m, struct rtattr *nest);

/* Find attribute type among the attributes in [attrs, attrs+len); NULL when absent. */
const struct rtattr *nl_attr_find(const void *attrs, size_t len, uint16_t type);

/* The attributes that follow a fixed header of hdr_len bytes in message h, and their length. */
const void *nl_msg_attrs(const struct nlmsghdr *h, size_t hdr_len, size_t *len);

/* --- rtnetlink requests (each one fills m completely) ------------------------------------ */

/* RTM_NEWLINK kind bridge, named name (NLM_F_CREATE|NLM_F_EXCL). */
void rtnl_msg_new_bridge(struct nl_msg *m, const char *name);
/* RTM_NEWLINK kind veth: name here, peer_name in the network namespace of peer_pid. */
void rtnl_msg_new_veth(struct nl_msg *m, const char *name, const char *peer_name, pid_t peer_pid);
/* RTM_SETLINK on an existing link found by name: master (if master_index > 0), and up. */
void rtnl_msg_set_link(struct nl_msg *m, const char *name, int master_index, bool up);
/* RTM_SETLINK on the link named name: IFLA_MASTER 0, off its bridge (rtnetlink(7)). */
void rtnl_msg_unset_master(struct nl_msg *m, const char *name);
/* RTM_DELLINK of the link named name. */
void rtnl_msg_del_link(struct nl_msg *m, const char *name);
/* RTM_GETLINK of the link named name (the answer is an RTM_NEWLINK message). */
void rtnl_msg_get_link(struct nl_msg *m, const char *name);
/* RTM_NEWADDR address/prefix on link ifindex, with its broadcast address. */
void rtnl_msg_new_addr(struct nl_msg *m, int ifindex, struct in_addr address, int prefix);
/* RTM_NEWROUTE 0.0.0.0/0 via gateway out of link ifindex, in the main table. */
void rtnl_msg_new_default_route(struct nl_msg *m, struct in_addr gateway, int ifindex);
/* RTM_GETROUTE with NLM_F_DUMP: every IPv4 route, answered by many RTM_NEWROUTE messages. */
void rtnl_msg_dump_routes(struct nl_msg *m);

/* --- reading answers --------------------------------------------------------------------- */

/* Find, in one datagram from the kernel, the first message answering seq; NULL if none. */
const struct nlmsghdr *nl_find_answer(const void *buf, size_t len, uint32_t seq);

/* Decode an NLMSG_ERROR message: returns its errno (0 for an acknowledgement), copies the
 * kernel's extended-ack text (NLMSGERR_ATTR_MSG) into why (may be ""); -1 if malformed. */
int nl_decode_error(const struct nlmsghdr *h, char *why, size_t why_size);

/* The interface index in an RTM_NEWLINK answer; -1 if malformed. */
int rtnl_link_index(const struct nlmsghdr *h);

/* An IPv4 route from an RTM_NEWROUTE message: destination/prefix, table, output link (0 if
 * none). Returns -1 for anything else. */
struct route {
	struct in_addr destination;
	int prefix;
	int table;
	int oif;
};
int rtnl_route(const struct nlmsghdr *h, struct route *out);

/* A readable line for a request we build: "RTM_NEWLINK veth veth4f2a <-> eth0 (netns of pid 4242)".
 * Decoded from the bytes themselves, so --explain shows what is really sent. */
void nl_describe(const struct nlmsghdr *h, char *out, size_t size);

#endif
