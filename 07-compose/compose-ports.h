/*
 * compose-ports.h - a service's `ports:`, short and long syntax, as the Compose specification
 * defines them (spec.md, "ports").
 *
 * Short syntax, one string:   [HOST_IP:][PUBLISHED[-END]:]TARGET[-END][/PROTOCOL]
 *
 *     "80"                    the container's port 80, published on a port the kernel picks
 *     "5000:80"               host port 5000 to container port 80 (the lecture's website)
 *     "127.0.0.1:5000:80"     only on the loopback address
 *     "[::1]:5000:80"         an IPv6 address, in brackets
 *     "9090-9091:8080-8081"   a range: as many host ports as container ports
 *     "53:53/udp"             UDP instead of TCP
 *
 * Long syntax, a mapping: target, published (a number or a "PORT[-END]" string), host_ip,
 * protocol (tcp|udp), mode (host|ingress), name, app_protocol. Write ports in quotes: YAML 1.1
 * read 22:22 as the base-60 number 1342, and files written for it still quote them. Pure.
 */
#ifndef TINYDOCK_COMPOSE_PORTS_H
#define TINYDOCK_COMPOSE_PORTS_H

#include "yaml.h"

/* One mapping of container ports to host ports; a range counts as one mapping. */
struct compose_port {
	char *host_ip;              /* NULL: every address */
	unsigned target, target_end;          /* target_end == target for one port */
	unsigned published, published_end;    /* 0: the kernel picks a free port */
	char protocol[4];           /* "tcp" or "udp" */
	char *mode;                 /* long syntax's mode, NULL when not given ("ingress") */
};

/* Parse a short-syntax string into *port. Returns 0, or -1 with the problem recorded. */
int compose_port_parse(const char *text, struct compose_port *port);

/* Read one item of `ports:` (a string, a number, or a long-syntax mapping). Returns 0, or -1
 * with "FILE:LINE:COLUMN: problem" recorded. */
int compose_port_read(const char *file, const struct yaml_node *item, struct compose_port *port);

void compose_port_free(struct compose_port *port);

#endif
