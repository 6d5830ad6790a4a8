/*
 * explain.c - printing kernel-level steps for `--explain` (see explain.h).
 *
 * One facility for all chapters, so that every line looks the same and a
 * student can follow a whole `tinydock run` from the first clone() to the
 * final execve(). Lines are written with a single write(2) each, so lines from
 * a parent and a child process never interleave mid-line.
 */
#include "explain.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int state = -1; /* -1: not decided yet, 0: off, 1: on */

void explain_enable(bool on)
{
	state = on ? 1 : 0;
}

bool explain_enabled(void)
{
	if (state < 0) {
		const char *env = getenv("TINYDOCK_EXPLAIN");
		state = env && *env && strcmp(env, "0") != 0;
	}
	return state == 1;
}

/* TINYDOCK_EXPLAIN_CLOCK=1: each line begins with the monotonic clock in milliseconds
 * (clock_gettime(2), CLOCK_MONOTONIC: one clock for every process of the machine, so the lines
 * of the CLI, the monitor and the container's first process can be subtracted). Where the
 * milliseconds of a `run` go, without a profiler: the gap before a line is the step it names. */
static bool clock_wanted(void)
{
	static int wanted = -1;
	if (wanted < 0) {
		const char *env = getenv("TINYDOCK_EXPLAIN_CLOCK");
		wanted = env && *env && strcmp(env, "0") != 0;
	}
	return wanted == 1;
}

static void emit(const char *chapter, const char *suffix, const char *fmt, va_list ap)
{
	char line[4096];
	int n = 0;
	if (clock_wanted()) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		n = snprintf(line, sizeof(line), "%lld.%03ld ", (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000,
			     (now.tv_nsec / 1000) % 1000);
	}
	n += snprintf(line + n, sizeof(line) - (size_t)n, "[%s] ", chapter);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	n += snprintf(line + n, sizeof(line) - (size_t)n, "%s\n", suffix);
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	ssize_t ignored = write(STDERR_FILENO, line, (size_t)n);
	(void)ignored;
}

void explain(const char *chapter, const char *fmt, ...)
{
	if (!explain_enabled())
		return;
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	emit(chapter, "", fmt, ap);
	va_end(ap);
	errno = saved;
}

long explain_result(const char *chapter, long result, const char *fmt, ...)
{
	if (!explain_enabled())
		return result;
	int saved = errno;
	char suffix[160];
	if (result < 0)
		snprintf(suffix, sizeof(suffix), " = -1 %s (%s)", strerrorname_np(saved) ? strerrorname_np(saved) : "?",
			 strerror(saved));
	else
		snprintf(suffix, sizeof(suffix), " = %ld", result);
	va_list ap;
	va_start(ap, fmt);
	emit(chapter, suffix, fmt, ap);
	va_end(ap);
	errno = saved;
	return result;
}
