/*
 * ipam.c - which address does the next container get? (IP address management)
 *
 * Lecture: "every container on a bridge gets its own IP address from the network's
 * subnet". A subnet such as 10.250.3.0/24 is a 32-bit prefix: the first 24 bits name
 * the network, the last 8 number its hosts. Two numbers are not for hosts: all host bits
 * 0 (the network itself) and all 1 (broadcast). The first host, .1, is the gateway: the
 * bridge's own address. Containers get the lowest address nobody holds, so addresses are
 * small and predictable (172.30.0.2, .3, ...) and return to the pool when a container
 * goes, exactly as Docker's default IPAM driver hands them out.
 *
 * This file is pure: the caller passes the addresses in use (network.c reads them from
 * the endpoints file under a lock), so exhaustion and reuse are unit-tested without root.
 * Read endpoints.c next: where the addresses in use are written down.
 */
#include "ipam.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t mask_of(int prefix)
{
	return prefix ? ~0u << (32 - prefix) : 0;
}

int subnet_parse(const char *cidr, struct subnet *out)
{
	char ip[INET_ADDRSTRLEN];
	const char *slash = strchr(cidr, '/');
	if (!slash || (size_t)(slash - cidr) >= sizeof(ip))
		return fail_errno(0, "invalid subnet \"%s\": expected an IPv4 CIDR such as 10.250.3.0/24", cidr);
	memcpy(ip, cidr, (size_t)(slash - cidr));
	ip[slash - cidr] = '\0';
	struct in_addr address;
	char *end;
	long prefix = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET, ip, &address) != 1 || slash[1] == '\0' || *end != '\0')
		return fail_errno(0, "invalid subnet \"%s\": expected an IPv4 CIDR such as 10.250.3.0/24", cidr);
	if (prefix < 8 || prefix > 30)
		return fail_errno(0, "invalid subnet \"%s\": the prefix length must be between 8 and 30", cidr);
	uint32_t host = ntohl(address.s_addr);
	if (host & ~mask_of((int)prefix)) {
		struct in_addr network = { .s_addr = htonl(host & mask_of((int)prefix)) };
		char fixed[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &network, fixed, sizeof(fixed));
		return fail_errno(0, "invalid subnet \"%s\": it should be %s/%ld", cidr, fixed, prefix);
	}
	out->network = address;
	out->prefix = (int)prefix;
	return 0;
}

void subnet_format(const struct subnet *s, char *out, size_t size)
{
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &s->network, ip, sizeof(ip));
	snprintf(out, size, "%s/%d", ip, s->prefix);
}

struct in_addr subnet_gateway(const struct subnet *s)
{
	return (struct in_addr){ .s_addr = htonl(ntohl(s->network.s_addr) + 1) };
}

bool subnet_contains(const struct subnet *s, struct in_addr address)
{
	return (ntohl(address.s_addr) & mask_of(s->prefix)) == ntohl(s->network.s_addr);
}

bool subnets_overlap(const struct subnet *a, const struct subnet *b)
{
	/* Two prefixes overlap when the shorter one contains the other's network. */
	int shorter = a->prefix < b->prefix ? a->prefix : b->prefix;
	return ((ntohl(a->network.s_addr) ^ ntohl(b->network.s_addr)) & mask_of(shorter)) == 0;
}

static int compare_hosts(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int ipam_pick(const struct subnet *s, struct in_addr gateway, const struct in_addr *used, size_t n,
	      struct in_addr *out)
{
	/* Sort the taken addresses (and the gateway) in host order, then walk the subnet from
	 * its first host: the first number not matched by the sorted list is free. */
	uint32_t *taken = malloc((n + 1) * sizeof(*taken));
	if (!taken)
		return fail_errno(ENOMEM, "cannot allocate an address");
	for (size_t i = 0; i < n; i++)
		taken[i] = ntohl(used[i].s_addr);
	taken[n] = ntohl(gateway.s_addr);
	qsort(taken, n + 1, sizeof(*taken), compare_hosts);
	uint32_t first = ntohl(s->network.s_addr) + 1;
	uint32_t broadcast = ntohl(s->network.s_addr) | ~mask_of(s->prefix);
	size_t i = 0;
	int rc = -1;
	for (uint32_t candidate = first; candidate < broadcast; candidate++) {
		while (i <= n && taken[i] < candidate)
			i++;
		if (i <= n && taken[i] == candidate)
			continue;
		out->s_addr = htonl(candidate);
		rc = 0;
		break;
	}
	free(taken);
	if (rc < 0) {
		char cidr[32];
		subnet_format(s, cidr, sizeof(cidr));
		return fail_errno(ENOSPC, "no free address left in subnet %s", cidr);
	}
	return 0;
}
