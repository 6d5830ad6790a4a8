/*
 * ipam.h - subnets and picking a free address in one (IP address management), pure.
 */
#ifndef TINYDOCK_IPAM_H
#define TINYDOCK_IPAM_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

struct subnet {
	struct in_addr network; /* host bits zero */
	int prefix;             /* 8..30: room for the gateway and at least one container */
};

/* Parse "10.250.3.0/24"; host bits must be zero (as Docker insists). Records the problem. */
int subnet_parse(const char *cidr, struct subnet *out);

/* "10.250.3.0/24" */
void subnet_format(const struct subnet *s, char *out, size_t size);

/* The first host of the subnet: 10.250.3.1, where the bridge sits. */
struct in_addr subnet_gateway(const struct subnet *s);

bool subnet_contains(const struct subnet *s, struct in_addr address);
bool subnets_overlap(const struct subnet *a, const struct subnet *b);

/* The lowest address of s that is not the network, broadcast, gateway or one of used[0..n);
 * -1 with ENOSPC (and a message) when every address is taken. */
int ipam_pick(const struct subnet *s, struct in_addr gateway, const struct in_addr *used, size_t n,
	      struct in_addr *out);

#endif
