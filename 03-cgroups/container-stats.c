/*
 * container-stats.c - `tinydock stats` and `tinydock top`: what a container uses and runs, read
 * from its cgroup (the cgroup is also the accounting).
 *
 * The cgroup that fences a container in also counts for it: memory.current (v2) or
 * memory.usage_in_bytes (v1), the CPU time of all its processes (cpu.stat usage_usec, or
 * cpuacct.usage), pids.current, and cgroup.procs lists its processes (cgroup_stats.h). CPU % is
 * not stored anywhere: it is CPU time used between two readings divided by the wall time
 * between them, as `docker stats` computes it (100% = one CPU busy).
 */
#include "runtime.h"
#include "cgroup.h"
#include "cgroup_stats.h"
#include "cli.h"
#include "container-store.h"
#include "error.h"
#include "format-output.h"
#include "humanize.h"
#include "json.h"
#include "ps-format.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char stats_help[] =
	"Usage:  tinydock stats [OPTIONS] [CONTAINER...]\n"
	"\n"
	"Display a live stream of containers' resource usage (all running ones by default), read\n"
	"from their cgroups. Stop it with Ctrl-C.\n"
	"\n"
	"Options:\n"
	"      --format FORMAT   Format output using a Go template ('table TEMPLATE' with column\n"
	"                        headers, 'json'): .Container .ID .Name .CPUPerc .MemUsage .MemPerc .PIDs\n"
	"      --no-stream       Disable streaming stats and only pull the first result\n";

/* The columns tinydock has of `docker stats`' default table (NET I/O and BLOCK I/O are not read). */
static const char STATS_TABLE[] = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.PIDs}}";

struct sample {
	char id[CONTAINER_ID_LENGTH + 1];
	char name[CONTAINER_NAME_MAX + 1];
	struct cgroup cg;
	struct cgroup_stats before, after;
	bool ok;
};

static int64_t now_usec(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* The running containers named in refs (all running ones when none). */
static int choose(int count, char **refs, struct sample **out, size_t *n)
{
	char **ids;
	size_t all;
	if (container_list(&ids, &all) < 0)
		return -1;
	size_t size = count ? (size_t)count : all;
	*out = calloc(size + 1, sizeof(**out));
	*n = 0;
	int rc = *out ? 0 : -1;
	struct cgroup_layout layout;
	if (rc == 0 && cgroup_detect(NULL, &layout) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < size; i++) {
		char id[CONTAINER_ID_LENGTH + 1];
		if (count) {
			if (container_resolve(refs[i], id) < 0) {
				rc = -1;
				break;
			}
		} else {
			snprintf(id, sizeof(id), "%s", ids[i]);
		}
		struct container_record r;
		if (container_record_load(id, &r) < 0) {
			error_clear();
			continue;
		}
		bool running = strcmp(container_state(&r, NULL), "running") == 0;
		struct sample *s = &(*out)[*n];
		snprintf(s->id, sizeof(s->id), "%s", r.id);
		snprintf(s->name, sizeof(s->name), "%s", r.name);
		container_record_free(&r);
		if (!running) {
			if (count)
				rc = fail_errno(0, "container %s is not running", refs[i]);
			continue;
		}
		if (cgroup_open(&layout, CGROUP_DEFAULT_PARENT, s->id, &s->cg) < 0) {
			error_clear();
			continue; /* no cgroup (rootless) */
		}
		(*n)++;
	}
	container_list_free(ids, all);
	return rc;
}

/* A row of `docker stats`, as its template sees it (docker/cli's StatsContext). */
static struct json *stats_row(const struct sample *s, int64_t elapsed_usec)
{
	static long host_memory;
	if (!host_memory)
		host_memory = sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
	char id[SHORT_ID_LENGTH + 1], cpu[32], usage[32], limit[32], memory[80], mem_pct[32], pids[32];
	snprintf(id, sizeof(id), "%.*s", SHORT_ID_LENGTH, s->id);
	double used = (double)(s->after.cpu_usage_usec - s->before.cpu_usage_usec);
	snprintf(cpu, sizeof(cpu), "%.2f%%", elapsed_usec > 0 ? 100.0 * used / (double)elapsed_usec : 0.0);
	int64_t lim = s->after.memory_limit > 0 ? s->after.memory_limit : host_memory;
	int64_t use = s->after.memory_usage > 0 ? s->after.memory_usage : 0;
	human_memory((uint64_t)use, usage, sizeof(usage));
	human_memory((uint64_t)lim, limit, sizeof(limit));
	snprintf(memory, sizeof(memory), "%s / %s", usage, limit);
	snprintf(mem_pct, sizeof(mem_pct), "%.2f%%", lim > 0 ? 100.0 * (double)use / (double)lim : 0.0);
	snprintf(pids, sizeof(pids), "%lld", (long long)(s->after.pids_current > 0 ? s->after.pids_current : 0));
	const char *const fields[][2] = {
		{ "CPUPerc", cpu }, { "Container", s->name[0] ? s->name : id }, { "ID", id }, { "MemPerc", mem_pct },
		{ "MemUsage", memory }, { "Name", s->name }, { "PIDs", pids },
	};
	struct json *row = formatter_strings(fields, sizeof(fields) / sizeof(fields[0]));
	return row;
}

/* One reading of every container, through the format; -1 on a template error. */
static int print_frame(const char *format, struct sample *samples, size_t n, int64_t elapsed_usec)
{
	static const char *const names[][2] = {
		{ "Container", "CONTAINER" }, { "ID", "CONTAINER ID" }, { "Name", "NAME" }, { "CPUPerc", "CPU %" },
		{ "MemUsage", "MEM USAGE / LIMIT" }, { "MemPerc", "MEM %" }, { "NetIO", "NET I/O" },
		{ "BlockIO", "BLOCK I/O" }, { "PIDs", "PIDS" },
	};
	struct formatter f;
	if (formatter_open(&f, format, "*formatter.StatsContext") < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!samples[i].ok)
			continue;
		struct json *row = stats_row(&samples[i], elapsed_usec);
		rc = row ? formatter_add(&f, row, NULL) : -1;
		json_free(row);
	}
	struct json *headers = formatter_strings(names, sizeof(names) / sizeof(names[0]));
	if (rc == 0)
		formatter_print(&f, headers, stdout);
	fflush(stdout);
	json_free(headers);
	formatter_close(&f);
	return rc;
}

