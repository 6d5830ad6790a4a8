/*
 * system-info.c - `tinydock info`: the containers, the cgroup driver, the kernel and machine,
 * printed with `docker info`'s keys so a tutorial's screenshot reads the same.
 *
 * Docker asks its daemon; tinydock has none, so the facts come from where the daemon itself
 * reads them: the container store (running, paused, stopped), the cgroup mounts (Cgroup Driver
 * cgroupfs: tinydock writes the cgroup files itself, as dockerd's cgroupfs driver does, rather
 * than asking systemd), uname(2), /etc/os-release (os-release(5)), sysconf(3) and sysinfo(2).
 * On a hybrid machine Docker says "Cgroup Version: 1", since its containers' controllers are in
 * the v1 trees; tinydock says so too and adds the layout it found (cgroup_layout.h).
 */
#include "system-info.h"

#include "cgroup_layout.h"
#include "cli.h"
#include "container-view.h"
#include "error.h"
#include "files.h"
#include "humanize.h"

#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

/* PRETTY_NAME="Debian GNU/Linux 12 (bookworm)" from os-release(5): /etc/os-release, or
 * /usr/lib/os-release when the first is missing. */
static void read_os_name(char *out, size_t size)
{
	snprintf(out, size, "Linux");
	const char *paths[] = { "/etc/os-release", "/usr/lib/os-release" };
	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen(paths[i], "r");
		if (!f)
			continue;
		char line[512];
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "PRETTY_NAME=", 12) != 0)
				continue;
			char *value = line + 12;
			value[strcspn(value, "\n")] = '\0';
			size_t len = strlen(value);
			if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0]) {
				value[len - 1] = '\0';
				value++;
			}
			snprintf(out, size, "%s", value);
		}
		fclose(f);
		return;
	}
}

int system_info_gather(struct system_info *info)
{
	memset(info, 0, sizeof(*info));
	struct view *views;
	size_t count;
	if (load_all(&views, &count) < 0)
		return -1;
	info->containers = (long)count;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(views[i].state, "paused") == 0)
			info->paused++;
		else if (is_running(&views[i]))
			info->running++;
		else
			info->stopped++;
	}
	free_views(views, count);

	struct cgroup_layout layout;
	if (cgroup_detect(NULL, &layout) == 0) {
		snprintf(info->cgroup_version, sizeof(info->cgroup_version), "%s", layout.mode == CGROUP_V2 ? "2" : "1");
		snprintf(info->cgroup_layout, sizeof(info->cgroup_layout), "%s", cgroup_mode_name(layout.mode));
	} else {
		error_clear(); /* no cgroups mounted: say so in the report, not as a failure */
	}
	struct utsname u;
	if (uname(&u) == 0) {
		snprintf(info->kernel, sizeof(info->kernel), "%s", u.release);
		snprintf(info->arch, sizeof(info->arch), "%s", u.machine);
		snprintf(info->name, sizeof(info->name), "%s", u.nodename);
	}
	read_os_name(info->os, sizeof(info->os));
	info->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct sysinfo si;
	if (sysinfo(&si) == 0)
		info->memory = (unsigned long long)si.totalram * si.mem_unit;
	snprintf(info->root, sizeof(info->root), "%s", state_root());
	return 0;
}

void system_info_print(FILE *out, const struct system_info *info, const struct system_info_more *more)
{
	char memory[32];
	human_memory(info->memory, memory, sizeof(memory));
	fprintf(out, "Server:\n");
	fprintf(out, " Containers: %ld\n  Running: %ld\n  Paused: %ld\n  Stopped: %ld\n", info->containers,
		info->running, info->paused, info->stopped);
	if (more && more->images >= 0)
		fprintf(out, " Images: %ld\n", more->images);
	fprintf(out, " Server Version: tinydock %s (no daemon: this process)\n", TINYDOCK_VERSION);
	if (more && more->storage_driver)
		fprintf(out, " Storage Driver: %s\n", more->storage_driver);
	if (info->cgroup_version[0])
		fprintf(out, " Cgroup Driver: cgroupfs\n Cgroup Version: %s (layout: %s)\n", info->cgroup_version,
			info->cgroup_layout);
	else
		fprintf(out, " Cgroup Driver: none (no cgroup file system is mounted)\n");
	fprintf(out, " Kernel Version: %s\n", info->kernel);
	fprintf(out, " Operating System: %s\n", info->os);
	fprintf(out, " OSType: linux\n");
	fprintf(out, " Architecture: %s\n", info->arch);
	fprintf(out, " CPUs: %ld\n", info->cpus);
	fprintf(out, " Total Memory: %s\n", memory);
	fprintf(out, " Name: %s\n", info->name);
	fprintf(out, " Tinydock Root Dir: %s\n", info->root);
}

int system_info_command(int argc, char **argv, const struct system_info_more *more)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock info\n\nDisplay system-wide information\n");
	if (argc > 1)
		return usage_error(argv[0], "accepts no arguments");
	struct system_info info;
	if (system_info_gather(&info) < 0)
		return command_failed("info");
	system_info_print(stdout, &info, more);
	return 0;
}

int cmd_info(int argc, char **argv)
{
	static const struct system_info_more containers_only = { NULL, -1 };
	return system_info_command(argc, argv, &containers_only);
}

static const struct command_alias system_rows[] = {
	{ "info", "info", NULL, "Display system-wide information" },
	{ NULL, NULL, NULL, NULL },
};

const struct command_group system_group = { .name = "system", .summary = "Manage tinydock", .rows = system_rows };

int cmd_system(int argc, char **argv)
{
	return command_group_run(&system_group, command_tables(), argc, argv);
}
