/*
 * container-log.c - the monitor keeps the log (who owns a detached container's output?).
 *
 * A detached container has no terminal to write to, and the `run -d` that started it has long
 * exited. Its stdout and stderr are two pipes; the other ends are read by the monitor, which
 * stays for the container's whole life (conmon does the same for Podman, containerd-shim for
 * Docker). Pipes, not the file itself, because the monitor must add to each line what the
 * container cannot know: which stream it came from and when it arrived (`logs -t`).
 *
 * A process of its own, the logger, rather than a thread of the monitor: the monitor clone()s
 * the container without exec (chapter 02), and a child made that way while another thread
 * holds a lock of the C library (malloc's, say, in the middle of formatting a line) inherits
 * the lock held, forever. A process that shares nothing cannot do that. The logger ends when
 * both pipes report end-of-file, that is when the last process holding a write end (the
 * container's init, and the monitor's fds 1 and 2) has closed it.
 *
 * Until the container has started, everything written on stderr (tinydock's own error message
 * when the setup fails, or the child's) is also copied to the `run -d` that is waiting, so the
 * user sees why a detached container did not start.
 *
 * A foreground `run` keeps a log too, as Docker's does (`docker run --name x alpine echo hi`,
 * then `docker logs x` says hi): its containerd-shim copies the output both to the log and to
 * the waiting CLI. Here the logger does both: each chunk goes to the terminal as it arrives
 * (the stdout pipe to the user's stdout, the stderr pipe to their stderr, so `2>/dev/null`
 * still works) and, line by line, into the log. With -t the monitor's pty relay writes into the
 * stdout pipe, so a terminal session is logged as well (as one stream, as Docker's is).
 */
#include "container-log.h"
#include "error.h"
#include "files.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

char *log_line_encode(const char *text, size_t length, const char *stream, timestamp_ns t, size_t *line_length)
{
	char time[TIMESTAMP_SIZE];
	timestamp_format(t, time);
	struct json *line = json_new_object();
	if (!line || !json_add(line, "log", json_new_stringn(text, length)) || !json_add_string(line, "stream", stream) ||
	    !json_add_string(line, "time", time)) {
		json_free(line);
		return NULL;
	}
	size_t n = 0;
	char *out = json_write(line, 0, &n);
	json_free(line);
	if (!out)
		return NULL;
	char *bigger = realloc(out, n + 2);
	if (!bigger) {
		free(out);
		return NULL;
	}
	bigger[n] = '\n';
	bigger[n + 1] = '\0';
	*line_length = n + 1;
	return bigger;
}

int log_line_decode(const char *line, size_t length, struct log_entry *entry)
{
	memset(entry, 0, sizeof(*entry));
	struct json *doc = json_parse(line, length);
	if (!doc)
		return -1;
	const struct json *text = json_get(doc, "log");
	const char *stream = json_get_string(doc, "stream"), *time = json_get_string(doc, "time");
	int rc = -1;
	if (json_is(text, JSON_STRING) && stream && time && timestamp_parse(time, &entry->time) == 0) {
		entry->text = malloc(text->length + 1);
		if (entry->text) {
			memcpy(entry->text, text->text, text->length + 1);
			entry->length = text->length;
			entry->is_stderr = strcmp(stream, "stderr") == 0;
			rc = 0;
		}
	}
	json_free(doc);
	return rc;
}

void log_entry_free(struct log_entry *entry)
{
	free(entry->text);
	entry->text = NULL;
}

size_t log_tail_start(const char *text, size_t size, long tail)
{
	if (tail < 0)
		return 0;
	size_t start = size;
	while (start > 0 && text[start - 1] != '\n')
		start--; /* a partial last line is not one of them */
	for (long n = 0; n < tail && start > 0; n++) {
		start--; /* the '\n' that ends this line */
		while (start > 0 && text[start - 1] != '\n')
			start--;
	}
	return start;
}

/* --- the logger ----------------------------------------------------------------------- */

struct stream_buffer {
	const char *name;
	char data[LOG_LINE_MAX];
	size_t length;
};

static void write_entry(int file, struct stream_buffer *b, size_t length)
{
	size_t n;
	char *line = log_line_encode(b->data, length, b->name, timestamp_now(), &n);
	if (line) {
		/* O_APPEND: each entry is one write(2), so a reader never sees half of one. */
		if (write_all(file, line, n) < 0)
			error_clear(); /* a full disk loses log lines, not the container */
		free(line);
	}
	memmove(b->data, b->data + length, b->length - length);
	b->length -= length;
}

/* Add bytes to a stream's buffer, writing every complete line (and a full buffer as one entry). */
static void take(int file, struct stream_buffer *b, const char *bytes, size_t count)
{
	while (count > 0) {
		size_t room = sizeof(b->data) - b->length, n = count < room ? count : room;
		memcpy(b->data + b->length, bytes, n);
		b->length += n;
		bytes += n;
		count -= n;
		char *newline;
		while ((newline = memchr(b->data, '\n', b->length)))
			write_entry(file, b, (size_t)(newline - b->data) + 1);
		if (b->length == sizeof(b->data))
			write_entry(file, b, b->length);
	}
}

static void send_report(int fd, char kind, const char *bytes, size_t count)
{
	char message[1 + 4096];
	message[0] = kind;
	memcpy(message + 1, bytes, count);
	/* SOCK_SEQPACKET keeps each message whole; a gone reader just means nobody waits. */
	if (send(fd, message, count + 1, MSG_NOSIGNAL) < 0)
		return;
}

