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
#include "filters.h"
#include "format-output.h"
#include "health-check.h"
#include "humanize.h"
#include "inspect.h"
#include "log-time.h"
#include "network-format.h"
#include "json.h"
#include "ps-format.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- ps ---------------------------------------------------------------------------------------- */

static const char ps_help[] =
	"Usage:  tinydock ps [OPTIONS]\n"
	"\n"
	"List containers (running ones; all with -a), newest first.\n"
	"\n"
	"Options:\n"
	"  -a, --all             Show all containers (default shows just running)\n"
	"  -f, --filter FILTER   Filter output based on conditions provided: id=, name=, label=KEY\n"
	"                        or label=KEY=VALUE, status=, ancestor=IMAGE, exited=CODE, network=\n"
	"                        (one key's values: any of them; different keys: all of them)\n"
	"      --format FORMAT   Format output using a custom template:\n"
	"                        'table':            Print output in table format with column headers\n"
	"                        'table TEMPLATE':   Print output in table format using the given Go template\n"
	"                        'json':             Print in JSON format\n"
	"                        'TEMPLATE':         Print output using the given Go template\n"
	"                        Fields: .ID .Image .Command .CreatedAt .RunningFor .Ports .State\n"
	"                        .Status .Size .Names .Labels .Label \"KEY\" .Mounts .Networks\n"
	"  -q, --quiet           Only display container IDs\n"
	"      --no-trunc        Don't truncate output\n";

/* The default table, as `docker ps` prints it: its template (docker/cli's defaultContainerTableFormat). */
static const char PS_TABLE[] =
	"table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

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
	bool up = strcmp(v->state, "running") == 0 || strcmp(v->state, "paused") == 0;
	ps_status(v->state, v->r.exit_code, seconds_since(up ? v->live.started_at : v->r.finished_at), out, size);
	struct health_state health;
	if (strcmp(v->state, "running") == 0 && health_load(v->r.id, &health) == 0) /* "Up 5 seconds (healthy)" */
		snprintf(out + strlen(out), size - strlen(out), " (%s)", health_status_words(health.status));
	error_clear();
}

