/*
 * host-entries.h - `run --add-host NAME:IP`: lines of the container's /etc/hosts (pure).
 */
#ifndef TINYDOCK_HOST_ENTRIES_H
#define TINYDOCK_HOST_ENTRIES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* The word that stands for the address of the host, seen from the container. */
#define HOST_GATEWAY "host-gateway"

/* Check "NAME:IP" (or "NAME=IP", Compose's list form): NAME a host name, IP an IPv4 or IPv6
 * address or host-gateway. 0, or -1 with a message naming what is wrong. Pure. */
int host_entry_check(const char *text);

/* The hosts(5) lines for entries[0..count), "IP\tNAME\n" each, host-gateway replaced by
 * gateway (malloc'd text, "" for none), or NULL with the message. Pure. */
char *host_entries_render(const char *const *entries, size_t count, struct in_addr gateway);

#endif
