/*
 * explain.h - `tinydock --explain`: every kernel-level step, printed as it happens.
 *
 * This is the students' window into the system. Each step is one line on stderr,
 * tagged with the chapter that performs it:
 *
 *     [01-chroot] chroot("/tmp/rootfs") = 0
 *     [03-cgroups] write /sys/fs/cgroup/tinydock/4f2a/memory.max = 67108864
 *
 * Code prints the step right after doing it, with the result, so the line tells
 * the truth: explain_result() appends " = 0" or " = -1 ENOENT (No such file or
 * directory)" from the return value and errno. Nothing is printed unless
 * --explain was given or TINYDOCK_EXPLAIN=1 is set, and errno is preserved, so an
 * explain call may sit between a system call and its error check. With
 * TINYDOCK_EXPLAIN_CLOCK=1 too, each line begins with the monotonic clock in
 * milliseconds ("81234.567 [02-namespaces] ..."): where the time of a run goes.
 */
#ifndef TINYDOCK_EXPLAIN_H
#define TINYDOCK_EXPLAIN_H

#include <stdbool.h>

/* Turn explaining on or off (the dispatcher calls this for --explain). */
void explain_enable(bool on);

/* True when steps are being printed (also reads TINYDOCK_EXPLAIN once). */
bool explain_enabled(void);

/* Print "[chapter] <message>". */
void explain(const char *chapter, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "[chapter] <message> = <result>", or "= -1 ENAME (reason)" when result < 0;
 * returns result unchanged, so it can wrap a call: explain_result(CH, chdir("/"), "chdir(\"/\")"). */
long explain_result(const char *chapter, long result, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