/* Go's time.Time.String() of a whole second: "2026-12-03 13:39:21 +0000 UTC". */
static void go_time(timestamp_ns t, char *out, size_t size)
{
	time_t seconds = (time_t)(t / 1000000000);
	struct tm tm;
	localtime_r(&seconds, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M:%S %z %Z", &tm);
}

/* "k=v,k2=v2": the labels as one cell, in key order (Docker's order is a Go map's: any). */
static void labels_cell(const struct json *labels, char *out, size_t size)
{
	size_t used = 0, count = labels ? labels->count : 0;
	out[0] = '\0';
	const char *done = "";
	for (size_t n = 0; n < count && used < size; n++) {
		const struct json *next = NULL; /* the smallest key after done: a sort without memory */
		json_for_each(label, labels)
			if (strcmp(label->key, done) > 0 && (!next || strcmp(label->key, next->key) < 0))
				next = label;
		if (!next)
			break;
		used += (size_t)snprintf(out + used, size - used, "%s%s=%s", n ? "," : "", next->key,
					 json_string(next) ? json_string(next) : "");
		done = next->key;
	}
}

/* A row of `docker ps`, as its template sees it (docker/cli's ContainerContext): each field a
 * string, in key order as Docker's {{json .}} writes them. */
static struct json *ps_row(const struct view *v, const struct json *labels, bool no_trunc)
{
	char id[CONTAINER_ID_LENGTH + 1], command[4200], created_at[64], running_for[80], status[128], ports[1024],
		age[64], labels_text[4096], mounts[4096] = "", local_volumes[16];
	snprintf(id, sizeof(id), "%.*s", no_trunc ? CONTAINER_ID_LENGTH : SHORT_ID_LENGTH, v->r.id);
	ps_command(v->r.command.items, no_trunc, command, sizeof(command));
	go_time(v->r.created, created_at, sizeof(created_at));
	human_duration(seconds_since(v->r.created), age, sizeof(age));
	snprintf(running_for, sizeof(running_for), "%s ago", age);
	view_status(v, status, sizeof(status));
	view_ports(&v->r, ports, sizeof(ports));
	labels_cell(labels, labels_text, sizeof(labels_text));
	/* Mounts: each mount's volume name, or its source (Docker's ContainerContext.Mounts). */
	size_t used = 0, volumes = 0;
	for (size_t i = 0; i < v->r.mount_count && used < sizeof(mounts); i++) {
		const struct recorded_mount *m = &v->r.mounts[i];
		volumes += strcmp(m->type, "volume") == 0;
		used += (size_t)snprintf(mounts + used, sizeof(mounts) - used, "%s%s", i ? "," : "", m->name[0] ? m->name : m->source);
	}
	snprintf(local_volumes, sizeof(local_volumes), "%zu", volumes);
	const char *const fields[][2] = {
		{ "Command", command },	     { "CreatedAt", created_at }, { "ID", id },
		{ "Image", v->r.image },     { "Labels", labels_text },   { "LocalVolumes", local_volumes },
		{ "Mounts", mounts },	     { "Names", v->r.name },	  { "Networks", v->r.network },
		{ "Ports", ports },	     { "RunningFor", running_for }, { "Size", "0B" },
		{ "State", v->state },	     { "Status", status },
	};
	struct json *row = formatter_strings(fields, sizeof(fields) / sizeof(fields[0]));
	return row;
}

/* The column names of `docker ps`, by field: what a `table` format prints as its header. */
static struct json *ps_headers(void)
{
	static const char *const names[][2] = {
		{ "ID", "CONTAINER ID" }, { "Image", "IMAGE" },	     { "Command", "COMMAND" },
		{ "CreatedAt", "CREATED AT" }, { "RunningFor", "CREATED" }, { "Ports", "PORTS" },
		{ "State", "STATE" },	  { "Status", "STATUS" },    { "Size", "SIZE" },
		{ "Names", "NAMES" },	  { "Labels", "LABELS" },    { "Label", "LABEL" },
		{ "Mounts", "MOUNTS" },	  { "LocalVolumes", "LOCAL VOLUMES" }, { "Networks", "NETWORKS" },
	};
	struct json *headers = formatter_strings(names, sizeof(names) / sizeof(names[0]));
	return headers;
}

/* Print one container through the formatter (or its id with -q); -1 on a template error. */
static int ps_one(struct formatter *f, const struct view *v, const struct filters *filters, bool quiet, bool no_trunc)
{
	struct json *doc = container_record_to_json(&v->r);
	if (!doc)
		return -1;
	const struct json *labels = json_pointer(doc, "/Config/Labels");
	struct container_facts facts = { .id = v->r.id, .name = v->r.name, .image = v->r.image, .state = v->state,
					 .network = v->r.network, .exit_code = v->r.exit_code, .labels = labels };
	int rc = 0;
	if (!container_filters_match(filters, &facts)) {
		rc = 0;
	} else if (quiet) {
		printf("%.*s\n", no_trunc ? CONTAINER_ID_LENGTH : SHORT_ID_LENGTH, v->r.id);
	} else {
		struct json *row = ps_row(v, labels, no_trunc), *methods = json_new_object();
		struct json *label = labels ? json_copy(labels) : json_new_object();
		if (label && label->key) { /* the copy of a member keeps its name: it gets another */
			free(label->key);
			label->key = NULL;
			label->key_length = 0;
		}
		if (!row || !methods || !label) {
			json_free(label);
			rc = fail_errno(ENOMEM, "cannot list the containers");
		} else if (!json_add(methods, "Label", label)) { /* json_add owns label, even failing */
			rc = fail_errno(ENOMEM, "cannot list the containers");
		} else {
			rc = formatter_add(f, row, methods);
		}
		json_free(row);
		json_free(methods);
	}
	json_free(doc);
	return rc;
}

int cmd_ps(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(ps_help);
	static const struct option long_options[] = { { "all", no_argument, NULL, 'a' },
						      { "quiet", no_argument, NULL, 'q' },
						      { "no-trunc", no_argument, NULL, 'T' },
						      { "filter", required_argument, NULL, 'f' },
						      { "format", required_argument, NULL, 'F' },
						      { 0 } };
	bool all = false, quiet = false, no_trunc = false;
	const char *format = PS_TABLE;
	struct filters filters = { 0 };
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = cli_getopt(argc, argv, "+aqf:", long_options, NULL)) != -1) {
		if (opt == 'a') {
			all = cli_flag_on(optarg);
		} else if (opt == 'q') {
			quiet = cli_flag_on(optarg);
		} else if (opt == 'T') {
			no_trunc = cli_flag_on(optarg);
		} else if (opt == 'F') {
			format = strcmp(optarg, "table") == 0 ? PS_TABLE : optarg;
		} else if (opt == 'f') {
			if (container_filters_add(&filters, optarg) < 0) {
				filters_free(&filters);
				fail_context("ps");
				return error_report(1); /* Docker's status for a bad filter or template */
			}
		} else {
			filters_free(&filters);
			return usage_error("ps", "unknown flag, or a flag without its value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		filters_free(&filters);
		return arguments_error("ps", "accepts no arguments");
	}
	/* Docker: a status filter asks for stopped containers too (`ps --filter status=exited`);
	 * an exited filter does not (`ps -a --filter exited=0`, as its docs write it). */
	all = all || filters_has(&filters, "status");
	struct formatter f;
	if (formatter_open(&f, format, "*formatter.ContainerContext") < 0) {
		filters_free(&filters);
		fail_context("ps");
		return error_report(1);
	}
	struct view *views;
	size_t count;
	if (load_all(&views, &count) < 0) {
		formatter_close(&f);
		filters_free(&filters);
		return command_failed("ps");
	}
	int status = 0;
	for (size_t i = 0; i < count && status == 0; i++)
		if ((all || is_running(&views[i])) && ps_one(&f, &views[i], &filters, quiet, no_trunc) < 0) {
			fail_context("ps");
			status = error_report(1);
		}
	if (status == 0 && !quiet) {
		struct json *headers = ps_headers();
		formatter_print(&f, headers, stdout);
		json_free(headers);
	}
	formatter_close(&f);
	free_views(views, count);
	filters_free(&filters);
	return status;
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
	"  -t, --timestamps     Show timestamps\n"
	"      --since TIME     Only the lines written at or after TIME: a duration back from now (10m,\n"
	"                       1h30m), an RFC 3339 time (2026-01-02T13:23:37Z) or seconds since 1970\n"
	"      --until TIME     Only the lines written at or before TIME (the same forms)\n";

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
/* The lines logs prints: from since to until, both included (0: no bound). */
struct log_window {
	timestamp_ns since, until;
};

static size_t print_lines(const char *text, size_t from, size_t size, long tail, bool timestamps,
			  const struct log_window *window)
{
	size_t start = from + log_tail_start(text + from, size - from, tail);
	size_t offset = start;
	while (offset < size) {
		const char *newline = memchr(text + offset, '\n', size - offset);
		if (!newline)
			break;
		struct log_entry e;
		if (log_line_decode(text + offset, (size_t)(newline - text - offset), &e) == 0) {
			if ((!window->since || e.time >= window->since) && (!window->until || e.time <= window->until))
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
	enum { OPT_SINCE = 1000, OPT_UNTIL };
	static const struct option long_options[] = { { "follow", no_argument, NULL, 'f' },
						      { "tail", required_argument, NULL, 'n' },
						      { "timestamps", no_argument, NULL, 't' },
						      { "since", required_argument, NULL, OPT_SINCE },
						      { "until", required_argument, NULL, OPT_UNTIL },
						      { 0 } };
	bool follow = false, timestamps = false;
	struct log_window window = { 0, 0 };
	timestamp_ns now = timestamp_now();
	long tail = -1;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = cli_getopt(argc, argv, "+fn:t", long_options, NULL)) != -1) {
		if (opt == 'f') {
			follow = cli_flag_on(optarg);
		} else if (opt == 't') {
			timestamps = cli_flag_on(optarg);
		} else if (opt == OPT_SINCE || opt == OPT_UNTIL) {
			/* a bad time is the request's error in Docker (status 1), not a usage error */
			if (log_time_parse(optarg, now, opt == OPT_SINCE ? &window.since : &window.until) < 0) {
				fail_context("logs");
				return error_report(1);
			}
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
		return arguments_error("logs", "requires exactly 1 argument");
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
			offset = print_lines(text, offset, size, first ? tail : -1, timestamps, &window);
			free(text);
		}
		error_clear();
		first = false;
		/* --follow ends with the container, or once the log is past --until (Docker's too) */
		if (!follow || !running || (window.until && timestamp_now() > window.until))
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
		return arguments_error("wait", "requires at least 1 argument");
	return for_each(argc - 1, argv + 1, wait_one, NULL);
}

/* --- inspect --------------------------------------------------------------------------------- */

struct json *container_inspect_document(const char *ref)
{
	struct view v;
	if (view_load(ref, &v) < 0)
		return NULL;
	struct json *doc = container_record_to_json(&v.r);
	struct json *state = json_get(doc, "State");
	if (!doc || !state) {
		container_record_free(&v.r);
		json_free(doc);
		fail_errno(ENOMEM, "cannot inspect \"%s\"", ref);
		return NULL;
	}
	bool paused = strcmp(v.state, "paused") == 0;
	bool running = strcmp(v.state, "running") == 0 || paused; /* Docker: paused is running */
	char started[TIMESTAMP_SIZE];
	timestamp_format(running ? v.live.started_at : v.r.started_at, started);
	json_set(state, "Status", json_new_string(v.state));
	json_set(state, "Running", json_new_bool(running));
	json_set(state, "Paused", json_new_bool(paused));
	json_set(state, "Restarting", json_new_bool(strcmp(v.state, "restarting") == 0));
	json_set(state, "Pid", json_new_int(running ? v.live.pid : 0));
	json_set(state, "ExitCode", json_new_int(v.r.exit_code));
	json_set(state, "StartedAt", json_new_string(started));
	/* State.Health: only a container with a health check has one (its checker writes it). */
	struct health_state health;
	if (health_load(v.r.id, &health) == 0)
		json_set(state, "Health", health_state_to_json(&health));
	error_clear();
	char dir[PATH_MAX], log[PATH_MAX + 32];
	container_dir(v.r.id, dir, sizeof(dir));
	snprintf(log, sizeof(log), "%s/container.log", dir);
	json_set(doc, "LogPath", json_new_string(log));
	container_record_free(&v.r);
	return doc;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct inspect_kind kinds[] = { { "container", container_inspect_document },
						     { "network", network_inspect_document } };
	return inspect_command(argc, argv, kinds, 2);
}

int cmd_container_inspect(int argc, char **argv)
{
	static const struct inspect_kind kinds[] = { { "container", container_inspect_document } };
	return inspect_command(argc, argv, kinds, 1);
}

/* --- rename, port ------------------------------------------------------------------------------ */

int cmd_rename(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help("Usage:  tinydock rename CONTAINER NEW_NAME\n\nRename a container.\n");
	if (argc != 3)
		return arguments_error("rename", "requires exactly 2 arguments");
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
		return arguments_error("port", "requires exactly 1 argument");
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
