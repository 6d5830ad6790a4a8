/*
 * host-entries.c - `run --add-host NAME:IP`: names the container resolves without DNS (pure).
 *
 * `docker run --add-host db.local:10.0.0.5` adds the line "10.0.0.5	db.local" to the
 * container's /etc/hosts, which every resolver reads before asking a name server (hosts(5)).
 * The special address host-gateway stands for the host itself as the container reaches it:
 * the gateway of the container's network, the bridge's own address (a program in the
 * container talks to a server on the host through it). The lines are kept apart from the
 * network's names (hosts.c) and appended each time the network rewrites the file, so a
 * container joining later does not erase them.
 *
 * NAME is split from IP at the FIRST ':' (an IPv6 address has colons of its own: Docker's
 * `--add-host h:::1`), or at '=' (Compose's list form "name=ip").
 */
#include "host-entries.h"
#include "error.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where NAME ends: the first '=' or else the first ':'. */
static size_t name_length(const char *text)
{
	size_t equals = strcspn(text, "=");
	return text[equals] ? equals : strcspn(text, ":");
}

int host_entry_check(const char *text)
{
	size_t length = name_length(text);
	if (!text[length] || length == 0)
		return fail_errno(0, "invalid argument \"%s\" for --add-host: expected NAME:IP", text);
	for (size_t i = 0; i < length; i++)
		if (!isalnum((unsigned char)text[i]) && text[i] != '-' && text[i] != '.' && text[i] != '_')
			return fail_errno(0, "invalid argument \"%s\" for --add-host: \"%.*s\" is not a host name", text,
					  (int)length, text);
	const char *ip = text + length + 1;
	unsigned char address[sizeof(struct in6_addr)];
	if (strcmp(ip, HOST_GATEWAY) != 0 && inet_pton(AF_INET, ip, address) != 1 &&
	    inet_pton(AF_INET6, ip, address) != 1)
		return fail_errno(0, "invalid argument \"%s\" for --add-host: \"%s\" is not an IP address (or %s)", text, ip,
				  HOST_GATEWAY);
	return 0;
}

char *host_entries_render(const char *const *entries, size_t count, struct in_addr gateway)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f) {
		fail_errno(ENOMEM, "cannot list the --add-host names");
		return NULL;
	}
	char gateway_text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &gateway, gateway_text, sizeof(gateway_text));
	for (size_t i = 0; i < count; i++) {
		size_t length = name_length(entries[i]);
		const char *ip = entries[i][length] ? entries[i] + length + 1 : "";
		fprintf(f, "%s\t%.*s\n", strcmp(ip, HOST_GATEWAY) == 0 ? gateway_text : ip, (int)length, entries[i]);
	}
	if (fclose(f) != 0) {
		free(text);
		fail_errno(ENOMEM, "cannot list the --add-host names");
		return NULL;
	}
	return text;
}
