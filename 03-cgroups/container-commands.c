/*
 * container-commands.c - what is: ps, logs, wait, inspect, rename, port. Docker's container
 * commands that read the state the monitors write (container-lifecycle.c has the ones that act).
 *
 * With no daemon, every command is a short program that reads files. Each command
 * resolves its arguments (a name, an id, or a unique id prefix: container_resolve), reads the
 * record and the live state (container-view.h), and prints them as Docker does.
 *
 * Next: container-lifecycle.c (stop, kill, start, restart, rm, prune).
 */
#include "runtime.h"
#include "cli.h"
#include "container-log.h"
#include "container-store.h"
#include "container-view.h"
#include "error.h"
#include "files.h"
#include "health-check.h"
#include "humanize.h"
#include "json.h"
#include "ps-format.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- ps ---------------------------------------------------------------------------------------- */

static const char ps_help[] =
	"Usage:  tinydock ps [OPTIONS]\n"
	"\n"
	"List containers (running ones; all with -a), newest first.\n"
	"\n"
	"Options:\n"
	"  -a, --all        Show all containers (default shows just running)\n"
	"  -q, --quiet      Only display container IDs\n"
	"      --no-trunc   Don't truncate output\n";

static int64_t seconds_since(timestamp_ns t)
{
	return (timestamp_now() - t) / 1000000000;
}

void view_ports(const struct container_record *r, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < r->bound_count && used < size; i++) {
		char one[64];
		port_mapping_format(&r->bound[i], one, sizeof(one));
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "", one);
	}
}

void view_status(const struct view *v, char *out, size_t size)
{
	bool up = strcmp(v->state, "running") == 0;
	ps_status(v->state, v->r.exit_code, seconds_since(up ? v->live.started_at : v->r.finished_at), out, size);
	struct health_state health;
	if (up && health_load(v->r.id, &health) == 0) /* Docker: "Up 5 seconds (healthy)" */
		snprintf(out + strlen(out), size - strlen(out), " (%s)", health_status_words(health.status));
	error_clear();
}

