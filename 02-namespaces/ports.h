/*
 * ports.h - `-p` published ports: HOSTPORT:CONTAINERPORT[/tcp], IP:HOSTPORT:CONTAINERPORT, CONTAINERPORT.
 */
#ifndef TINYDOCK_PORTS_H
#define TINYDOCK_PORTS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct port_mapping {
	struct in_addr host_ip; /* 0.0.0.0 when not given: every host address */
	uint16_t host_port;     /* 0: the kernel picks a free one when the proxy binds */
	uint16_t container_port;
};

/* Parse one -p value as Docker does (TCP only; UDP and ranges are refused with a reason). */
int port_mapping_parse(const char *spec, struct port_mapping *out);

/* "0.0.0.0:8080->80/tcp", as `docker ps` shows it. */
void port_mapping_format(const struct port_mapping *p, char *out, size_t size);

#endif
