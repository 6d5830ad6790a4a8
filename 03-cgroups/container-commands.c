/*
 * container-commands.c - ps, logs, stop, kill, start, restart, rm, wait, inspect, rename, port,
 * container prune: Docker's container commands, on the state the monitors write.
 *
 * Lecture: "with no daemon, every command is a short program that reads files". Each command
 * resolves its arguments (a name, an id, or a unique id prefix: container_resolve), reads the
 * record and the live state, and, when it acts, acts on processes the kernel knows: `stop` sends
 * SIGTERM to the container's init (init.c passes it on), waits, then SIGKILL; the monitor sees
 * its init exit and records the exit code. The command never writes what the monitor owns, except
 * when the monitor is dead (rm of a container whose monitor was killed).
 *
 * Next: container-exec.c (entering a running container), container-stats.c (stats, top).
 */
#include "runtime.h"
#include "cgroup.h"
#include "cli.h"
#include "container-log.h"
#include "container-store.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "files.h"
#include "humanize.h"
#include "json.h"
#include "ps-format.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "03-cgroups";

/* A container as a command sees it: its record, and whether and how it runs now. */
struct view {
	struct container_record r;
	struct container_live live;
	const char *state; /* "created", "running", "restarting", "exited" */
};

static int view_load_id(const char *id, struct view *v)
{
	if (container_record_load(id, &v->r) < 0)
		return -1;
	v->state = container_state(&v->r, &v->live);
	if (strcmp(v->state, "exited") == 0 && strcmp(v->r.status, "exited") != 0) {
		/* The record says it runs, but its monitor has gone (SIGKILL, or a reboot emptied
		 * TINYDOCK_RUN): its init died with it (PR_SET_PDEATHSIG), killed by SIGKILL. */
		v->r.exit_code = 128 + SIGKILL;
		if (!v->r.finished_at)
			v->r.finished_at = v->r.started_at;
	}
	return 0;
}

static int view_load(const char *ref, struct view *v)
{
	char id[CONTAINER_ID_LENGTH + 1];
	if (container_resolve(ref, id) < 0)
		return -1;
	return view_load_id(id, v);
}

static bool is_running(const struct view *v)
{
	return strcmp(v->state, "running") == 0 || strcmp(v->state, "restarting") == 0;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* Poll until the container's monitor has recorded the end (live state gone), at most ms. */
static bool wait_until_stopped(const char *id, long ms)
{
	for (long waited = 0;; waited += 10) {
		struct view v;
		if (view_load_id(id, &v) < 0) {
			error_clear();
			return true; /* removed (--rm): certainly stopped */
		}
		bool running = is_running(&v);
		container_record_free(&v.r);
		if (!running)
			return true;
		if (waited >= ms)
			return false;
		sleep_ms(10);
	}
}

/* Send sig to the container's init, if it is still the process the monitor recorded. */
static int signal_init(const struct view *v, int sig)
{
	unsigned long long start;
	if (v->live.pid <= 0 || process_start_time(v->live.pid, &start) < 0 || start != v->live.pid_start)
		return 0; /* between two restarts, or already gone */
	int rc = kill(v->live.pid, sig);
	explain_result(CHAPTER, rc, "kill(%d, SIG%s) (the container's init)", (int)v->live.pid, sigabbrev_np(sig));
	if (rc < 0 && errno != ESRCH)
		return fail_sys("cannot send SIG%s to container %.12s", sigabbrev_np(sig), v->r.id);
	return 0;
}

/* Run one action per argument, as Docker does: report each failure, go on, fail at the end. */
static int for_each(int argc, char **argv, int (*action)(const char *ref, void *arg), void *arg)
{
	int code = 0;
	for (int i = 0; i < argc; i++) {
		if (action(argv[i], arg) < 0) {
			error_report(1);
			error_clear();
			code = 1;
		}
	}
	return code;
}

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

static int compare_created(const void *a, const void *b)
{
	const struct view *x = a, *y = b;
	return (y->r.created > x->r.created) - (y->r.created < x->r.created);
}

/* Every container, newest first (malloc'd; free with free_views). */
static int load_all(struct view **views, size_t *count)
{
	char **ids;
	size_t n;
	*views = NULL;
	*count = 0;
	if (container_list(&ids, &n) < 0)
		return -1;
	*views = calloc(n + 1, sizeof(**views));
	if (!*views) {
		container_list_free(ids, n);
		return fail_errno(ENOMEM, "cannot list the containers");
	}
	for (size_t i = 0; i < n; i++) {
		if (view_load_id(ids[i], &(*views)[*count]) == 0)
			(*count)++;
		else
			error_clear(); /* being created or removed right now */
	}
	container_list_free(ids, n);
	qsort(*views, *count, sizeof(**views), compare_created);
	return 0;
}

static void free_views(struct view *views, size_t count)
{
	for (size_t i = 0; i < count; i++)
		container_record_free(&views[i].r);
	free(views);
}

static int64_t seconds_since(timestamp_ns t)
{
	return (timestamp_now() - t) / 1000000000;
}

static void ps_ports(const struct container_record *r, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < r->port_count && used < size; i++) {
		char one[64];
		port_mapping_format(&r->ports[i], one, sizeof(one));
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "", one);
	}
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
		bool up = strcmp(v->state, "running") == 0;
		ps_status(v->state, v->r.exit_code, seconds_since(up ? v->live.started_at : v->r.finished_at), status,
			  sizeof(status));
		ps_ports(&v->r, ports, sizeof(ports));
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
	size_t start = from;
	if (tail >= 0) {
		/* Walk back tail+1 newlines from the last complete line. */
		size_t end = size;
		while (end > from && text[end - 1] != '\n')
			end--;
		long seen = 0;
		start = end;
		while (start > from) {
			if (text[start - 1] == '\n' && start != end && ++seen == tail)
				break;
			start--;
		}
		if (tail == 0)
			start = end;
	}
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

