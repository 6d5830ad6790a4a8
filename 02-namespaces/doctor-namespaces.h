/*
 * doctor-namespaces.h - chapter 02's checks for `tinydock doctor`: user namespaces and a free
 * subnet for the default bridge (01-chroot/doctor.h).
 */
#ifndef TINYDOCK_DOCTOR_NAMESPACES_H
#define TINYDOCK_DOCTOR_NAMESPACES_H

#include "doctor.h"
#include "ipam.h"

#include <stdbool.h>
#include <stddef.h>

/* One line of the routing table: a destination subnet and the link that reaches it. */
struct route_fact {
	char link[16];
	struct in_addr network;
	int prefix;
};

#define DOCTOR_MAX_ROUTES 64

struct namespace_facts {
	bool root;
	long max_user_namespaces;      /* user.max_user_namespaces; -1: no such file (no CONFIG_USER_NS) */
	int unprivileged_userns_clone; /* Debian's kernel.unprivileged_userns_clone; -1: not this kernel */
	int apparmor_restricts_userns; /* kernel.apparmor_restrict_unprivileged_userns; -1: absent */
	char bridge[16];               /* TINYDOCK_BRIDGE or tinydock0 */
	char bridge_subnet[32];        /* TINYDOCK_BRIDGE_SUBNET or 172.30.0.0/16 */
	struct route_fact routes[DOCTOR_MAX_ROUTES];
	size_t route_count;
};

/* Pure: the routes of /proc/net/route's text (one header line, then Iface, Destination, Gateway,
 * Flags, RefCnt, Use, Metric, Mask, ...: addresses as the hex of their bytes in memory).
 * Returns how many were stored, at most max. */
size_t doctor_parse_routes(const char *text, struct route_fact *routes, size_t max);

/* Pure: what chapter 02's facts mean. */
void doctor_judge_namespaces(const struct namespace_facts *facts, struct doctor_report *r);

/* Read chapter 02's facts from /proc/sys and /proc/net/route. */
void doctor_read_namespaces(struct namespace_facts *facts);

/* Chapters 01 and 02's checks. */
void doctor_examine_02(struct doctor_report *r);

/* tinydock doctor, as build/ch02/tinydock has it */
int cmd_doctor_02(int argc, char **argv);

#endif
