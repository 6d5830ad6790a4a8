/*
 * cgroup_cmd.h - `tinydock cgroup info` (which layout this machine has) and `tinydock cgroup run`
 * (one command in a fresh cgroup with Docker's limits, then its usage).
 */
#ifndef TINYDOCK_CGROUP_CMD_H
#define TINYDOCK_CGROUP_CMD_H

int cmd_cgroup(int argc, char **argv);

#endif
