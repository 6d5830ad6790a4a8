/*
 * test_network.c - chapter 02 networking without root: rtnetlink messages byte for byte,
 * the address allocator, the endpoints file, /etc/hosts, and `-p` parsing.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "endpoints.h"
#include "error.h"
#include "files.h"
#include "hosts.h"
#include "ipam.h"
#include "netlink.h"
#include "ports.h"

static struct in_addr ip(const char *text)
{
	struct in_addr a;
	ck_assert_int_eq(inet_pton(AF_INET, text, &a), 1);
	return a;
}

static void assert_bytes(const struct nl_msg *m, const unsigned char *expected, size_t size)
{
	ck_assert_uint_eq(m->hdr.nlmsg_len, size);
	for (size_t i = 0; i < size; i++)
		ck_assert_msg(m->buf[i] == expected[i], "byte %zu is 0x%02x, expected 0x%02x", i, m->buf[i], expected[i]);
}

/* The values below are little-endian, as on x86 and arm64: netlink uses the host's order. */
START_TEST(new_addr_message_is_header_ifaddrmsg_and_three_attributes)
{
	struct nl_msg m;
	rtnl_msg_new_addr(&m, 7, ip("10.250.1.2"), 24);
	static const unsigned char expected[] = {
		0x30, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x06, /* len 48, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* seq 0 (set when sent), pid 0 */
		0x02, 0x18, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, /* AF_INET, /24, flags, scope universe, index 7 */
		0x08, 0x00, 0x02, 0x00, 0x0a, 0xfa, 0x01, 0x02, /* IFA_LOCAL 10.250.1.2 */
		0x08, 0x00, 0x01, 0x00, 0x0a, 0xfa, 0x01, 0x02, /* IFA_ADDRESS 10.250.1.2 */
		0x08, 0x00, 0x04, 0x00, 0x0a, 0xfa, 0x01, 0xff, /* IFA_BROADCAST 10.250.1.255 */
	};
	assert_bytes(&m, expected, sizeof(expected));
}
END_TEST

START_TEST(veth_message_nests_the_peer_with_its_name_and_namespace)
{
	struct nl_msg m;
	rtnl_msg_new_veth(&m, "veth4f2a", "eth0", 4242);
	static const unsigned char expected[] = {
		0x6c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06, /* len 108, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ifinfomsg: AF_UNSPEC, type, index 0 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* flags 0, change 0 */
		0x0d, 0x00, 0x03, 0x00, 'v', 'e', 't', 'h',     /* IFLA_IFNAME "veth4f2a\0" (13 bytes + 3 pad) */
		'4', 'f', '2', 'a', 0x00, 0x00, 0x00, 0x00,
		0x3c, 0x00, 0x12, 0x00,                         /* IFLA_LINKINFO, 60 bytes */
		0x09, 0x00, 0x01, 0x00, 'v', 'e', 't', 'h',     /*   IFLA_INFO_KIND "veth\0" */
		0x00, 0x00, 0x00, 0x00,
		0x2c, 0x00, 0x02, 0x00,                         /*   IFLA_INFO_DATA, 44 bytes */
		0x28, 0x00, 0x01, 0x00,                         /*     VETH_INFO_PEER, 40 bytes */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*       the peer's ifinfomsg */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x09, 0x00, 0x03, 0x00, 'e', 't', 'h', '0',     /*       IFLA_IFNAME "eth0\0" */
		0x00, 0x00, 0x00, 0x00,
		0x08, 0x00, 0x13, 0x00, 0x92, 0x10, 0x00, 0x00, /*       IFLA_NET_NS_PID 4242 */
	};
	assert_bytes(&m, expected, sizeof(expected));
}
END_TEST

