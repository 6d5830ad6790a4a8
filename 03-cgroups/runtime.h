/*
 * runtime.h - chapter 03's part of `tinydock run` (run-extension.h): -d and its monitor, --name,
 * --rm, --restart, the resource limits, the container's record and its cgroup.
 *
 * And the commands on recorded containers: ps, logs, wait, inspect, rename, port
 * (container-commands.c); stop, kill, start, restart, rm, container prune (container-lifecycle.c);
 * exec (container-exec.c); stats, top (container-stats.c).
 */
#ifndef TINYDOCK_RUNTIME_H
#define TINYDOCK_RUNTIME_H

#include "run-extension.h"

extern const struct run_extension runtime_run_extension;

int cmd_ps(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_container(int argc, char **argv);

#endif
