/*
 * harness.h - what system tests share: a sandbox with its own state folders, running the
 * tinydock binary as a user would, and cleaning up even when a test fails.
 *
 * Every test gets a fresh folder under /tmp with TINYDOCK_ROOT and TINYDOCK_RUN inside it,
 * so tests never touch a user's images and can run side by side. harness_use_sandbox(tcase)
 * gives each test of a test case its own: made in the test's process before the test, removed
 * after it, and removed again by the runner process at the end of the test case, so that even
 * a test that crashed or timed out leaves nothing mounted or behind.
 */
#ifndef TINYDOCK_HARNESS_H
#define TINYDOCK_HARNESS_H

#include <limits.h>
#include <stdbool.h>

struct sandbox {
	char dir[PATH_MAX];    /* the test's own folder, /tmp/tinydock-test.XXXXXX */
	char root[PATH_MAX];   /* TINYDOCK_ROOT */
	char run[PATH_MAX];    /* TINYDOCK_RUN */
	char rootfs[PATH_MAX]; /* a busybox root filesystem with probe and chroot-escape in /bin */
};

/* The sandbox of the test that is running. */
extern struct sandbox sandbox;

/* Give every test of t a fresh sandbox (and TINYDOCK_ROOT/TINYDOCK_RUN pointing into it). */
struct TCase;
void harness_use_sandbox(struct TCase *t);

/* Unmount everything below dir (deepest first) and remove the tree; safe to call twice. */
void sandbox_remove(const char *dir);

struct run_result {
	int status;  /* exit code, 128+N for signal N, or -1 if it had to be killed after the timeout */
	char *out;   /* everything written on stdout (NUL-terminated) */
	char *err;   /* everything written on stderr */
};

/* Run $TINYDOCK (the binary under test) with the given arguments (NULL-terminated), feeding
 * input (may be NULL) on stdin; kill it after timeout_seconds. Free the result with run_free. */
struct run_result run_tinydock(const char *input, int timeout_seconds, const char *arg, ...)
	__attribute__((sentinel));

/* The same for any program (argv[0] is looked up on PATH). */
struct run_result run_program(const char *input, int timeout_seconds, const char *const argv[]);

void run_free(struct run_result *result);

struct json;
/* `tinydock inspect REF`'s first document, as a JSON tree (free it with json_free); the test
 * fails when inspect does or prints no JSON. */
struct json *inspect_json(const char *ref);

/* True when a program of that name is on PATH. */
bool have_program(const char *name);

/* Mark the running test as skipped (a peer tool is missing): prints "skipped: TEST: reason" and
 * records the test for the runner's totals. The test must return right away: SKIP_TEST does
 * both. A skipped test that fails anyway is counted as failed, not skipped. */
void harness_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define SKIP_TEST(...)                       \
	do {                                 \
		harness_skip(__VA_ARGS__);   \
		return;                      \
	} while (0)

/* A Linux bridge for `tinydock run`'s default network in this process and its children: named
 * PREFIX<pid>, with a subnet 10.A.X.0/24 (X from the pid) that no route of the host overlaps,
 * set as TINYDOCK_BRIDGE and TINYDOCK_BRIDGE_SUBNET. The bridge is listed for the runner to
 * remove when it ends, even after a test crashed. harness_begin does this once for every
 * system test (as root): no test ever touches a real tinydock0 or another run's bridge. */
void harness_use_bridge(const char *prefix, int a);

/* A subnet 10.A.X.0/24 (X from the pid) that no route of the host overlaps yet. */
void harness_free_subnet(int a, char subnet[32]);

/* A TCP port nobody listens on now, on any address (so on loopback too): the kernel's pick
 * for a socket bound to port 0, released again. */
int harness_free_port(void);

/* List a link (a test network's bridge) for the runner to remove when it ends. */
void harness_remove_link_at_end(const char *name);

/* For the runner: before the tests, set up the files in which tests record their skips
 * (TINYDOCK_SKIP_FILE, one "TEST<tab>REASON" line per skipped test), sandboxes and bridges. */
void harness_begin(void);

/* Run every test of t against chapter's own binary, build/chNN/tinydock beside $TINYDOCK
 * (which is the whole system, build/tinydock): a test of chapter 03 is judged by what chapter
 * 03 and the earlier ones built, and shows that stage working on its own. Call it first, before
 * the test case's other fixtures. */
void harness_use_stage(struct TCase *t, int chapter);

/* The path of chapter's own binary: build/ch03/tinydock beside $TINYDOCK (build/tinydock). */
void harness_stage_binary(int chapter, char path[PATH_MAX]);

/* Paths of the helper programs built by make (from the environment the Makefile sets); the
 * tinydock binary is the test case's stage binary if it has one (harness_use_stage). */
const char *tinydock_binary(void);
const char *probe_binary(void);
const char *escape_binary(void);

/* A path of the source tree the binary under test was built in (examples, scripts): relative
 * (such as "07-compose/examples/shop") below the first folder above tinydock_binary() that
 * holds it, or relative to the working folder when none does. */
void harness_source_path(const char *relative, char out[PATH_MAX]);

#endif
