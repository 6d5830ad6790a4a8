/*
 * users.h - `run -u USER[:GROUP]`: who the command runs as, from the container's own files.
 */
#ifndef TINYDOCK_USERS_H
#define TINYDOCK_USERS_H

#include <stddef.h>
#include <sys/types.h>

#define MAX_SUPPLEMENTARY_GROUPS 64

struct user_identity {
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_SUPPLEMENTARY_GROUPS]; /* supplementary groups (setgroups(2)) */
	size_t group_count;
	char home[256];
};

/* Check the form of a -u value: USER or USER:GROUP, each a name or a number (at most
 * 2147483647, as runc allows). Pure. */
int check_user_spec(const char *spec);

/* Resolve spec as Docker and runc do, against the text of the container's /etc/passwd and
 * /etc/group (NULL when a file is missing). Pure: returns 0, or -1 with a message naming the
 * user or group that is not there, or the file and line whose id is above 2147483647. */
int resolve_user(const char *spec, const char *passwd, const char *group, struct user_identity *out);

/* The same, reading /etc/passwd and /etc/group of the current root (after pivot_root), each
 * only if it is a regular file (not a symlink) of at most 4 MiB. */
int resolve_user_in_root(const char *spec, struct user_identity *out);

#endif
