/*
 * chapter-02.c - the commands of chapter 02: containers in namespaces, their networks, their
 * seccomp filter.
 *
 * `run` here is chapter 02's alone: namespaces, pivot_root and PID 1, in the foreground. Later
 * chapters' tables give `run` a function of their own that calls this chapter's (the last row of
 * a name wins, command.h): chapter 03 adds -d and the record, 04 the overlay, 05 the image.
 */
#include "chapter-02.h"
#include "container.h"
#include "doctor-namespaces.h"
#include "network.h"
#include "proxy.h"
#include "security.h"

#include <stddef.h>

const struct command chapter_02_commands[] = {
	{ "run", cmd_run, "02-namespaces", "Run a command in a new container (namespaces, pivot_root, PID 1)" },
	{ "seccomp", cmd_seccomp, "02-namespaces", "Print a container's seccomp filter, instruction by instruction" },
	{ "network", cmd_network, "02-namespaces", "Manage networks: bridges, veth pairs, addresses" },
	{ "proxy", cmd_proxy, "02-namespaces", "Forward host ports to an address, as -p does (like docker-proxy)" },
	{ "doctor", cmd_doctor_02, "02-namespaces", NULL }, /* chapter 01's checks, then user namespaces and the bridge's subnet */
	{ NULL, NULL, NULL, NULL },
};
