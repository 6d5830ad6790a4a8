/*
 * error.h - the one error convention of tinydock.
 *
 * Every function that can fail returns -1 (or NULL) and records a message that
 * names the operation, the object and the reason:
 *
 *     if (chroot(dir) < 0)
 *         return fail_sys("cannot chroot to \"%s\"", dir);
 *
 * records  cannot chroot to "/tmp/x": No such file or directory
 *
 * The reason is taken from errno at the moment fail_sys() is called, so call it
 * right after the failing system call. A caller that knows more adds context in
 * front with fail_context() and passes the -1 on. Only the command at the top
 * prints, once: "tinydock: <message>" on stderr, then exits non-zero. That is the
 * one format of an error line, for every command.
 *
 * Cleanup after a failure can fail too, and would record its own message over the
 * one that explains what went wrong. Keep the first one aside while cleaning up:
 *
 *     struct error_saved first;
 *     error_save(&first);
 *     cgroup_remove(cg);           (may record "cannot remove ...")
 *     return error_restore(&first); (the reason we are cleaning up is what is reported)
 *
 * The message lives in thread-local storage, so threads (the registry server,
 * the port proxy) cannot overwrite each other's errors.
 * See crun's design-docs/error_handling.md for the idea this follows.
 */
#ifndef TINYDOCK_ERROR_H
#define TINYDOCK_ERROR_H

/* The longest message kept; longer ones are cut (a message is for people). */
#define ERROR_MESSAGE_SIZE 2048

/* Exit codes, as Docker uses them (docker run --help, "Exit Status"). */
enum {
	EXIT_TINYDOCK_FAILED = 125, /* tinydock itself failed */
	EXIT_NOT_EXECUTABLE = 126,  /* the command exists but cannot be executed */
	EXIT_NOT_FOUND = 127,       /* the command was not found */
};

/* Record "<message>: <strerror(errno)>" and return -1. */
int fail_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Record "<message>: <strerror(err)>" (no reason appended when err is 0); return -1. */
int fail_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepend "<context>: " to the recorded message; return -1. */
int fail_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The recorded message ("" if none) and the errno that caused it (0 if none). */
const char *error_message(void);
int error_errno(void);
void error_clear(void);

/* A recorded error set aside: the message and the errno that caused it. */
struct error_saved {
	char message[ERROR_MESSAGE_SIZE];
	int err;
};

/* Copy the recorded error into *saved, before cleanup that may record its own. */
void error_save(struct error_saved *saved);

/* Record *saved again, whatever was recorded since, with errno set to its errno; return -1.
 * It also hands an error from one thread to another (messages are per thread). */
int error_restore(const struct error_saved *saved);

/* Print "tinydock: <message>" on stderr, then the deferred messages (below), and return
 * status: `return error_report(125);` */
int error_report(int status);

/*
 * Deferred messages. Only the command layer prints, but some failures must not stop the work
 * or replace the error being handled: a clean-up step that fails while another failure is
 * unwound, a record that cannot be updated after the container has run, a fallback taken.
 * The function that meets one records it as usual and defers it:
 *
 *     if (cgroup_remove(cg) < 0)
 *         error_defer();          (the message moves to the deferred list; nothing recorded)
 *
 * and goes on. The command's own error_report prints them after its message; a command that
 * succeeds has them printed by main (error_report_deferred), and so does every process that
 * is its own top (a container's monitor, before it exits). At most ERROR_DEFERRED_MAX are
 * kept; the count of any more is said.
 */
#define ERROR_DEFERRED_MAX 4
void error_defer(void);

/* Print each deferred message as "tinydock: <message>" on stderr and forget them. */
void error_report_deferred(void);

#endif
