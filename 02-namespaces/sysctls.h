/*
 * sysctls.h - `run --sysctl KEY=VALUE`: which kernel parameters a container may set (pure).
 */
#ifndef TINYDOCK_SYSCTLS_H
#define TINYDOCK_SYSCTLS_H

#include <stdbool.h>
#include <stddef.h>

/* The namespace a sysctl belongs to, and so what the container needs of its own to set it. */
enum sysctl_namespace {
	SYSCTL_NET, /* net.*: the container's network namespace */
	SYSCTL_IPC, /* kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*: its IPC namespace */
};

/* Split "KEY=VALUE" (KEY with dots, as sysctl(8) names it) and say which namespace KEY is in.
 * own_network: the container has a network namespace of its own (not --network host).
 * 0, or -1 with a message that says why KEY may not be set from a container. Pure. */
int sysctl_check(const char *text, bool own_network, enum sysctl_namespace *ns);

/* /proc/sys/net/ipv4/ip_unprivileged_port_start for "net.ipv4.ip_unprivileged_port_start=0",
 * and the value after the '='. -1 with a message when it does not fit. Pure. */
int sysctl_path(const char *text, char *path, size_t size, const char **value);

#endif