/* --- stop, kill ----------------------------------------------------------------------------- */

static const char stop_help[] =
	"Usage:  tinydock stop [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Stop one or more running containers: SIGTERM to the container's init (which passes it on\n"
	"to the command), then SIGKILL after the timeout. A stopped container is not restarted by\n"
	"its restart policy.\n"
	"\n"
	"Options:\n"
	"  -t, --time N   Seconds to wait before killing the container (default 10)\n";

/* Stop a container: SIGTERM, and SIGKILL after seconds; returns once its monitor recorded it. */
static int stop_container(const struct view *v, long seconds)
{
	if (!is_running(v))
		return 0;
	if (container_mark_stopping(v->r.id) < 0 || signal_init(v, SIGTERM) < 0)
		return -1;
	if (wait_until_stopped(v->r.id, seconds * 1000))
		return 0;
	struct view now;
	int rc = 0;
	if (view_load_id(v->r.id, &now) == 0) {
		rc = signal_init(&now, SIGKILL);
		container_record_free(&now.r);
	}
	error_clear();
	if (rc == 0 && !wait_until_stopped(v->r.id, 10000))
		rc = fail_errno(0, "container %.12s did not stop after SIGKILL", v->r.id);
	return rc;
}

static int stop_one(const char *ref, void *arg)
{
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = stop_container(&v, *(long *)arg);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

static int parse_seconds(const char *text, long *seconds)
{
	unsigned long long n;
	if (parse_uint(text, 100000, &n) < 0)
		return -1;
	*seconds = (long)n;
	return 0;
}

int cmd_stop(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(stop_help);
	static const struct option long_options[] = { { "time", required_argument, NULL, 't' },
						      { "timeout", required_argument, NULL, 't' },
						      { 0 } };
	long seconds = 10;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+t:", long_options, NULL)) != -1)
		if (opt != 't' || parse_seconds(optarg, &seconds) < 0)
			return usage_error("stop", "bad flag or value: %s", argv[optind - 1]);
	if (optind >= argc)
		return usage_error("stop", "requires at least 1 argument");
	return for_each(argc - optind, argv + optind, stop_one, &seconds);
}

static const char kill_help[] =
	"Usage:  tinydock kill [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Send a signal to the init of one or more running containers (it passes it on).\n"
	"\n"
	"Options:\n"
	"  -s, --signal SIG   Signal to send: a name (KILL, SIGTERM) or a number (default KILL)\n";

static int parse_signal(const char *text, int *sig)
{
	unsigned long long n;
	if (parse_uint(text, 64, &n) == 0 && n > 0) {
		*sig = (int)n;
		return 0;
	}
	error_clear();
	const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
	for (int s = 1; s < NSIG; s++) {
		const char *abbrev = sigabbrev_np(s);
		if (abbrev && strcasecmp(abbrev, name) == 0) {
			*sig = s;
			return 0;
		}
	}
	return fail_errno(0, "invalid signal: %s", text);
}

static int kill_one(const char *ref, void *arg)
{
	int sig = *(int *)arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = 0;
	if (!is_running(&v))
		rc = fail_errno(0, "cannot kill container: %s: container %.12s is not running", ref, v.r.id);
	else if ((sig == SIGKILL || sig == SIGTERM || sig == SIGINT) && container_mark_stopping(v.r.id) < 0)
		rc = -1;
	else
		rc = signal_init(&v, sig);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

int cmd_kill(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(kill_help);
	static const struct option long_options[] = { { "signal", required_argument, NULL, 's' }, { 0 } };
	int sig = SIGKILL, opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+s:", long_options, NULL)) != -1)
		if (opt != 's' || parse_signal(optarg, &sig) < 0)
			return usage_error("kill", "%s", error_message()[0] ? error_message() : "unknown flag");
	if (optind >= argc)
		return usage_error("kill", "requires at least 1 argument");
	return for_each(argc - optind, argv + optind, kill_one, &sig);
}

/* --- start, restart ---------------------------------------------------------------------------- */

static const char start_help[] =
	"Usage:  tinydock start CONTAINER [CONTAINER...]\n"
	"\n"
	"Start one or more stopped containers, detached, under a new monitor: `run` again with the\n"
	"recorded arguments and the same id, name, log and (chapter 04) writable layer.\n";

static int start_id(const struct container_record *r)
{
	/* argv: tinydock run --start-id ID -d <the run arguments as recorded> */
	size_t n = r->run_args.count;
	char **args = calloc(n + 6, sizeof(*args));
	if (!args)
		return fail_errno(ENOMEM, "cannot start container %.12s", r->id);
	args[0] = (char *)"tinydock";
	args[1] = (char *)"run";
	args[2] = (char *)"--start-id";
	args[3] = (char *)r->id;
	args[4] = (char *)"-d";
	for (size_t i = 0; i < n; i++)
		args[5 + i] = r->run_args.items[i];
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO); /* run prints the id; start prints the name given */
		if (explain_enabled())
			setenv("TINYDOCK_EXPLAIN", "1", 1);
		execv("/proc/self/exe", args);
		_exit(EXIT_NOT_EXECUTABLE);
	}
	free(args);
	if (pid < 0)
		return fail_sys("cannot fork to start container %.12s", r->id);
	explain(CHAPTER, "fork() + execv(\"/proc/self/exe\", run --start-id %.12s -d ...) = %d", r->id, (int)pid);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail_sys("cannot wait for the start of %.12s", r->id);
	if (exit_code_for_wait_status(status) != 0)
		return fail_errno(0, "failed to start container %.12s", r->id); /* run said why */
	return 0;
}

