/*
 * chapter-03.c - the commands of chapter 03: cgroups, and containers that live on after the
 * command that started them (state, monitor, logs).
 */
#include "cgroup_cmd.h"
#include "container-pause.h"
#include "chapter-03.h"
#include "device-cgroup.h"
#include "doctor-cgroups.h"
#include "network-format.h"
#include "runtime.h"
#include "system-info.h"

#include <stddef.h>

const struct command chapter_03_commands[] = {
	{ "cgroup", cmd_cgroup, "03-cgroups", "Show the cgroup layout (info), run a command under limits (run)" },
	{ "devices", cmd_devices, "03-cgroups", "Print a container's device rules and its v2 device program" },
	{ "ps", cmd_ps, "03-cgroups", "List containers" },
	{ "logs", cmd_logs, "03-cgroups", "Fetch the logs of a container" },
	{ "stop", cmd_stop, "03-cgroups", "Stop one or more running containers (SIGTERM, then SIGKILL)" },
	{ "kill", cmd_kill, "03-cgroups", "Send a signal to one or more running containers" },
	{ "run", runtime_cmd_run, "03-cgroups", NULL }, /* chapter 02's run, with -d, --name, limits, a record */
	{ "create", runtime_cmd_run, "03-cgroups", "Create a new container, recorded but not started (run's flags; then start)" },
	{ "start", cmd_start, "03-cgroups", "Start one or more stopped containers" },
	{ "restart", cmd_restart, "03-cgroups", "Restart one or more containers" },
	{ "rm", cmd_rm, "03-cgroups", "Remove one or more containers" },
	{ "wait", cmd_wait, "03-cgroups", "Block until containers stop, then print their exit codes" },
	{ "exec", cmd_exec, "03-cgroups", "Run a command in a running container (setns)" },
	{ "inspect", cmd_inspect, "03-cgroups", "Show low-level information on containers (JSON)" },
	{ "stats", cmd_stats, "03-cgroups", "Show containers' resource usage, read from their cgroups" },
	{ "top", cmd_top, "03-cgroups", "Show the processes of a container" },
	{ "rename", cmd_rename, "03-cgroups", "Rename a container" },
	{ "port", cmd_port, "03-cgroups", "List the published ports of a container" },
	{ "attach", cmd_attach, "03-cgroups", "Attach to a running container's output until it ends (its log, as it grows)" },
	{ "pause", cmd_pause, "03-cgroups", "Pause all processes within one or more containers (cgroup freezer)" },
	{ "unpause", cmd_unpause, "03-cgroups", "Unpause all processes within one or more containers" },
	{ "container", cmd_container, "03-cgroups", "Manage containers (ls, start, stop, rm, prune, ...)" },
	{ "info", cmd_info, "03-cgroups", "Display system-wide information" },
	{ "system", cmd_system, "03-cgroups", "Manage tinydock (info; df and prune from chapter 05)" },
	{ "doctor", cmd_doctor_03, "03-cgroups", NULL }, /* and the cgroup layout, controller by controller */
	/* chapter 02's network, with ls --format/--filter and inspect -f (templates need JSON) */
	{ "network", cmd_network_formatted, "03-cgroups", NULL },
	{ NULL, NULL, NULL, NULL },
};
