/*
 * container-attach.c - `tinydock attach CONTAINER`: a running container's output, on this
 * terminal, as it comes, until the container ends; then its exit code, as `docker attach`.
 *
 * Docker's daemon holds the container's stdio and hands a copy to each client that attaches.
 * tinydock has no daemon: the container's monitor owns its stdout and stderr, and its logger
 * writes every line to container.log (container-log.h) the moment it comes. So attaching is
 * reading that file from its end as it grows: what `logs -f --tail 0` does, and what Docker's
 * attach shows (the output from now on, stdout to stdout and stderr to stderr).
 *
 * Signals, as Docker's --sig-proxy (default true): a signal this command receives (Ctrl-C's
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2) is sent on to the container's first process,
 * and we stay attached to see what it does. With --sig-proxy=false, Ctrl-C detaches: the
 * container runs on. (docker-attach(1): "CTRL-c sends a SIGINT to the container"; "CTRL-c ...
 * if --sig-proxy is false" detaches.)
 *
 * Not done: the container's stdin. A detached (-d) container's monitor gives it /dev/null
 * (runtime.c), so there is no stdin to attach to; --no-stdin is accepted, as it changes nothing.
 */
#include "runtime.h"

#include "cli.h"
#include "container-log.h"
#include "container-view.h"
#include "error.h"
#include "files.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char attach_help[] =
	"Usage:  tinydock attach [OPTIONS] CONTAINER\n"
	"\n"
	"Attach to a running container's output (stdout and stderr) until it ends; exit with its code\n"
	"\n"
	"Options:\n"
	"      --no-stdin           Do not attach STDIN (tinydock never does: a -d container has none)\n"
	"      --sig-proxy          Proxy all received signals to the process (default true); with\n"
	"                           --sig-proxy=false, Ctrl-C detaches\n";

/* The signal that came, 0 for none: set by the handler, read by the loop. */
static volatile sig_atomic_t received;

static void on_signal(int sig)
{
	received = sig;
}

static const int proxied[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(proxied) / sizeof(proxied[0]); i++)
		sigaction(proxied[i], &sa, NULL);
}

/* Print the complete log lines of text[from..size); the offset after the last one. */
static size_t print_new_lines(const char *text, size_t from, size_t size)
{
	size_t offset = from;
	for (const char *newline; offset < size && (newline = memchr(text + offset, '\n', size - offset));) {
		struct log_entry e;
		if (log_line_decode(text + offset, (size_t)(newline - text - offset), &e) == 0) {
			FILE *out = e.is_stderr ? stderr : stdout;
			fwrite(e.text, 1, e.length, out);
			fflush(out);
			log_entry_free(&e);
		}
		error_clear();
		offset = (size_t)(newline - text) + 1;
	}
	return offset;
}

/* How far the log has complete lines now: where attaching starts. */
static size_t log_end(const char *path)
{
	size_t size = 0;
	char *text = read_file(path, &size);
	error_clear();
	if (!text)
		return 0;
	while (size > 0 && text[size - 1] != '\n') /* a line being written is shown once whole */
		size--;
	free(text);
	return size;
}

static int parse_flags(int argc, char **argv, bool *sig_proxy)
{
	static const struct option options[] = { { "no-stdin", no_argument, NULL, 'n' },
						 { "sig-proxy", optional_argument, NULL, 's' },
						 { 0 } };
	*sig_proxy = true;
	optind = 0;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+", options, NULL)) != -1;) {
		if (opt == 'n')
			continue;
		if (opt != 's')
			return usage_error("attach", "unknown flag: %s", argv[optind - 1]);
		if (!optarg || strcmp(optarg, "true") == 0 || strcmp(optarg, "1") == 0)
			*sig_proxy = true;
		else if (strcmp(optarg, "false") == 0 || strcmp(optarg, "0") == 0)
			*sig_proxy = false;
		else
			return usage_error("attach", "invalid argument \"%s\" for \"--sig-proxy\" flag", optarg);
	}
	if (argc - optind != 1)
		return usage_error("attach", "requires exactly 1 argument");
	return 0;
}

int cmd_attach(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(attach_help);
	bool sig_proxy;
	int code = parse_flags(argc, argv, &sig_proxy);
	if (code)
		return code;
	struct view v;
	if (view_load(argv[optind], &v) < 0)
		return error_report(1);
	if (!is_running(&v)) {
		container_record_free(&v.r);
		fail_errno(0, "You cannot attach to a stopped container, start it first");
		return error_report(1);
	}
	char id[CONTAINER_ID_LENGTH + 1], dir[PATH_MAX], path[PATH_MAX + 32];
	snprintf(id, sizeof(id), "%s", v.r.id);
	container_dir(id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/container.log", dir);
	catch_signals();
	size_t offset = log_end(path);
	for (bool running = true; running;) {
		struct view now;
		memset(&now, 0, sizeof(now));
		running = view_load_id(id, &now) == 0 && is_running(&now);
		if (received && running) {
			int sig = received;
			received = 0;
			if (!sig_proxy && sig == SIGINT) { /* Ctrl-C detaches; the container runs on */
				container_record_free(&now.r);
				container_record_free(&v.r);
				return 0;
			}
			if (signal_init(&now, sig) < 0) {
				error_report(0);
				error_clear();
			}
		}
		if (now.r.id[0])
			container_record_free(&now.r);
		error_clear();
		size_t size = 0;
		char *text = read_file(path, &size); /* read after the state: its last lines are in */
		error_clear();
		if (text) {
			offset = print_new_lines(text, offset < size ? offset : size, size);
			free(text);
		}
		if (running)
			sleep_ms(50);
	}
	container_record_free(&v.r);
	/* Docker: "the process's exit code will be returned to the client". */
	if (view_load_id(id, &v) < 0) {
		error_clear();
		return 0; /* removed on exit (--rm): its code went with it */
	}
	code = v.r.exit_code;
	container_record_free(&v.r);
	return code;
}