int cmd_stats(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(stats_help);
	static const struct option long_options[] = { { "no-stream", no_argument, NULL, 'N' },
						      { "format", required_argument, NULL, 'F' },
						      { 0 } };
	bool stream = true;
	const char *format = STATS_TABLE;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = cli_getopt(argc, argv, "+", long_options, NULL)) != -1) {
		if (opt == 'N')
			stream = !cli_flag_on(optarg);
		else if (opt == 'F')
			format = strcmp(optarg, "table") == 0 ? STATS_TABLE : optarg;
		else
			return usage_error("stats", "unknown flag, or a flag without its value: %s", argv[optind - 1]);
	}
	struct formatter check; /* a bad template fails before the first reading, as Docker's */
	if (formatter_open(&check, format, "*formatter.StatsContext") < 0) {
		fail_context("stats");
		return error_report(1);
	}
	formatter_close(&check);
	struct sample *samples = NULL;
	size_t n = 0;
	if (choose(argc - optind, argv + optind, &samples, &n) < 0) {
		free(samples);
		return error_report(1);
	}
	int64_t before = now_usec();
	for (size_t i = 0; i < n; i++)
		samples[i].ok = cgroup_read_stats(&samples[i].cg, &samples[i].before) == 0;
	error_clear();
	do {
		/* Docker also takes two readings for --no-stream; half a second is enough here. */
		usleep(500000);
		int64_t after = now_usec();
		for (size_t i = 0; i < n; i++)
			if (samples[i].ok && cgroup_read_stats(&samples[i].cg, &samples[i].after) < 0)
				samples[i].ok = false; /* it stopped in between */
		error_clear();
		if (stream)
			printf("\033[2J\033[H"); /* clear the screen, as docker stats does */
		if (print_frame(format, samples, n, after - before) < 0) {
			free(samples);
			fail_context("stats");
			return error_report(1);
		}
		before = after;
		for (size_t i = 0; i < n; i++)
			samples[i].before = samples[i].after;
	} while (stream);
	free(samples);
	return 0;
}

/* --- top ----------------------------------------------------------------------------------------- */

static void command_line(pid_t pid, char *out, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	out[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	size_t n = fread(out, 1, size - 1, f);
	fclose(f);
	out[n] = '\0';
	for (size_t i = 0; i + 1 < n; i++)
		if (out[i] == '\0')
			out[i] = ' ';
	/* init renames itself by overwriting its argv with spaces (init.h, name_init). */
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		out[--n] = '\0';
}

/* Fields of /proc/PID/status we show: Uid (real) and PPid. */
static void status_fields(pid_t pid, unsigned *uid, int *ppid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	*uid = 0;
	*ppid = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Uid:", 4) == 0)
			sscanf(line + 4, "%u", uid);
		else if (strncmp(line, "PPid:", 5) == 0)
			sscanf(line + 5, "%d", ppid);
	}
	fclose(f);
}

int cmd_top(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock top CONTAINER\n\n"
				  "Display the processes of a container (those in its cgroup), with host pids.\n");
	if (argc != 2)
		return arguments_error("top", "requires exactly 1 argument");
	char id[CONTAINER_ID_LENGTH + 1];
	struct container_record r;
	if (container_resolve(argv[1], id) < 0 || container_record_load(id, &r) < 0)
		return error_report(1);
	bool running = strcmp(container_state(&r, NULL), "running") == 0;
	container_record_free(&r);
	if (!running) {
		fail_errno(0, "container %s is not running", id);
		return error_report(1);
	}
	struct cgroup_layout layout;
	struct cgroup cg;
	pid_t *pids = NULL;
	size_t count = 0;
	if (cgroup_detect(NULL, &layout) < 0 || cgroup_open(&layout, CGROUP_DEFAULT_PARENT, id, &cg) < 0 ||
	    cgroup_pids(&cg, &pids, &count) < 0)
		return error_report(1);
	struct table t = { .columns = 4 };
	static const char *const header[] = { "UID", "PID", "PPID", "CMD" };
	table_add_row(&t, header);
	for (size_t i = 0; i < count; i++) {
		char uid_text[16], pid_text[16], ppid_text[16], cmd[512];
		unsigned uid;
		int ppid;
		status_fields(pids[i], &uid, &ppid);
		command_line(pids[i], cmd, sizeof(cmd));
		snprintf(uid_text, sizeof(uid_text), "%u", uid);
		snprintf(pid_text, sizeof(pid_text), "%d", (int)pids[i]);
		snprintf(ppid_text, sizeof(ppid_text), "%d", ppid);
		const char *row[] = { uid_text, pid_text, ppid_text, cmd };
		table_add_row(&t, row);
	}
	table_print(&t, stdout);
	table_free(&t);
	free(pids);
	return 0;
}
