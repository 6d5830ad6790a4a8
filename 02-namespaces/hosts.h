/*
 * hosts.h - the /etc/hosts and /etc/resolv.conf that a container sees.
 */
#ifndef TINYDOCK_HOSTS_H
#define TINYDOCK_HOSTS_H

#include "endpoints.h"

/* The hosts file for container self_id on a network with these endpoints (malloc'd text):
 * localhost, then its own line first, then every other container's name and aliases. */
char *hosts_render(const char *self_id, const char *network, const struct endpoint_table *t);

/* Replace the content of path with text in place (keeping the inode a bind mount holds). */
int hosts_write(const char *path, const char *text);

/* Copy the host's resolv.conf to path; when it names only a local stub resolver (127.0.0.53,
 * systemd-resolved), copy the real upstream list instead, as Docker does. The copy is the
 * container's runtime state (under TINYDOCK_RUN): atomic, without fsync (atomic-file.h). */
int resolv_conf_copy(const char *path);

#endif
