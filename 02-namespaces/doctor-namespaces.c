/*
 * doctor-namespaces.c - chapter 02's checks: user namespaces, and room for the default bridge.
 *
 * User namespaces (`run --userns`) can be switched off in three places, and lab VMs meet each:
 *   user.max_user_namespaces = 0          no process may make one, root included
 *                                         (user_namespaces(7), /proc/sys/user)
 *   kernel.unprivileged_userns_clone = 0  Debian's patch: only root may make one
 *   kernel.apparmor_restrict_unprivileged_userns = 1
 *                                         Ubuntu 24.04: an unprivileged process may make one, but
 *                                         gets no capabilities in it unless an AppArmor profile
 *                                         allows it
 * The last two stop only users other than root, so they matter to a student who runs tinydock
 * without sudo, not to the labs run as root.
 *
 * The default bridge takes 172.30.0.0/16. A host whose own network (a campus VPN, a cloud VPC)
 * routes part of that range through another link would have its traffic to those addresses
 * sent into the bridge instead: the routing table says whether that is so, before a lab does.
 *
 * Read next: 03-cgroups/doctor-cgroups.c.
 */
#include "doctor-namespaces.h"
#include "error.h"
#include "files.h"
#include "network.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHAPTER "02-namespaces"

size_t doctor_parse_routes(const char *text, struct route_fact *routes, size_t max)
{
	size_t count = 0;
	const char *line = strchr(text, '\n'); /* past the header */
	while (line && *++line && count < max) {
		char link[16];
		unsigned destination, gateway, flags, refcnt, use, metric, mask;
		if (sscanf(line, "%15s %x %x %x %u %u %u %x", link, &destination, &gateway, &flags, &refcnt, &use,
			   &metric, &mask) == 8) {
			struct route_fact *route = &routes[count++];
			snprintf(route->link, sizeof(route->link), "%s", link);
			route->network.s_addr = destination; /* the bytes as in memory: network order */
			route->prefix = __builtin_popcount(mask);
		}
		line = strchr(line, '\n');
	}
	return count;
}

static void judge_user_namespaces(const struct namespace_facts *f, struct doctor_report *r)
{
	if (f->max_user_namespaces < 0)
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "a kernel built with CONFIG_USER_NS=y",
			   "user namespaces: this kernel has none (no /proc/sys/user/max_user_namespaces)");
	else if (f->max_user_namespaces == 0)
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "sudo sysctl -w user.max_user_namespaces=15000",
			   "user namespaces: switched off (user.max_user_namespaces = 0): run --userns fails");
	else
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "user namespaces: allowed (user.max_user_namespaces = %ld)",
			   f->max_user_namespaces);

	/* Without root, a user namespace is the only way in: then these two decide. */
	enum doctor_verdict unprivileged = f->root ? DOCTOR_OPTIONAL : DOCTOR_MISSING;
	bool restricted = false;
	if (f->unprivileged_userns_clone == 0) {
		restricted = true;
		doctor_add(r, CHAPTER, unprivileged, "sudo sysctl -w kernel.unprivileged_userns_clone=1",
			   "unprivileged user namespaces: only root may make one (kernel.unprivileged_userns_clone = 0)%s",
			   f->root ? "; as root, the labs are not affected" : "");
	}
	if (f->apparmor_restricts_userns == 1) {
		restricted = true;
		doctor_add(r, CHAPTER, unprivileged, "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0",
			   "unprivileged user namespaces: restricted by AppArmor "
			   "(kernel.apparmor_restrict_unprivileged_userns = 1, as Ubuntu 24.04 ships)%s",
			   f->root ? "; as root, the labs are not affected" : "");
	}
	if (!restricted && f->max_user_namespaces > 0)
		doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "unprivileged user namespaces: not restricted");
}

static void judge_bridge_subnet(const struct namespace_facts *f, struct doctor_report *r)
{
	struct subnet wanted;
	if (subnet_parse(f->bridge_subnet, &wanted) < 0) {
		error_clear(); /* said below, in doctor's words */
		doctor_add(r, CHAPTER, DOCTOR_MISSING, "unset TINYDOCK_BRIDGE_SUBNET, or give it a.b.c.d/N",
			   "bridge subnet: \"%s\" is not a subnet", f->bridge_subnet);
		return;
	}
	for (size_t i = 0; i < f->route_count; i++) {
		const struct route_fact *route = &f->routes[i];
		struct subnet routed = { .network = route->network, .prefix = route->prefix };
		/* The default route (prefix 0) covers every address, but only as a last resort: a
		 * more specific route, such as the bridge's own, wins over it. Our own bridge's
		 * route is the subnet already in use by tinydock, as it should be. */
		if (route->prefix == 0 || strcmp(route->link, f->bridge) == 0)
			continue;
		if (subnets_overlap(&wanted, &routed)) {
			char taken[32];
			subnet_format(&routed, taken, sizeof(taken));
			doctor_add(r, CHAPTER, DOCTOR_MISSING,
				   "export TINYDOCK_BRIDGE_SUBNET=10.199.0.0/16 (any /16 the host does not route)",
				   "bridge subnet: %s for %s overlaps %s, routed through %s", f->bridge_subnet,
				   f->bridge, taken, route->link);
			return;
		}
	}
	doctor_add(r, CHAPTER, DOCTOR_OK, NULL, "bridge subnet: %s for %s is free on this host", f->bridge_subnet,
		   f->bridge);
}

void doctor_judge_namespaces(const struct namespace_facts *f, struct doctor_report *r)
{
	judge_user_namespaces(f, r);
	judge_bridge_subnet(f, r);
}

/* A number from a /proc/sys file; -1 when the file does not exist on this kernel. */
static long read_sysctl(const char *path)
{
	FILE *in = fopen(path, "re");
	if (!in)
		return -1;
	long value = -1;
	if (fscanf(in, "%ld", &value) != 1)
		value = -1;
	fclose(in);
	return value;
}

static void copy_setting(char *out, size_t size, const char *variable, const char *fallback)
{
	const char *value = getenv(variable);
	snprintf(out, size, "%s", value && *value ? value : fallback);
}

void doctor_read_namespaces(struct namespace_facts *f)
{
	f->root = geteuid() == 0;
	f->max_user_namespaces = read_sysctl("/proc/sys/user/max_user_namespaces");
	f->unprivileged_userns_clone = (int)read_sysctl("/proc/sys/kernel/unprivileged_userns_clone");
	f->apparmor_restricts_userns = (int)read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	copy_setting(f->bridge, sizeof(f->bridge), "TINYDOCK_BRIDGE", DEFAULT_BRIDGE);
	copy_setting(f->bridge_subnet, sizeof(f->bridge_subnet), "TINYDOCK_BRIDGE_SUBNET", DEFAULT_BRIDGE_SUBNET);

	size_t size;
	char *routes = read_file("/proc/net/route", &size);
	if (routes)
		f->route_count = doctor_parse_routes(routes, f->routes, DOCTOR_MAX_ROUTES);
	else
		error_clear(); /* no routing table to read: no route can be in the way */
	free(routes);
}

void doctor_examine_02(struct doctor_report *r)
{
	doctor_examine_01(r);
	struct namespace_facts facts = { .route_count = 0 };
	doctor_read_namespaces(&facts);
	doctor_judge_namespaces(&facts, r);
}

int cmd_doctor_02(int argc, char **argv)
{
	return doctor_command(argc, argv, doctor_examine_02);
}
