/*
 * cgroup_info.h - `tinydock cgroup info`: which cgroup layout this machine has, and its controllers.
 */
#ifndef TINYDOCK_CGROUP_INFO_H
#define TINYDOCK_CGROUP_INFO_H

int cmd_cgroup(int argc, char **argv);

#endif
