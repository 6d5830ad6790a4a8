/*
 * ports.c - reading `-p`: which host port leads to which container port.
 *
 * Lecture: "docker run -p 8080:80 nginx publishes the container's port 80 on the
 * host's port 8080". The forms are Docker's (docker run --help, "--publish"):
 *
 *     -p 8080:80            every host address, port 8080 -> container port 80
 *     -p 127.0.0.1:8080:80  only on 127.0.0.1
 *     -p 80                 a free host port chosen by the kernel (see `tinydock port`);
 *                           so do -p 0:80 and -p 127.0.0.1::80
 *     -p 8080:80/tcp        the protocol; tinydock's proxy speaks TCP only
 *
 * Pure parsing, unit-tested. Read proxy.c next: it does the publishing.
 */
#include "ports.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *spec, const char *text, bool zero_ok, uint16_t *out)
{
	char *end;
	if (text[0] < '0' || text[0] > '9')
		return fail_errno(0, "invalid port \"%s\" in \"%s\"", text, spec);
	long v = strtol(text, &end, 10);
	if (*end == '-')
		return fail_errno(0, "port ranges are not supported: \"%s\"", spec);
	if (*end != '\0' || v > 65535 || (v == 0 && !zero_ok))
		return fail_errno(0, "invalid port \"%s\" in \"%s\": expected 1-65535", text, spec);
	*out = (uint16_t)v;
	return 0;
}

int port_mapping_parse(const char *spec, struct port_mapping *out)
{
	char copy[128];
	if (snprintf(copy, sizeof(copy), "%s", spec) >= (int)sizeof(copy) || copy[0] == '\0')
		return fail_errno(0, "invalid published port \"%s\"", spec);
	memset(out, 0, sizeof(*out));
	out->host_ip.s_addr = htonl(INADDR_ANY);
	char *proto = strchr(copy, '/');
	if (proto) {
		*proto++ = '\0';
		if (strcmp(proto, "udp") == 0 || strcmp(proto, "sctp") == 0)
			return fail_errno(0, "cannot publish \"%s\": tinydock's port proxy forwards TCP only", spec);
		if (strcmp(proto, "tcp") != 0)
			return fail_errno(0, "invalid protocol \"%s\" in \"%s\"", proto, spec);
	}
	if (copy[0] == '[')
		return fail_errno(0, "cannot publish \"%s\": IPv6 host addresses are not supported", spec);
	/* Split on ':' keeping empty fields: "127.0.0.1::80" has an empty host port. */
	char *part[3];
	size_t n = 0;
	for (char *field = copy;; n++) {
		if (n == 3)
			return fail_errno(0, "invalid published port \"%s\": expected [IP:]HOSTPORT:CONTAINERPORT", spec);
		part[n] = field;
		char *colon = strchr(field, ':');
		if (!colon) {
			n++;
			break;
		}
		*colon = '\0';
		field = colon + 1;
	}
	if (n == 3 && inet_pton(AF_INET, part[0], &out->host_ip) != 1)
		return fail_errno(0, "invalid host address \"%s\" in \"%s\"", part[0], spec);
	/* The host port may be 0, or empty after an address ("IP::80"): the kernel picks one. */
	if (n == 3 && part[1][0] == '\0')
		out->host_port = 0;
	else if (n >= 2 && parse_port(spec, part[n - 2], true, &out->host_port) < 0)
		return -1;
	return parse_port(spec, part[n - 1], false, &out->container_port);
}

void port_mapping_format(const struct port_mapping *p, char *out, size_t size)
{
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	snprintf(out, size, "%s:%u->%u/tcp", ip, p->host_port, p->container_port);
}
