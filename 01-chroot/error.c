/*
 * error.c - recording and reporting errors (see error.h for the convention).
 *
 * Part of the foundation that every chapter stands on. Read explain.c next: it
 * is the other half of what a user sees on stderr.
 */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static __thread char message[ERROR_MESSAGE_SIZE];
static __thread int message_errno;

static int record(int err, const char *fmt, va_list ap)
{
	int n = vsnprintf(message, sizeof(message), fmt, ap);
	if (n < 0)
		n = 0;
	if (err != 0 && (size_t)n < sizeof(message))
		snprintf(message + n, sizeof(message) - (size_t)n, ": %s", strerror(err));
	message_errno = err;
	return -1;
}

int fail_sys(const char *fmt, ...)
{
	int err = errno; /* before anything else can change it */
	va_list ap;
	va_start(ap, fmt);
	record(err, fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

int fail_errno(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(err, fmt, ap);
	va_end(ap);
	if (err != 0)
		errno = err;
	return -1;
}

int fail_context(const char *fmt, ...)
{
	char context[512], old[sizeof(message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	memcpy(old, message, sizeof(old));
	/* Truncation is acceptable here: a message is for people and is bounded. */
	size_t n = strlen(context);
	if (n > sizeof(message) - 3)
		n = sizeof(message) - 3;
	memcpy(message, context, n);
	memcpy(message + n, ": ", 2);
	size_t rest = strnlen(old, sizeof(message) - n - 3);
	memcpy(message + n + 2, old, rest);
	message[n + 2 + rest] = '\0';
	return -1;
}

const char *error_message(void)
{
	return message;
}

int error_errno(void)
{
	return message_errno;
}

void error_clear(void)
{
	message[0] = '\0';
	message_errno = 0;
}

void error_save(struct error_saved *saved)
{
	memcpy(saved->message, message, sizeof(saved->message));
	saved->err = message_errno;
}

int error_restore(const struct error_saved *saved)
{
	memcpy(message, saved->message, sizeof(message));
	message_errno = saved->err;
	if (saved->err != 0)
		errno = saved->err;
	return -1;
}

/* The deferred messages of this thread (error.h), oldest first, and how many did not fit. */
static __thread char deferred[ERROR_DEFERRED_MAX][ERROR_MESSAGE_SIZE];
static __thread int deferred_count, deferred_dropped;

void error_defer(void)
{
	if (deferred_count < ERROR_DEFERRED_MAX)
		memcpy(deferred[deferred_count++], message, sizeof(message));
	else
		deferred_dropped++;
	error_clear();
}

void error_report_deferred(void)
{
	for (int i = 0; i < deferred_count; i++)
		fprintf(stderr, "tinydock: %s\n", deferred[i][0] ? deferred[i] : "unknown error");
	if (deferred_dropped > 0)
		fprintf(stderr, "tinydock: (and %d more failures, not shown)\n", deferred_dropped);
	deferred_count = deferred_dropped = 0;
}

int error_report(int status)
{
	fprintf(stderr, "tinydock: %s\n", message[0] ? message : "unknown error");
	error_report_deferred();
	return status;
}