START_TEST(every_request_is_described_from_its_own_bytes)
{
	struct nl_msg m;
	char line[256];
	rtnl_msg_new_veth(&m, "veth4f2a", "eth0", 4242);
	nl_describe(&m.hdr, line, sizeof(line));
	ck_assert_str_eq(line, "RTM_NEWLINK veth veth4f2a <-> eth0 (netns of pid 4242)");
	rtnl_msg_new_bridge(&m, "tinydock0");
	nl_describe(&m.hdr, line, sizeof(line));
	ck_assert_str_eq(line, "RTM_NEWLINK bridge tinydock0");
	rtnl_msg_set_link(&m, "veth4f2a", 5, true);
	nl_describe(&m.hdr, line, sizeof(line));
	ck_assert_str_eq(line, "RTM_SETLINK veth4f2a master 5 up");
	rtnl_msg_new_addr(&m, 2, ip("172.30.0.2"), 16);
	nl_describe(&m.hdr, line, sizeof(line));
	ck_assert_str_eq(line, "RTM_NEWADDR 172.30.0.2/16 dev 2");
	rtnl_msg_new_default_route(&m, ip("172.30.0.1"), 2);
	nl_describe(&m.hdr, line, sizeof(line));
	ck_assert_str_eq(line, "RTM_NEWROUTE default via 172.30.0.1 dev 2");
	rtnl_msg_del_link(&m, "veth4f2a");
	nl_describe(&m.hdr, line, sizeof(line));
	ck_assert_str_eq(line, "RTM_DELLINK veth4f2a");
	rtnl_msg_unset_master(&m, "veth4f2a");
	nl_describe(&m.hdr, line, sizeof(line));
	ck_assert_str_eq(line, "RTM_SETLINK veth4f2a master 0");
}
END_TEST

START_TEST(route_answers_decode_to_destination_prefix_table_and_link)
{
	struct nl_msg m;
	nl_msg_init(&m, RTM_NEWROUTE, 0);
	struct rtmsg *rt = nl_msg_reserve(&m, sizeof(*rt));
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = 24;
	rt->rtm_table = RT_TABLE_MAIN;
	struct in_addr dst = ip("10.250.3.0");
	nl_attr_put(&m, RTA_DST, &dst, sizeof(dst));
	nl_attr_put_u32(&m, RTA_OIF, 7);
	struct route r;
	ck_assert_int_eq(rtnl_route(&m.hdr, &r), 0);
	ck_assert_uint_eq(r.destination.s_addr, dst.s_addr);
	ck_assert_int_eq(r.prefix, 24);
	ck_assert_int_eq(r.table, RT_TABLE_MAIN);
	ck_assert_int_eq(r.oif, 7);
	rt->rtm_family = AF_INET6;
	ck_assert_int_eq(rtnl_route(&m.hdr, &r), -1);
	char line[128];
	rtnl_msg_dump_routes(&m);
	ck_assert_uint_eq(m.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP); /* a dump ends with DONE, no ack */
	nl_describe(&m.hdr, line, sizeof(line));
	ck_assert_str_eq(line, "RTM_GETROUTE dump");
}
END_TEST

START_TEST(a_message_that_does_not_fit_is_marked_and_never_overruns)
{
	struct nl_msg m;
	nl_msg_init(&m, RTM_NEWLINK, 0);
	char big[200];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 10; i++)
		nl_attr_put_string(&m, IFLA_IFNAME, big);
	ck_assert(m.overflow);
	ck_assert_uint_le(m.hdr.nlmsg_len, sizeof(m.buf));
}
END_TEST