int cmd_ps(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(ps_help);
	static const struct option long_options[] = { { "all", no_argument, NULL, 'a' },
						      { "quiet", no_argument, NULL, 'q' },
						      { "no-trunc", no_argument, NULL, 'T' },
						      { 0 } };
	bool all = false, quiet = false, no_trunc = false;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+aq", long_options, NULL)) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'q')
			quiet = true;
		else if (opt == 'T')
			no_trunc = true;
		else
			return usage_error("ps", "unknown flag: %s", argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("ps", "accepts no arguments");
	struct view *views;
	size_t count;
	if (load_all(&views, &count) < 0) {
		fail_context("ps");
		return error_report(EXIT_TINYDOCK_FAILED);
	}
	struct table t = { .columns = 7 };
	static const char *const header[] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES" };
	if (!quiet)
		table_add_row(&t, header);
	for (size_t i = 0; i < count; i++) {
		const struct view *v = &views[i];
		if (!all && !is_running(v))
			continue;
		char id[CONTAINER_ID_LENGTH + 1];
		snprintf(id, sizeof(id), "%.*s", no_trunc ? CONTAINER_ID_LENGTH : SHORT_ID_LENGTH, v->r.id);
		if (quiet) {
			printf("%s\n", id);
			continue;
		}
		char command[4200], created[80], status[128], ports[1024], age[64];
		ps_command(v->r.command.items, no_trunc, command, sizeof(command));
		human_duration(seconds_since(v->r.created), age, sizeof(age));
		snprintf(created, sizeof(created), "%s ago", age);
		view_status(v, status, sizeof(status));
		view_ports(&v->r, ports, sizeof(ports));
		const char *row[] = { id, v->r.image, command, created, status, ports, v->r.name };
		table_add_row(&t, row);
	}
	table_print(&t, stdout);
	table_free(&t);
	free_views(views, count);
	return 0;
}

/* --- logs ----------------------------------------------------------------------------------- */

static const char logs_help[] =
	"Usage:  tinydock logs [OPTIONS] CONTAINER\n"
	"\n"
	"Fetch the logs of a container (what it wrote on stdout and stderr, kept by its monitor in\n"
	"Docker's json-file format: $TINYDOCK_ROOT/containers/ID/container.log).\n"
	"\n"
	"Options:\n"
	"  -f, --follow         Follow log output\n"
	"  -n, --tail N         Number of lines to show from the end of the logs (default all)\n"
	"  -t, --timestamps     Show timestamps\n";

static void print_entry(const struct log_entry *e, bool timestamps)
{
	FILE *out = e->is_stderr ? stderr : stdout;
	if (timestamps) {
		char when[TIMESTAMP_SIZE];
		timestamp_format(e->time, when);
		fprintf(out, "%s ", when);
	}
	fwrite(e->text, 1, e->length, out);
	fflush(out);
}

/* Print the complete lines of text[from..size) (all of them, or the last tail); returns the
 * offset after the last complete line. */
static size_t print_lines(const char *text, size_t from, size_t size, long tail, bool timestamps)
{
	size_t start = from + log_tail_start(text + from, size - from, tail);
	size_t offset = start;
	while (offset < size) {
		const char *newline = memchr(text + offset, '\n', size - offset);
		if (!newline)
			break;
		struct log_entry e;
		if (log_line_decode(text + offset, (size_t)(newline - text - offset), &e) == 0) {
			print_entry(&e, timestamps);
			log_entry_free(&e);
		} else {
			error_clear();
		}
		offset = (size_t)(newline - text) + 1;
	}
	return offset;
}

int cmd_logs(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(logs_help);
	static const struct option long_options[] = { { "follow", no_argument, NULL, 'f' },
						      { "tail", required_argument, NULL, 'n' },
						      { "timestamps", no_argument, NULL, 't' },
						      { 0 } };
	bool follow = false, timestamps = false;
	long tail = -1;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+fn:t", long_options, NULL)) != -1) {
		if (opt == 'f') {
			follow = true;
		} else if (opt == 't') {
			timestamps = true;
		} else if (opt == 'n') {
			unsigned long long n;
			if (strcmp(optarg, "all") == 0)
				tail = -1;
			else if (parse_uint(optarg, 1000000000, &n) < 0)
				return usage_error("logs", "invalid value \"%s\" for --tail", optarg);
			else
				tail = (long)n;
		} else {
			return usage_error("logs", "unknown flag: %s", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return usage_error("logs", "requires exactly 1 argument");
	struct view v;
	if (view_load(argv[optind], &v) < 0)
		return error_report(1);
	char dir[PATH_MAX], path[PATH_MAX + 32];
	container_dir(v.r.id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/container.log", dir);
	size_t offset = 0;
	bool first = true;
	for (;;) {
		bool running = true;
		if (!first) {
			struct view now;
			running = view_load_id(v.r.id, &now) == 0 && is_running(&now);
			if (running || now.r.id[0])
				container_record_free(&now.r);
			error_clear();
		}
		size_t size = 0;
		char *text = access(path, F_OK) == 0 ? read_file(path, &size) : NULL;
		if (text) {
			offset = print_lines(text, offset, size, first ? tail : -1, timestamps);
			free(text);
		}
		error_clear();
		first = false;
		if (!follow || !running)
			break;
		sleep_ms(100);
	}
	container_record_free(&v.r);
	return 0;
}

/* --- wait ----------------------------------------------------------------------------------- */

static int wait_one(const char *ref, void *arg)
{
	(void)arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	char id[CONTAINER_ID_LENGTH + 1];
	snprintf(id, sizeof(id), "%s", v.r.id);
	container_record_free(&v.r);
	while (!wait_until_stopped(id, 1000))
		;
	if (view_load_id(id, &v) < 0) {
		error_clear();
		printf("0\n"); /* removed on exit (--rm); Docker prints its exit code, we no longer know it */
		return 0;
	}
	printf("%d\n", v.r.exit_code);
	container_record_free(&v.r);
	return 0;
}

int cmd_wait(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock wait CONTAINER [CONTAINER...]\n\n"
				  "Block until one or more containers stop, then print their exit codes.\n");
	if (argc < 2)
		return usage_error("wait", "requires at least 1 argument");
	return for_each(argc - 1, argv + 1, wait_one, NULL);
}

/* --- inspect --------------------------------------------------------------------------------- */

static struct json *inspect_one(const struct view *v)
{
	struct json *doc = container_record_to_json(&v->r);
	if (!doc)
		return NULL;
	struct json *state = json_get(doc, "State");
	bool running = strcmp(v->state, "running") == 0;
	char started[TIMESTAMP_SIZE];
	timestamp_format(running ? v->live.started_at : v->r.started_at, started);
	json_set(state, "Status", json_new_string(v->state));
	json_set(state, "Running", json_new_bool(running));
	json_set(state, "Paused", json_new_bool(false));
	json_set(state, "Restarting", json_new_bool(strcmp(v->state, "restarting") == 0));
	json_set(state, "Pid", json_new_int(running ? v->live.pid : 0));
	json_set(state, "ExitCode", json_new_int(v->r.exit_code));
	json_set(state, "StartedAt", json_new_string(started));
	/* State.Health: only a container with a health check has one (its checker writes it). */
	struct health_state health;
	if (health_load(v->r.id, &health) == 0)
		json_set(state, "Health", health_state_to_json(&health));
	error_clear();
	char dir[PATH_MAX], log[PATH_MAX + 32];
	container_dir(v->r.id, dir, sizeof(dir));
	snprintf(log, sizeof(log), "%s/container.log", dir);
	json_set(doc, "LogPath", json_new_string(log));
	return doc;
}

int cmd_inspect(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock inspect CONTAINER [CONTAINER...]\n\n"
				  "Show low-level information on containers, as JSON with Docker's field names.\n");
	if (argc < 2)
		return usage_error("inspect", "requires at least 1 argument");
	struct json *all = json_new_array();
	int code = 0;
	for (int i = 1; all && i < argc; i++) {
		struct view v;
		if (view_load(argv[i], &v) < 0) {
			error_report(1);
			error_clear();
			code = 1;
			continue;
		}
		json_append(all, inspect_one(&v));
		container_record_free(&v.r);
	}
	char *text = all ? json_write(all, 4, NULL) : NULL;
	json_free(all);
	if (!text)
		return error_report(EXIT_TINYDOCK_FAILED);
	printf("%s\n", text);
	free(text);
	return code;
}

/* --- rename, port ------------------------------------------------------------------------------ */

int cmd_rename(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock rename CONTAINER NEW_NAME\n\nRename a container.\n");
	if (argc != 3)
		return usage_error("rename", "requires exactly 2 arguments");
	char id[CONTAINER_ID_LENGTH + 1];
	if (container_resolve(argv[1], id) < 0 || container_rename(id, argv[2]) < 0)
		return error_report(1);
	return 0;
}

int cmd_port(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock port CONTAINER\n\nList the port mappings of a container "
				  "(-p, as its last start bound them).\n");
	if (argc != 2)
		return usage_error("port", "requires exactly 1 argument");
	struct view v;
	if (view_load(argv[1], &v) < 0)
		return error_report(1);
	for (size_t i = 0; i < v.r.bound_count; i++) { /* the ports its last start got */
		const struct port_mapping *p = &v.r.bound[i];
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
		printf("%u/tcp -> %s:%u\n", p->container_port, ip, p->host_port);
	}
	container_record_free(&v.r);
	return 0;
}