static int start_one(const char *ref, void *arg)
{
	(void)arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = is_running(&v) ? 0 : start_id(&v.r);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

int cmd_start(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(start_help);
	if (argc < 2 || argv[1][0] == '-')
		return usage_error("start", "requires at least 1 argument (no options)");
	return for_each(argc - 1, argv + 1, start_one, NULL);
}

static const char restart_help[] =
	"Usage:  tinydock restart [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Stop (as `stop` does), then start one or more containers.\n"
	"\n"
	"Options:\n"
	"  -t, --time N   Seconds to wait before killing the container (default 10)\n";

static int restart_one(const char *ref, void *arg)
{
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = stop_container(&v, *(long *)arg);
	if (rc == 0)
		rc = start_id(&v.r);
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

int cmd_restart(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(restart_help);
	static const struct option long_options[] = { { "time", required_argument, NULL, 't' }, { 0 } };
	long seconds = 10;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+t:", long_options, NULL)) != -1)
		if (opt != 't' || parse_seconds(optarg, &seconds) < 0)
			return usage_error("restart", "bad flag or value: %s", argv[optind - 1]);
	if (optind >= argc)
		return usage_error("restart", "requires at least 1 argument");
	return for_each(argc - optind, argv + optind, restart_one, &seconds);
}

/* --- rm, prune ------------------------------------------------------------------------------- */

static const char rm_help[] =
	"Usage:  tinydock rm [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Remove one or more containers: their record, log, live state and leftover cgroup.\n"
	"\n"
	"Options:\n"
	"  -f, --force   Force the removal of a running container (uses SIGKILL)\n";

/* Remove a stopped container and whatever a dead monitor may have left behind. */
static int remove_container(const struct view *v)
{
	struct cgroup_layout layout;
	struct cgroup cg;
	if (cgroup_detect(NULL, &layout) == 0 && cgroup_open(&layout, CGROUP_DEFAULT_PARENT, v->r.id, &cg) == 0) {
		explain(CHAPTER, "a cgroup was left behind (its monitor died): removing it");
		if (cgroup_remove(&cg) < 0)
			return -1;
	}
	error_clear();
	/* Chapter 04's overlay, if a dead monitor left it mounted: remove_tree never crosses mounts. */
	char dir[PATH_MAX], merged[PATH_MAX + 16];
	container_dir(v->r.id, dir, sizeof(dir));
	snprintf(merged, sizeof(merged), "%s/fs/merged", dir);
	if (umount2(merged, MNT_DETACH) == 0)
		explain(CHAPTER, "umount2(\"%s\", MNT_DETACH) = 0 (left mounted by a dead monitor)", merged);
	int lock = container_store_lock();
	if (lock < 0)
		return -1;
	int rc = container_remove_files(v->r.id);
	close(lock);
	explain_result(CHAPTER, rc, "remove %s and its live state", dir);
	return rc;
}

static int rm_one(const char *ref, void *arg)
{
	bool force = *(bool *)arg;
	struct view v;
	if (view_load(ref, &v) < 0)
		return -1;
	int rc = 0;
	if (is_running(&v)) {
		if (!force)
			rc = fail_errno(0,
					"cannot remove container \"/%s\": container is running: stop the container before "
					"removing or force remove",
					v.r.name);
		else if (container_mark_stopping(v.r.id) < 0 || signal_init(&v, SIGKILL) < 0)
			rc = -1;
		else if (!wait_until_stopped(v.r.id, 10000))
			rc = fail_errno(0, "container %.12s did not stop after SIGKILL", v.r.id);
	}
	if (rc == 0) {
		char dir[PATH_MAX];
		container_dir(v.r.id, dir, sizeof(dir));
		if (is_directory(dir))
			rc = remove_container(&v);
	}
	if (rc == 0)
		printf("%s\n", ref);
	container_record_free(&v.r);
	return rc;
}

int cmd_rm(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(rm_help);
	static const struct option long_options[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	bool force = false;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+f", long_options, NULL)) != -1) {
		if (opt != 'f')
			return usage_error("rm", "unknown flag: %s", argv[optind - 1]);
		force = true;
	}
	if (optind >= argc)
		return usage_error("rm", "requires at least 1 argument");
	return for_each(argc - optind, argv + optind, rm_one, &force);
}

static const char container_help[] =
	"Usage:  tinydock container COMMAND\n"
	"\n"
	"Manage containers.\n"
	"\n"
	"Commands:\n"
	"  ls      List containers (as `ps`)\n"
	"  prune   Remove all stopped containers (-f: without asking)\n";

static int prune(int argc, char **argv)
{
	bool force = argc > 1 && (strcmp(argv[1], "-f") == 0 || strcmp(argv[1], "--force") == 0);
	if (!force) {
		fprintf(stderr, "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ");
		char answer[16] = "";
		if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y'))
			return 0;
	}
	struct view *views;
	size_t count;
	if (load_all(&views, &count) < 0)
		return error_report(EXIT_TINYDOCK_FAILED);
	int code = 0;
	printf("Deleted Containers:\n");
	for (size_t i = 0; i < count; i++) {
		if (is_running(&views[i]))
			continue;
		if (remove_container(&views[i]) < 0) {
			error_report(0);
			error_clear();
			code = 1;
			continue;
		}
		printf("%s\n", views[i].r.id);
	}
	printf("\nTotal reclaimed space: 0B\n");
	free_views(views, count);
	return code;
}

int cmd_container(int argc, char **argv)
{
	if (argc < 2 || asks_for_help(2, argv))
		return argc < 2 ? usage_error("container", "expects a command: ls, prune") : print_help(container_help);
	if (strcmp(argv[1], "prune") == 0)
		return prune(argc - 1, argv + 1);
	if (strcmp(argv[1], "ls") == 0 || strcmp(argv[1], "list") == 0)
		return cmd_ps(argc - 1, argv + 1);
	return usage_error("container", "unknown command \"%s\": ls, prune", argv[1]);
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
				  "(-p, as recorded).\n");
	if (argc != 2)
		return usage_error("port", "requires exactly 1 argument");
	struct view v;
	if (view_load(argv[1], &v) < 0)
		return error_report(1);
	for (size_t i = 0; i < v.r.port_count; i++) {
		const struct port_mapping *p = &v.r.ports[i];
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
		printf("%u/tcp -> %s:%u\n", p->container_port, ip, p->host_port);
	}
	container_record_free(&v.r);
	return 0;
}