/* An NLMSG_ERROR answer as the kernel sends it with NETLINK_CAP_ACK and NETLINK_EXT_ACK. */
START_TEST(error_answers_decode_to_errno_and_the_kernels_sentence)
{
	union {
		struct nlmsghdr hdr;
		unsigned char bytes[256];
	} a;
	memset(&a, 0, sizeof(a));
	const char text[] = "Master device not found";
	size_t tlv = RTA_LENGTH(sizeof(text));
	a.hdr.nlmsg_type = NLMSG_ERROR;
	a.hdr.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	a.hdr.nlmsg_seq = 9;
	a.hdr.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(struct nlmsgerr)) + RTA_ALIGN(tlv));
	struct nlmsgerr *e = NLMSG_DATA(&a.hdr);
	e->error = -ENODEV;
	e->msg.nlmsg_len = 100; /* the request's length: capped, so only its header is echoed */
	struct rtattr *rta = (struct rtattr *)((unsigned char *)e + sizeof(*e));
	rta->rta_type = NLMSGERR_ATTR_MSG;
	rta->rta_len = (unsigned short)tlv;
	memcpy(RTA_DATA(rta), text, sizeof(text));
	char why[64];
	ck_assert_ptr_eq(nl_find_answer(a.bytes, a.hdr.nlmsg_len, 9), &a.hdr);
	ck_assert_ptr_null(nl_find_answer(a.bytes, a.hdr.nlmsg_len, 10));
	ck_assert_int_eq(nl_decode_error(&a.hdr, why, sizeof(why)), ENODEV);
	ck_assert_str_eq(why, "Master device not found");
	e->error = 0;
	a.hdr.nlmsg_flags = 0;
	ck_assert_int_eq(nl_decode_error(&a.hdr, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	a.hdr.nlmsg_len = 8; /* shorter than a header: malformed, not a crash */
	ck_assert_int_eq(nl_decode_error(&a.hdr, why, sizeof(why)), -1);
}
END_TEST

/* Bounded fuzzing: garbage after a valid header must never make the readers overrun
 * (run `make sanitize` to have ASan watch every byte). */
START_TEST(describing_and_decoding_garbage_never_reads_past_the_message)
{
	static const uint16_t types[] = { RTM_NEWLINK, RTM_SETLINK, RTM_NEWADDR, RTM_NEWROUTE, NLMSG_ERROR };
	unsigned seed = 12345;
	for (int round = 0; round < 20000; round++) {
		size_t len = NLMSG_HDRLEN + (size_t)(rand_r(&seed) % 120);
		unsigned char *buf = malloc(len); /* exactly len: ASan catches one byte too far */
		for (size_t i = 0; i < len; i++)
			buf[i] = (unsigned char)rand_r(&seed);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		h->nlmsg_len = (uint32_t)len;
		h->nlmsg_type = types[round % 5];
		if (round % 3 == 0)
			h->nlmsg_flags = NLM_F_ACK_TLVS | (round % 2 ? NLM_F_CAPPED : 0);
		/* Each reader keeps to the room it is given (the byte after it untouched), ends its
		 * text, and answers within the message or not at all. */
		char line[257], why[65];
		memset(line, '#', sizeof(line));
		memset(why, '#', sizeof(why));
		nl_describe(h, line, sizeof(line) - 1);
		ck_assert_msg(line[sizeof(line) - 1] == '#' && memchr(line, '\0', sizeof(line) - 1), "round %d", round);
		int rc = nl_decode_error(h, why, sizeof(why) - 1);
		ck_assert_msg(why[sizeof(why) - 1] == '#' && memchr(why, '\0', sizeof(why) - 1), "round %d", round);
		if (h->nlmsg_type != NLMSG_ERROR)
			ck_assert_int_eq(rc, -1);
		const struct nlmsghdr *answer = nl_find_answer(buf, len, h->nlmsg_seq);
		if (answer) {
			ck_assert_uint_eq(answer->nlmsg_seq, h->nlmsg_seq);
			ck_assert((const unsigned char *)answer >= buf &&
				  (const unsigned char *)answer + answer->nlmsg_len <= buf + len);
		}
		free(buf);
	}
}
END_TEST

START_TEST(subnets_parse_with_zero_host_bits_and_say_what_to_write_instead)
{
	struct subnet s;
	char text[32];
	ck_assert_int_eq(subnet_parse("10.250.3.0/24", &s), 0);
	subnet_format(&s, text, sizeof(text));
	ck_assert_str_eq(text, "10.250.3.0/24");
	ck_assert_uint_eq(subnet_gateway(&s).s_addr, ip("10.250.3.1").s_addr);
	ck_assert_int_eq(subnet_parse("10.250.3.7/24", &s), -1);
	ck_assert_str_eq(error_message(), "invalid subnet \"10.250.3.7/24\": it should be 10.250.3.0/24");
	ck_assert_int_eq(subnet_parse("10.250.3.0", &s), -1);
	ck_assert_int_eq(subnet_parse("10.250.3.0/31", &s), -1);
	ck_assert_int_eq(subnet_parse("10.250.3.0/x", &s), -1);
	ck_assert_int_eq(subnet_parse("300.1.1.0/24", &s), -1);
	struct subnet a, b, c;
	subnet_parse("10.250.0.0/16", &a);
	subnet_parse("10.250.3.0/24", &b);
	subnet_parse("10.251.3.0/24", &c);
	ck_assert(subnets_overlap(&a, &b) && subnets_overlap(&b, &a));
	ck_assert(!subnets_overlap(&b, &c));
	ck_assert(subnet_contains(&b, ip("10.250.3.254")) && !subnet_contains(&b, ip("10.250.4.1")));
}
END_TEST

START_TEST(allocator_gives_the_lowest_free_address_and_reuses_released_ones)
{
	struct subnet s;
	subnet_parse("10.250.3.0/24", &s);
	struct in_addr gw = subnet_gateway(&s), got;
	ck_assert_int_eq(ipam_pick(&s, gw, NULL, 0, &got), 0);
	ck_assert_uint_eq(got.s_addr, ip("10.250.3.2").s_addr);
	struct in_addr used[] = { ip("10.250.3.4"), ip("10.250.3.2"), ip("10.250.3.3") };
	ck_assert_int_eq(ipam_pick(&s, gw, used, 3, &got), 0);
	ck_assert_uint_eq(got.s_addr, ip("10.250.3.5").s_addr);
	/* .3 released: it comes back first */
	struct in_addr after_release[] = { ip("10.250.3.4"), ip("10.250.3.2") };
	ck_assert_int_eq(ipam_pick(&s, gw, after_release, 2, &got), 0);
	ck_assert_uint_eq(got.s_addr, ip("10.250.3.3").s_addr);
}
END_TEST

START_TEST(allocator_never_hands_out_network_gateway_or_broadcast_and_reports_exhaustion)
{
	struct subnet s;
	subnet_parse("10.250.3.0/29", &s); /* .0 network, .1 gateway, .2-.6 hosts, .7 broadcast */
	struct in_addr gw = subnet_gateway(&s), used[8];
	size_t n = 0;
	for (int i = 0; i < 8; i++) {
		struct in_addr got;
		if (ipam_pick(&s, gw, used, n, &got) < 0)
			break;
		ck_assert(got.s_addr != s.network.s_addr && got.s_addr != gw.s_addr);
		ck_assert(got.s_addr != ip("10.250.3.7").s_addr);
		used[n++] = got;
	}
	ck_assert_uint_eq(n, 5);
	struct in_addr got;
	ck_assert_int_eq(ipam_pick(&s, gw, used, n, &got), -1);
	ck_assert_int_eq(error_errno(), ENOSPC);
	ck_assert_str_eq(error_message(), "no free address left in subnet 10.250.3.0/29: No space left on device");
}
END_TEST

static const char TABLE[] = "10.250.3.2 4242 veth4f2a1b3 4f2a1b3c9d0e11 web www api\n"
			    "10.250.3.3 4243 veth77c0de5 77c0de5a1b2c33 - \n";

START_TEST(endpoints_file_round_trips_and_rejects_bad_lines_with_their_number)
{
	struct endpoint_table t;
	ck_assert_int_eq(endpoints_parse(TABLE, &t), 0);
	ck_assert_uint_eq(t.count, 2);
	ck_assert_str_eq(t.items[0].name, "web");
	ck_assert_uint_eq(t.items[0].alias_count, 2);
	ck_assert_str_eq(t.items[0].aliases[1], "api");
	ck_assert_str_eq(t.items[1].name, "");
	ck_assert_int_eq(t.items[1].pid, 4243);
	ck_assert_int_eq(endpoints_find(&t, "77c0de5a1b2c33"), 1);
	char *text = endpoints_format(&t);
	ck_assert_str_eq(text, "10.250.3.2 4242 veth4f2a1b3 4f2a1b3c9d0e11 web www api\n"
			       "10.250.3.3 4243 veth77c0de5 77c0de5a1b2c33 -\n");
	free(text);
	endpoints_remove_at(&t, 0);
	ck_assert_uint_eq(t.count, 1);
	ck_assert_str_eq(t.items[0].veth, "veth77c0de5");
	endpoints_free(&t);
	ck_assert_int_eq(endpoints_parse("10.250.3.2 4242 v a b\nnonsense\n", &t), -1);
	ck_assert_str_eq(error_message(), "line 2: expected ADDRESS PID VETH ID NAME [ALIAS...]");
	ck_assert_int_eq(endpoints_parse("10.250.3.x 1 v a b\n", &t), -1);
}
END_TEST

START_TEST(hosts_file_lists_localhost_itself_first_then_every_other_container)
{
	struct endpoint_table t;
	ck_assert_int_eq(endpoints_parse(TABLE, &t), 0);
	char *text = hosts_render("77c0de5a1b2c33", "shop", &t);
	ck_assert_str_eq(text, "# written by tinydock for the containers of network shop; rewritten when one joins or leaves\n"
			       "127.0.0.1\tlocalhost\n"
			       "::1\tlocalhost ip6-localhost ip6-loopback\n"
			       "10.250.3.3\t77c0de5a1b2c\n"
			       "10.250.3.2\tweb www api 4f2a1b3c9d0e\n");
	free(text);
	endpoints_free(&t);
}
END_TEST

START_TEST(hosts_file_is_rewritten_in_place_so_a_bind_mount_sees_the_change)
{
	char path[] = "/tmp/tinydock-hosts-test.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct stat before, after;
	ck_assert_int_eq(hosts_write(path, "10.250.3.2\tweb a-long-alias another-alias\n"), 0);
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(hosts_write(path, "10.250.3.3\tdb\n"), 0); /* shorter: the old tail must go */
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_uint_eq(before.st_ino, after.st_ino);
	char *text = read_file(path, NULL);
	ck_assert_str_eq(text, "10.250.3.3\tdb\n");
	free(text);
	unlink(path);
}
END_TEST

START_TEST(publish_accepts_dockers_three_forms)
{
	struct port_mapping p;
	char text[64];
	ck_assert_int_eq(port_mapping_parse("8080:80", &p), 0);
	port_mapping_format(&p, text, sizeof(text));
	ck_assert_str_eq(text, "0.0.0.0:8080->80/tcp");
	ck_assert_int_eq(port_mapping_parse("127.0.0.1:8081:8000/tcp", &p), 0);
	port_mapping_format(&p, text, sizeof(text));
	ck_assert_str_eq(text, "127.0.0.1:8081->8000/tcp");
	ck_assert_int_eq(port_mapping_parse("80", &p), 0);
	ck_assert_uint_eq(p.host_port, 0);
	ck_assert_uint_eq(p.container_port, 80);
	ck_assert_int_eq(port_mapping_parse("127.0.0.1::80", &p), 0);
	port_mapping_format(&p, text, sizeof(text));
	ck_assert_str_eq(text, "127.0.0.1:0->80/tcp");
	ck_assert_int_eq(port_mapping_parse("127.0.0.1:0:80", &p), 0);
	ck_assert_uint_eq(p.host_port, 0);
}
END_TEST

START_TEST(publish_refuses_bad_ports_udp_ranges_and_empty_fields_with_a_reason)
{
	struct port_mapping p;
	ck_assert_int_eq(port_mapping_parse("8080:80/udp", &p), -1);
	ck_assert_str_eq(error_message(),
			 "cannot publish \"8080:80/udp\": tinydock's port proxy forwards TCP only");
	ck_assert_int_eq(port_mapping_parse("8080-8090:80", &p), -1);
	ck_assert(strstr(error_message(), "ranges are not supported") != NULL);
	const char *bad[] = { "", "0", "65536", "x:80", "8080::80", ":80", "80:", "1.2.3:80:80", "a:b:c:d",
			      "8080:80/xyz", "[::1]:80:80", "8080:0", "::80", "1:2:3:4" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(port_mapping_parse(bad[i], &p) == -1, "\"%s\" was accepted", bad[i]);
}
END_TEST

Suite *network_suite(void)
{
	Suite *s = suite_create("02-namespaces network (unit)");
	TCase *t = tcase_create("network");
	tcase_add_test(t, new_addr_message_is_header_ifaddrmsg_and_three_attributes);
	tcase_add_test(t, veth_message_nests_the_peer_with_its_name_and_namespace);
	tcase_add_test(t, every_request_is_described_from_its_own_bytes);
	tcase_add_test(t, route_answers_decode_to_destination_prefix_table_and_link);
	tcase_add_test(t, a_message_that_does_not_fit_is_marked_and_never_overruns);
	tcase_add_test(t, error_answers_decode_to_errno_and_the_kernels_sentence);
	tcase_add_test(t, describing_and_decoding_garbage_never_reads_past_the_message);
	tcase_add_test(t, subnets_parse_with_zero_host_bits_and_say_what_to_write_instead);
	tcase_add_test(t, allocator_gives_the_lowest_free_address_and_reuses_released_ones);
	tcase_add_test(t, allocator_never_hands_out_network_gateway_or_broadcast_and_reports_exhaustion);
	tcase_add_test(t, endpoints_file_round_trips_and_rejects_bad_lines_with_their_number);
	tcase_add_test(t, hosts_file_lists_localhost_itself_first_then_every_other_container);
	tcase_add_test(t, hosts_file_is_rewritten_in_place_so_a_bind_mount_sees_the_change);
	tcase_add_test(t, publish_accepts_dockers_three_forms);
	tcase_add_test(t, publish_refuses_bad_ports_udp_ranges_and_empty_fields_with_a_reason);
	suite_add_tcase(s, t);
	return s;
}
