/*
 * container-log.h - a container's output, kept by its monitor: Docker's json-file format.
 *
 * Each line the container writes becomes one line of $TINYDOCK_ROOT/containers/<id>/container.log:
 *
 *   {"log":"hello\n","stream":"stdout","time":"2026-11-28T16:05:03.123456789Z"}
 *
 * the very format of Docker's default logging driver (/var/lib/docker/containers/<id>/<id>-json.log),
 * so `jq` and the students' habits work on it, and `logs -t` has the time each line arrived.
 */
#ifndef TINYDOCK_CONTAINER_LOG_H
#define TINYDOCK_CONTAINER_LOG_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "container.h"
#include "timestamp.h"

/* Docker cuts lines longer than this into several entries (the last without "\n"). */
#define LOG_LINE_MAX 16384

/* --- pure: one line of the file ------------------------------------------------------------ */

/* The JSON line for text (length bytes) from stream ("stdout"/"stderr"), with a final '\n'.
 * malloc'd; NULL when memory runs out. */
char *log_line_encode(const char *text, size_t length, const char *stream, timestamp_ns t, size_t *line_length);

struct log_entry {
	char *text;         /* malloc'd; as written, "\n" included */
	size_t length;
	bool is_stderr;
	timestamp_ns time;
};

/* Read one line of the file; -1 if it is not a log entry. */
int log_line_decode(const char *line, size_t length, struct log_entry *entry);
void log_entry_free(struct log_entry *entry);

/* Where the last tail complete lines of text (size bytes of the file) begin: the offset of the
 * first of them, or 0 when tail < 0 (all) or the text holds fewer. A last line still without
 * its '\n' (the logger is writing it) is not counted. `logs --tail N` and `compose logs`. */
size_t log_tail_start(const char *text, size_t size, long tail);

/* --- the logger: a process of the monitor's that reads the container's stdout and stderr ---- */

struct container_log {
	int file;            /* container.log, O_APPEND */
	int out, err;        /* read ends of the pipes the container writes to */
	int wake[2];         /* tells the logger to stop forwarding to report */
	int report;          /* before the container starts: stderr is also copied here, for `run -d` */
	int echo_out, echo_err; /* a foreground run: the terminal's stdout and stderr (else -1) */
	bool quiet_out, quiet_err; /* run -a without that stream: kept for the end, not echoed */
	pid_t logger;
	bool running;
};

/* Open path, make the two pipes and put their write ends on fds 1 and 2 of this process (so the
 * container inherits them), and fork the logger. report (or -1) gets a copy of stderr, framed
 * as messages 'e'+text, until container_log_report() ends it. With echo (a foreground run:
 * ATTACH_STDOUT, ATTACH_STDERR or both, container.h), the logger also copies those streams, as
 * they arrive, to what fds 1 and 2 were before: the user's terminal still shows the output,
 * stdout and stderr apart, and the log keeps it too (and alone keeps a stream not echoed). */
int container_log_start(struct container_log *log, const char *path, int report, unsigned echo);

/* End the copy to report with a last message: 's' (started) or 'f' (failed). */
void container_log_report(struct container_log *log, char verdict);

/* Close our fds 1 and 2 (the container has gone), let the logger write what is left, wait for it.
 * With echo, fds 1 and 2 are the user's again afterwards (else /dev/null). */
void container_log_stop(struct container_log *log);

#endif
