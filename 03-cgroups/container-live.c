/*
 * container-live.c - the monitor's state.json, and the check that its writer still lives
 * (see container-live.h for why a pid alone cannot say so).
 *
 * /proc/PID/stat gives a process's start time in clock ticks since boot (proc(5), field 22).
 * Both files here live under TINYDOCK_RUN and are written atomically but without fsync
 * (write_file_atomic_nosync): they say which processes run, and a power cut ends every one of
 * them, so what they held has no meaning after it (a reader finds no live monitor either way).
 *
 * Read next: runtime.c, the monitor that writes this file.
 */
#include "container-live.h"
#include "container-store.h"
#include "error.h"
#include "files.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- live state ---------------------------------------------------------------------------- */

static void live_path(const char *id, const char *file, char *out, size_t size)
{
	char dir[PATH_MAX];
	container_run_dir(id, dir, sizeof(dir));
	snprintf(out, size, "%s/%s", dir, file);
}

int container_live_save(const char *id, const struct container_live *live)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], started[TIMESTAMP_SIZE], text[512];
	container_run_dir(id, dir, sizeof(dir));
	if (make_dirs(dir, 0700) < 0)
		return -1;
	timestamp_format(live->started_at, started);
	int length = snprintf(text, sizeof(text),
			      "{\"MonitorPid\": %d, \"MonitorStart\": %llu, \"Pid\": %d, \"PidStart\": %llu, "
			      "\"StartedAt\": \"%s\", \"Restarting\": %s}\n",
			      (int)live->monitor, live->monitor_start, (int)live->pid, live->pid_start, started,
			      live->restarting ? "true" : "false");
	live_path(id, "state.json", path, sizeof(path));
	return write_file_atomic_nosync(path, text, (size_t)length, 0600);
}

int container_live_load(const char *id, struct container_live *live)
{
	memset(live, 0, sizeof(*live));
	char path[PATH_MAX + 16];
	live_path(id, "state.json", path, sizeof(path));
	if (access(path, F_OK) < 0)
		return 1;
	struct json *doc = json_parse_file(path);
	if (!doc) {
		/* Removed between the two calls: no live state. */
		if (access(path, F_OK) < 0) {
			error_clear();
			return 1;
		}
		return -1;
	}
	live->monitor = (pid_t)stored_int(doc, "MonitorPid");
	live->monitor_start = (unsigned long long)stored_int(doc, "MonitorStart");
	live->pid = (pid_t)stored_int(doc, "Pid");
	live->pid_start = (unsigned long long)stored_int(doc, "PidStart");
	live->started_at = stored_time(doc, "StartedAt");
	live->restarting = stored_bool(doc, "Restarting");
	json_free(doc);
	return 0;
}

int container_live_clear(const char *id)
{
	char path[PATH_MAX + 16];
	live_path(id, "state.json", path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		return fail_sys("cannot remove \"%s\"", path);
	live_path(id, "stopping", path, sizeof(path));
	unlink(path);
	return 0;
}

int parse_stat_start_time(const char *stat, unsigned long long *start)
{
	/* "PID (comm) S PPID ...": comm may contain anything, so count fields after the LAST ')'.
	 * The state is field 3; starttime is field 22, i.e. the 20th after the ')'. */
	const char *p = strrchr(stat, ')');
	if (!p)
		return -1;
	p++;
	for (int field = 2; field < 21; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
	}
	char *end;
	errno = 0;
	*start = strtoull(p + 1, &end, 10);
	return errno || end == p + 1 ? -1 : 0;
}

int process_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], text[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	return parse_stat_start_time(text, start);
}

bool container_monitor_alive(const struct container_live *live)
{
	unsigned long long start;
	return live->monitor > 0 && process_start_time(live->monitor, &start) == 0 && start == live->monitor_start;
}

const char *container_state(const struct container_record *r, struct container_live *live)
{
	struct container_live ignored;
	if (!live)
		live = &ignored;
	if (container_live_load(r->id, live) == 0 && container_monitor_alive(live))
		return live->restarting ? "restarting" : "running";
	error_clear();
	memset(live, 0, sizeof(*live));
	if (strcmp(r->status, "created") == 0)
		return "created";
	return "exited";
}

int container_mark_stopping(const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	container_run_dir(id, dir, sizeof(dir));
	if (make_dirs(dir, 0700) < 0)
		return -1;
	live_path(id, "stopping", path, sizeof(path));
	return write_file_atomic_nosync(path, "", 0, 0600);
}

bool container_is_stopping(const char *id)
{
	char path[PATH_MAX + 16];
	live_path(id, "stopping", path, sizeof(path));
	return access(path, F_OK) == 0;
}
