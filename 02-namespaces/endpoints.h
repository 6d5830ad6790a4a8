/*
 * endpoints.h - who is on a network: one line per connected container, parsed and written (pure).
 */
#ifndef TINYDOCK_ENDPOINTS_H
#define TINYDOCK_ENDPOINTS_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/types.h>

#define ENDPOINT_ALIASES_MAX 9 /* run: 8 --network-alias and the hostname */

struct endpoint {
	struct in_addr address;
	pid_t pid;           /* a process in the container's namespace: when it is gone, so is the endpoint */
	char veth[16];       /* the host end of its cable */
	char id[65];         /* container id */
	char name[64];       /* container name, "" if none */
	char aliases[ENDPOINT_ALIASES_MAX][64];
	size_t alias_count;
};

struct endpoint_table {
	struct endpoint *items;
	size_t count;
};

/* Parse the endpoints file: "ADDRESS PID VETH ID NAME [ALIAS...]" per line, NAME "-" when none.
 * Records "line N: ..." on a bad line. */
int endpoints_parse(const char *text, struct endpoint_table *out);

/* The file's text for t (malloc'd), or NULL. */
char *endpoints_format(const struct endpoint_table *t);

/* Append a copy of e; remove the entry at index i (order kept). */
int endpoints_add(struct endpoint_table *t, const struct endpoint *e);
void endpoints_remove_at(struct endpoint_table *t, size_t i);

/* The index of the endpoint of container id, or -1. */
long endpoints_find(const struct endpoint_table *t, const char *id);

void endpoints_free(struct endpoint_table *t);

#endif