/* Read what is there on fd (non-blocking); returns 0 at end-of-file, 1 otherwise. */
static int pump(struct container_log *log, int fd, struct stream_buffer *b, bool is_stderr)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 1 : 0;
		if (is_stderr && log->report >= 0)
			send_report(log->report, 'e', chunk, (size_t)n);
		bool quiet = is_stderr ? log->quiet_err : log->quiet_out;
		int echo = quiet ? -1 : is_stderr ? log->echo_err : log->echo_out;
		if (echo >= 0 && write_all(echo, chunk, (size_t)n) < 0) {
			/* The reader went away (`run ... | head`): keep logging, stop echoing. */
			error_clear();
			if (is_stderr)
				log->echo_err = -1;
			else
				log->echo_out = -1;
		}
		take(log->file, b, chunk, (size_t)n);
	}
}

static void log_loop(struct container_log *log)
{
	/* malloc, not calloc: pages of the buffers are touched (and count in RSS) only when used. */
	struct stream_buffer *out = malloc(2 * sizeof(*out));
	if (!out)
		return;
	struct stream_buffer *err = out + 1;
	out->name = "stdout";
	err->name = "stderr";
	out->length = err->length = 0;
	bool out_open = true, err_open = true;
	while (out_open || err_open) {
		struct pollfd fds[3] = { { out_open ? log->out : -1, POLLIN, 0 },
					 { err_open ? log->err : -1, POLLIN, 0 },
					 { log->report >= 0 ? log->wake[0] : -1, POLLIN, 0 } };
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents)
			out_open = pump(log, log->out, out, false);
		if (fds[1].revents)
			err_open = pump(log, log->err, err, true);
		if (fds[2].revents) {
			char verdict = 'f';
			if (read(log->wake[0], &verdict, 1) != 1)
				verdict = 'f';
			if (err_open)
				err_open = pump(log, log->err, err, true); /* what was written before the verdict */
			send_report(log->report, verdict, "", 0);
			close(log->report);
			log->report = -1;
		}
	}
	/* A last line without its '\n' is kept too, as Docker does. */
	if (out->length)
		write_entry(log->file, out, out->length);
	if (err->length)
		write_entry(log->file, err, err->length);
	free(out);
}

/* Give fds 1 and 2 back to the user (echo) or to /dev/null (a monitor has no terminal). */
static void restore_stdio(struct container_log *log)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dup2(log->echo_out >= 0 ? log->echo_out : null, STDOUT_FILENO);
	dup2(log->echo_err >= 0 ? log->echo_err : null, STDERR_FILENO);
	if (null >= 0)
		close(null);
	if (log->echo_out >= 0)
		close(log->echo_out);
	if (log->echo_err >= 0)
		close(log->echo_err);
	log->echo_out = log->echo_err = -1;
}

int container_log_start(struct container_log *log, const char *path, int report, unsigned echo)
{
	memset(log, 0, sizeof(*log));
	log->report = report;
	log->out = log->err = log->wake[0] = log->wake[1] = log->echo_out = log->echo_err = -1;
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	log->file = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log->file < 0)
		return fail_sys("cannot open the log \"%s\"", path);
	if (echo) {
		/* Copies of the user's stdout and stderr, before the pipes take fds 1 and 2 (a closed
		 * one stays -1: nothing to echo to). */
		log->echo_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		log->echo_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	}
	/* A stream not attached (run -a) is not echoed: its copy is given back at the end all the
	 * same, so fds 1 and 2 are the user's again afterwards (restore_stdio). */
	if (echo) {
		log->quiet_out = !(echo & ATTACH_STDOUT);
		log->quiet_err = !(echo & ATTACH_STDERR);
	}
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(log->wake, O_CLOEXEC) < 0) {
		fail_sys("cannot make the log pipes");
		goto fail;
	}
	/* dup2 clears close-on-exec on 1 and 2: those are what the container inherits. */
	if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0) {
		fail_sys("cannot put the log pipes on stdout and stderr");
		goto fail;
	}
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	log->out = out[0];
	log->err = err[0];
	fcntl(log->out, F_SETFL, O_NONBLOCK);
	fcntl(log->err, F_SETFL, O_NONBLOCK);
	fflush(NULL);
	log->logger = fork();
	if (log->logger < 0) {
		fail_sys("cannot fork the logger");
		goto fail;
	}
	if (log->logger == 0) {
		/* A reader of the echo that goes away must not kill the logger: write fails instead. */
		signal(SIGPIPE, SIG_IGN);
		/* The logger holds no write end, or it would wait for its own end-of-file. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(log->wake[1]);
		log_loop(log);
		_exit(0);
	}
	close(log->out);
	close(log->err);
	close(log->wake[0]);
	if (log->report >= 0)
		close(log->report); /* the logger speaks to the CLI now */
	log->out = log->err = log->wake[0] = log->report = -1;
	log->running = true;
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
		if (log->wake[i] >= 0)
			close(log->wake[i]);
		log->wake[i] = -1;
	}
	restore_stdio(log);
	close(log->file);
	log->file = -1;
	return -1;
}

void container_log_report(struct container_log *log, char verdict)
{
	if (log->running && log->wake[1] >= 0) {
		if (write(log->wake[1], &verdict, 1) != 1)
			return;
		close(log->wake[1]);
		log->wake[1] = -1;
	}
}

void container_log_stop(struct container_log *log)
{
	if (!log->running)
		return;
	fflush(NULL);
	restore_stdio(log);
	if (log->wake[1] >= 0)
		close(log->wake[1]);
	log->wake[1] = -1;
	while (waitpid(log->logger, NULL, 0) < 0 && errno == EINTR)
		;
	log->running = false;
	close(log->file);
}
