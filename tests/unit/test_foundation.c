/*
 * test_foundation.c - the error convention, --explain, argument helpers and files written whole
 * (01-chroot).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic-file.h"
#include "cli.h"
#include "error.h"
#include "exec.h"
#include "explain.h"
#include "files.h"

START_TEST(fail_names_the_object_and_appends_the_reason_from_errno)
{
	errno = ENOENT;
	ck_assert_int_eq(fail_sys("cannot open \"%s\"", "/nowhere"), -1);
	ck_assert_str_eq(error_message(), "cannot open \"/nowhere\": No such file or directory");
	ck_assert_int_eq(error_errno(), ENOENT);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(fail_context_puts_the_caller_in_front)
{
	fail_errno(EBUSY, "cannot write \"%s\" to \"%s\"", "67108864", "memory.max");
	fail_context("run");
	ck_assert_str_eq(error_message(), "run: cannot write \"67108864\" to \"memory.max\": Device or resource busy");
}
END_TEST

START_TEST(fail_errno_zero_records_no_reason)
{
	fail_errno(0, "\"%s\" is not a directory", "/tmp/x");
	ck_assert_str_eq(error_message(), "\"/tmp/x\" is not a directory");
	ck_assert_int_eq(error_errno(), 0);
}
END_TEST

START_TEST(a_cleanup_that_fails_too_does_not_replace_the_first_error)
{
	fail_errno(EBUSY, "cannot write \"%s\" to \"%s\"", "67108864", "memory.max");
	struct error_saved first;
	error_save(&first);
	errno = ENOENT; /* the cleanup fails, and records why */
	fail_sys("cannot remove \"%s\"", "/sys/fs/cgroup/tinydock/4f2a");
	errno = 0;
	ck_assert_int_eq(error_restore(&first), -1);
	ck_assert_str_eq(error_message(), "cannot write \"67108864\" to \"memory.max\": Device or resource busy");
	ck_assert_int_eq(error_errno(), EBUSY);
	ck_assert_int_eq(errno, EBUSY);
	fail_context("run"); /* the first error goes on up as any other */
	ck_assert_str_eq(error_message(), "run: cannot write \"67108864\" to \"memory.max\": Device or resource busy");
}
END_TEST

START_TEST(a_restored_error_without_a_reason_keeps_errno_zero)
{
	fail_errno(0, "\"%s\" is not a directory", "/tmp/x");
	struct error_saved first;
	error_save(&first);
	error_clear(); /* a cleanup that succeeded may clear, too */
	ck_assert_int_eq(error_restore(&first), -1);
	ck_assert_str_eq(error_message(), "\"/tmp/x\" is not a directory");
	ck_assert_int_eq(error_errno(), 0);
}
END_TEST

static void *fail_in_a_thread(void *saved)
{
	errno = EPIPE;
	fail_sys("cannot write to \"%s\"", "blob.tmp");
	error_save(saved);
	return NULL;
}

START_TEST(an_error_saved_in_one_thread_is_recorded_in_another)
{
	struct error_saved from_thread;
	pthread_t thread;
	error_clear();
	ck_assert_int_eq(pthread_create(&thread, NULL, fail_in_a_thread, &from_thread), 0);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_str_eq(error_message(), ""); /* messages are per thread */
	error_restore(&from_thread);
	ck_assert_str_eq(error_message(), "cannot write to \"blob.tmp\": Broken pipe");
	ck_assert_int_eq(error_errno(), EPIPE);
}
END_TEST

/* Capture what explain_result prints on stderr, from a child so the test's stderr stays clean. */
static void capture_explain(long result, int err, char *out, size_t size)
{
	int pipefd[2];
	ck_assert_int_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		explain_enable(true);
		errno = err;
		long back = explain_result("01-chroot", result, "chroot(\"%s\")", "/tmp/jail");
		_exit(back == result && errno == err ? 0 : 1);
	}
	close(pipefd[1]);
	ssize_t n = read(pipefd[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "explain_result changed result or errno");
}

/* What a child writes on stderr while it runs fn, read back (the test's stderr stays clean). */
static void capture_stderr(void (*fn)(void), char *out, size_t size)
{
	int pipefd[2];
	ck_assert_int_eq(pipe(pipefd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		fn();
		fflush(stderr);
		_exit(0);
	}
	close(pipefd[1]);
	size_t got = 0;
	ssize_t n;
	while (got < size - 1 && (n = read(pipefd[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
}

/* A run whose cgroup could not be removed, then whose record could not be written. */
static void defer_two_then_fail(void)
{
	fail_errno(EBUSY, "cannot remove cgroup \"/sys/fs/cgroup/tinydock/4f2a\"");
	error_defer();
	fail_errno(ENOSPC, "cannot record the exit of container 4f2a");
	error_defer();
	if (error_message()[0] != '\0')
		_exit(1); /* deferring leaves nothing recorded */
	fail_errno(0, "run: the container's init was gone");
	error_report(125);
	error_report_deferred(); /* said once: nothing is left to say */
}

START_TEST(deferred_failures_are_said_after_the_commands_own_error_once)
{
	char out[1024];
	capture_stderr(defer_two_then_fail, out, sizeof(out));
	ck_assert_str_eq(out, "tinydock: run: the container's init was gone\n"
			      "tinydock: cannot remove cgroup \"/sys/fs/cgroup/tinydock/4f2a\": Device or resource busy\n"
			      "tinydock: cannot record the exit of container 4f2a: No space left on device\n");
}
END_TEST

static void defer_too_many(void)
{
	for (int i = 0; i < ERROR_DEFERRED_MAX + 3; i++) {
		fail_errno(0, "clean-up step %d failed", i);
		error_defer();
	}
	error_report_deferred(); /* a command that succeeded: main says them */
}

START_TEST(deferred_failures_beyond_the_limit_are_counted_not_lost_silently)
{
	char out[1024];
	capture_stderr(defer_too_many, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "tinydock: clean-up step 0 failed\n"));
	ck_assert_ptr_nonnull(strstr(out, "tinydock: clean-up step 3 failed\n"));
	ck_assert_ptr_null(strstr(out, "step 4"));
	ck_assert_ptr_nonnull(strstr(out, "tinydock: (and 3 more failures, not shown)\n"));
}
END_TEST

/* confirmed(what) in a child whose stdin holds answer: 1 yes, 0 no; the prompt into prompt. */
static int confirm_with(const char *answer, char *prompt, size_t size)
{
	int in[2], out[2];
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(write(in[1], answer, strlen(answer)), (ssize_t)strlen(answer));
	close(in[1]);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		_exit(confirmed("This will remove all stopped containers.") ? 1 : 0);
	}
	close(in[0]);
	close(out[1]);
	ssize_t n = read(out[0], prompt, size - 1);
	prompt[n > 0 ? n : 0] = '\0';
	close(out[0]);
	int status;
	waitpid(pid, &status, 0);
	return WEXITSTATUS(status);
}

START_TEST(a_prune_asks_and_only_an_answer_of_yes_goes_on)
{
	char prompt[256];
	ck_assert_int_eq(confirm_with("y\n", prompt, sizeof(prompt)), 1);
	ck_assert_str_eq(prompt, "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ");
	ck_assert_int_eq(confirm_with("Yes\n", prompt, sizeof(prompt)), 1);
	ck_assert_int_eq(confirm_with("n\n", prompt, sizeof(prompt)), 0);
	ck_assert_int_eq(confirm_with("\n", prompt, sizeof(prompt)), 0);
	ck_assert_int_eq(confirm_with("", prompt, sizeof(prompt)), 0); /* end of input: no */
}
END_TEST

START_TEST(explain_prints_the_step_with_its_chapter_and_result)
{
	char line[512];
	capture_explain(0, 0, line, sizeof(line));
	ck_assert_str_eq(line, "[01-chroot] chroot(\"/tmp/jail\") = 0\n");
	capture_explain(-1, ENOENT, line, sizeof(line));
	ck_assert_str_eq(line, "[01-chroot] chroot(\"/tmp/jail\") = -1 ENOENT (No such file or directory)\n");
}
END_TEST

START_TEST(explain_is_silent_unless_asked)
{
	explain_enable(false);
	ck_assert(!explain_enabled());
	explain_enable(true);
	ck_assert(explain_enabled());
	explain_enable(false);
}
END_TEST

START_TEST(parse_size_reads_docker_style_sizes)
{
	int64_t bytes;
	ck_assert_int_eq(parse_size("64m", &bytes), 0);
	ck_assert_int_eq(bytes, 64LL << 20);
	ck_assert_int_eq(parse_size("1g", &bytes), 0);
	ck_assert_int_eq(bytes, 1LL << 30);
	ck_assert_int_eq(parse_size("512k", &bytes), 0);
	ck_assert_int_eq(bytes, 512LL << 10);
	ck_assert_int_eq(parse_size("1048576", &bytes), 0);
	ck_assert_int_eq(bytes, 1048576);
	ck_assert_int_eq(parse_size("64MiB", &bytes), 0);
	ck_assert_int_eq(bytes, 64LL << 20);
	ck_assert_int_eq(parse_size("1.5g", &bytes), 0);
	ck_assert_int_eq(bytes, 3LL << 29);
}
END_TEST

START_TEST(parse_size_refuses_garbage)
{
	int64_t bytes;
	ck_assert_int_eq(parse_size("", &bytes), -1);
	ck_assert_int_eq(parse_size("-1m", &bytes), -1);
	ck_assert_int_eq(parse_size("12q", &bytes), -1);
	ck_assert_int_eq(parse_size("m", &bytes), -1);
	ck_assert_int_eq(parse_size("64mbx", &bytes), -1);
	ck_assert_int_eq(parse_size("99999999999t", &bytes), -1);
}
END_TEST

START_TEST(parse_uint_takes_whole_numbers_within_range)
{
	unsigned long long v;
	ck_assert_int_eq(parse_uint("42", 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(parse_uint("101", 100, &v), -1);
	ck_assert_int_eq(parse_uint("4x", 100, &v), -1);
	ck_assert_int_eq(parse_uint("-4", 100, &v), -1);
	ck_assert_int_eq(parse_uint("", 100, &v), -1);
}
END_TEST

START_TEST(asks_for_help_only_looks_at_options_before_the_operands)
{
	char *a[] = { "chroot", "--help", NULL };
	char *b[] = { "chroot", "/tmp/x", "ls", "--help", NULL };
	char *c[] = { "chroot", "-h", NULL };
	ck_assert(asks_for_help(2, a));
	ck_assert(!asks_for_help(4, b));
	ck_assert(asks_for_help(2, c));
}
END_TEST

START_TEST(exit_codes_follow_the_shell_and_docker)
{
	ck_assert_int_eq(exit_code_for_exec_errno(ENOENT), 127);
	ck_assert_int_eq(exit_code_for_exec_errno(EACCES), 126);
	ck_assert_int_eq(exit_code_for_exec_errno(ENOEXEC), 126);
	ck_assert_int_eq(exit_code_for_wait_status(3 << 8), 3);
	ck_assert_int_eq(exit_code_for_wait_status(9 /* killed by SIGKILL */), 137);
}
END_TEST

START_TEST(find_command_walks_path_and_tells_missing_from_not_executable)
{
	char dir[] = "/tmp/tinydock-unit.XXXXXX", path[512], found[512];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tool", dir);
	ck_assert_int_eq(write_file_atomic(path, "#!/bin/sh\n", 10, 0755), 0);
	snprintf(path, sizeof(path), "%s/data", dir);
	ck_assert_int_eq(write_file_atomic(path, "x", 1, 0644), 0);
	char search[600];
	snprintf(search, sizeof(search), "/nonexistent:%s", dir);

	ck_assert_int_eq(find_command("tool", search, found, sizeof(found)), 0);
	snprintf(path, sizeof(path), "%s/tool", dir);
	ck_assert_str_eq(found, path);
	ck_assert_int_eq(find_command("data", search, found, sizeof(found)), -1);
	ck_assert_int_eq(error_errno(), EACCES);
	ck_assert_int_eq(find_command("nothing", search, found, sizeof(found)), -1);
	ck_assert_int_eq(error_errno(), ENOENT);
	ck_assert_ptr_nonnull(strstr(error_message(), "\"nothing\": executable file not found in $PATH"));
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

static void assert_file_holds(const char *path, const char *text)
{
	char *seen = read_file(path, NULL);
	ck_assert_msg(seen, "%s", error_message());
	ck_assert_str_eq(seen, text);
	free(seen);
}

START_TEST(an_atomic_file_has_its_name_only_once_committed_and_leaves_nothing_when_abandoned)
{
	char dir[] = "/tmp/tinydock-unit.XXXXXX", path[512];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/img.tar", dir);
	ck_assert_int_eq(write_file_atomic(path, "old", 3, 0644), 0);
	struct atomic_file f;
	ck_assert_msg(atomic_file_open(&f, path, 0644) == 0, "%s", error_message());
	ck_assert_int_eq(write_all(f.fd, "new and longer", 14), 0);
	assert_file_holds(path, "old"); /* a reader meanwhile sees the old file, whole */
	ck_assert_msg(atomic_file_commit(&f) == 0, "%s", error_message());
	assert_file_holds(path, "new and longer");

	ck_assert_int_eq(atomic_file_open(&f, path, 0644), 0);
	ck_assert_int_eq(write_all(f.fd, "half", 4), 0);
	char temp[sizeof(f.temp)];
	snprintf(temp, sizeof(temp), "%s", f.temp);
	fail_errno(ENOSPC, "cannot write the archive"); /* the writer fails, and gives up */
	atomic_file_abort(&f);
	ck_assert_str_eq(error_message(), "cannot write the archive: No space left on device");
	ck_assert_int_eq(access(temp, F_OK), -1);
	assert_file_holds(path, "new and longer");
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

START_TEST(an_atomic_file_never_writes_through_a_symlink_planted_at_its_temporary_name)
{
	char dir[] = "/tmp/tinydock-unit.XXXXXX", path[512], victim[512], planted[600];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/img.tar", dir);
	snprintf(victim, sizeof(victim), "%s/shadow", dir);
	ck_assert_int_eq(write_file_atomic(victim, "secret", 6, 0600), 0);
	/* In a shared folder such as /tmp anyone can guess PATH.tmp.PID and put a link there. */
	snprintf(planted, sizeof(planted), "%s.tmp.%d", path, (int)getpid());
	ck_assert_int_eq(symlink(victim, planted), 0);
	ck_assert_int_eq(write_file_atomic(path, "archive", 7, 0644), 0);
	assert_file_holds(victim, "secret");
	assert_file_holds(path, "archive");
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

START_TEST(write_file_atomic_replaces_and_read_file_reads_back)
{
	char dir[] = "/tmp/tinydock-unit.XXXXXX", path[512];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a/b/state.json", dir);
	char parent[512];
	snprintf(parent, sizeof(parent), "%s/a/b", dir);
	ck_assert_int_eq(make_dirs(parent, 0755), 0);
	ck_assert_int_eq(write_file_atomic(path, "{\"v\":1}", 7, 0600), 0);
	ck_assert_int_eq(write_file_atomic(path, "{\"v\":22}", 8, 0600), 0);
	size_t size;
	char *data = read_file(path, &size);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(size, 8);
	ck_assert_str_eq(data, "{\"v\":22}");
	free(data);
	ck_assert_ptr_null(read_file("/nonexistent/file", NULL));
	ck_assert_str_eq(error_message(), "cannot open \"/nonexistent/file\": No such file or directory");
	ck_assert_int_eq(remove_tree(dir), 0);
	ck_assert(!is_directory(dir));
}
END_TEST

/* What sync_observer saw: each step, and what the file held at that moment. */
static char seen_steps[4][64], seen_paths[4][512], seen_content[4][64];
static int seen_count;
static char watched_file[512];

static void record_sync(const char *step, const char *path)
{
	if (seen_count >= 4)
		return;
	snprintf(seen_steps[seen_count], sizeof(seen_steps[0]), "%s", step);
	snprintf(seen_paths[seen_count], sizeof(seen_paths[0]), "%s", path);
	char *data = read_file(watched_file, NULL);
	snprintf(seen_content[seen_count], sizeof(seen_content[0]), "%s", data ? data : "(none)");
	free(data);
	seen_count++;
}

/* Power loss, not kill -9: the new name must reach the disk, so the folder is synced, and
 * only after the rename (when the folder already holds the new file). */
START_TEST(write_file_atomic_syncs_the_folder_after_the_rename)
{
	char dir[] = "/tmp/tinydock-unit.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(watched_file, sizeof(watched_file), "%s/state.json", dir);
	seen_count = 0;
	sync_observer = record_sync;
	int rc = write_file_atomic(watched_file, "new", 3, 0600);
	sync_observer = NULL;
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(seen_count, 1);
	ck_assert_str_eq(seen_steps[0], "fsync folder");
	ck_assert_str_eq(seen_paths[0], dir);
	ck_assert_str_eq(seen_content[0], "new");
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

/* Runtime state and a --rm container's files: replaced whole, with no temporary left, and no
 * fsync (each costs milliseconds on a disk, for files a power cut makes meaningless). */
START_TEST(write_file_atomic_nosync_replaces_whole_without_syncing)
{
	char dir[] = "/tmp/tinydock-unit.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(watched_file, sizeof(watched_file), "%s/state.json", dir);
	ck_assert_int_eq(write_file_atomic_nosync(watched_file, "old", 3, 0600), 0);
	seen_count = 0;
	sync_observer = record_sync;
	int rc = write_file_atomic_nosync(watched_file, "newer", 5, 0600);
	sync_observer = NULL;
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(seen_count, 0);
	char *data = read_file(watched_file, NULL);
	ck_assert_str_eq(data, "newer");
	free(data);
	char temp[600];
	snprintf(temp, sizeof(temp), "%s.tmp.%d", watched_file, (int)getpid());
	ck_assert_int_eq(access(temp, F_OK), -1);
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

START_TEST(remove_tree_does_not_follow_symlinks_out_of_the_tree)
{
	char outside[] = "/tmp/tinydock-unit.XXXXXX", tree[] = "/tmp/tinydock-unit.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(outside));
	ck_assert_ptr_nonnull(mkdtemp(tree));
	char precious[512], link_path[512];
	snprintf(precious, sizeof(precious), "%s/precious", outside);
	ck_assert_int_eq(write_file_atomic(precious, "keep", 4, 0644), 0);
	snprintf(link_path, sizeof(link_path), "%s/escape", tree);
	ck_assert_int_eq(symlink(outside, link_path), 0);
	ck_assert_int_eq(remove_tree(tree), 0);
	ck_assert_int_eq(access(precious, F_OK), 0);
	ck_assert_int_eq(remove_tree(outside), 0);
}
END_TEST

/* The options a `run` would have: a prefix of two of them must not pass for either. */
static const struct option run_like[] = {
	{ "pids-limit", required_argument, NULL, 'P' },
	{ "privileged", no_argument, NULL, 'p' },
	{ "rm", no_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 },
};

/* The options cli_getopt returns for argv, as a string ("P!" for '?'), until -1. */
static void options_of(int argc, char **argv, char *out, size_t size)
{
	size_t n = 0;
	optind = 0;
	opterr = 0;
	for (int opt; n + 1 < size && (opt = cli_getopt(argc, argv, "+", run_like, NULL)) != -1;)
		out[n++] = opt == '?' ? '!' : (char)opt;
	out[n] = '\0';
}

START_TEST(a_long_flag_is_taken_by_its_whole_name_only)
{
	char got[16];
	char *whole[] = { "run", "--pids-limit", "5", "--privileged", "--rm", "--pids-limit=7", "busybox", NULL };
	options_of(7, whole, got, sizeof(got));
	ck_assert_str_eq(got, "PprP");
	ck_assert_str_eq(whole[optind], "busybox");

	/* Docker's `--pid host` is not --pids-limit: refused, and the flag is what argv[optind-1] names */
	char *pid[] = { "run", "--pid", "host", "busybox", NULL };
	options_of(4, pid, got, sizeof(got));
	ck_assert_str_eq(got, "!");
	ck_assert_str_eq(pid[optind - 1], "--pid");
	char *priv[] = { "run", "--priv", "busybox", NULL };
	options_of(3, priv, got, sizeof(got));
	ck_assert_str_eq(got, "!");
	ck_assert_str_eq(priv[optind - 1], "--priv");
	char *equals[] = { "run", "--pids=3", "busybox", NULL };
	options_of(3, equals, got, sizeof(got));
	ck_assert_str_eq(got, "!");
}
END_TEST

/* A short boolean -d, an -e that takes a value, and run_like's long flags, as `run` has them. */
static const char run_like_shorts[] = "+de:";

/* The options and values cli_getopt returns for argv, as "r=false P=5 d e=X ! ", until -1. */
static void flags_of(int argc, char **argv, char *out, size_t size)
{
	size_t n = 0;
	optind = 0;
	opterr = 0;
	out[0] = '\0';
	for (int opt; (opt = cli_getopt(argc, argv, run_like_shorts, run_like, NULL)) != -1;)
		n += (size_t)snprintf(out + n, size - n, opt == '?' ? "! " : optarg ? "%c=%s " : "%c ", opt, optarg);
}

START_TEST(a_boolean_flag_takes_dockers_true_and_false_words_joined_by_an_equals_sign)
{
	char got[128];
	char *words[] = { "run", "--rm=true", "--privileged=false", "--rm=0", "--rm=T", "--privileged=FALSE",
			  "--rm=True", "--rm=f", "--rm", "busybox", NULL };
	flags_of(10, words, got, sizeof(got));
	ck_assert_str_eq(got, "r=true p=false r=0 r=T p=FALSE r=True r=f r ");
	ck_assert_str_eq(words[optind], "busybox");
	ck_assert(cli_flag_on(NULL));
	ck_assert(cli_flag_on("1") && cli_flag_on("TRUE") && cli_flag_on("t"));
	ck_assert(!cli_flag_on("0") && !cli_flag_on("False") && !cli_flag_on("F"));
}
END_TEST

START_TEST(a_short_boolean_takes_its_value_after_an_equals_sign_and_the_next_word_is_a_flag_again)
{
	char got[128];
	char *words[] = { "run", "-d=false", "-e", "A=1", "-d", "-d=1", "-e=B", "-de", "C", "img", NULL };
	flags_of(10, words, got, sizeof(got));
	/* -e=B is -e with the value "=B", as getopt and pflag both read it */
	ck_assert_str_eq(got, "d=false e=A=1 d d=1 e==B d e=C ");
	ck_assert_str_eq(words[optind], "img");
	/* the value's letters are not flags: "-d=tee" is a bad value, not -d -t -e -e */
	char *letters[] = { "run", "-d=de", "img", NULL };
	flags_of(3, letters, got, sizeof(got));
	ck_assert_str_eq(got, "! ");
	ck_assert_str_eq(letters[optind - 1], "-d=de");
	ck_assert_str_eq(letters[optind], "img");
}
END_TEST

START_TEST(a_boolean_flag_with_a_value_that_is_not_a_boolean_is_refused)
{
	char got[64];
	char *maybe[] = { "run", "--rm=maybe", "busybox", NULL };
	flags_of(3, maybe, got, sizeof(got));
	ck_assert_str_eq(got, "! ");
	ck_assert_str_eq(maybe[optind - 1], "--rm=maybe");
	char *empty[] = { "run", "--rm=", "busybox", NULL };
	flags_of(3, empty, got, sizeof(got));
	ck_assert_str_eq(got, "! ");
	/* a shortened name stays refused with a value too */
	char *prefix[] = { "run", "--priv=true", "busybox", NULL };
	flags_of(3, prefix, got, sizeof(got));
	ck_assert_str_eq(got, "! ");
	ck_assert_str_eq(prefix[optind - 1], "--priv=true");
	/* `--rm false`: the flag alone, then the operand "false" (pflag never takes the next word) */
	char *apart[] = { "run", "--rm", "false", NULL };
	flags_of(3, apart, got, sizeof(got));
	ck_assert_str_eq(got, "r ");
	ck_assert_str_eq(apart[optind], "false");
	bool value = true;
	ck_assert(!cli_parse_bool("yes", &value) && value);
	ck_assert(!cli_parse_bool("tRUE", &value) && value);
}
END_TEST

Suite *foundation_suite(void)
{
	Suite *s = suite_create("foundation");
	TCase *t = tcase_create("errors_and_explain");
	tcase_add_test(t, fail_names_the_object_and_appends_the_reason_from_errno);
	tcase_add_test(t, fail_context_puts_the_caller_in_front);
	tcase_add_test(t, fail_errno_zero_records_no_reason);
	tcase_add_test(t, a_cleanup_that_fails_too_does_not_replace_the_first_error);
	tcase_add_test(t, a_restored_error_without_a_reason_keeps_errno_zero);
	tcase_add_test(t, deferred_failures_are_said_after_the_commands_own_error_once);
	tcase_add_test(t, deferred_failures_beyond_the_limit_are_counted_not_lost_silently);
	tcase_add_test(t, a_prune_asks_and_only_an_answer_of_yes_goes_on);
	tcase_add_test(t, an_error_saved_in_one_thread_is_recorded_in_another);
	tcase_add_test(t, explain_prints_the_step_with_its_chapter_and_result);
	tcase_add_test(t, explain_is_silent_unless_asked);
	suite_add_tcase(s, t);
	t = tcase_create("arguments_and_exec");
	tcase_add_test(t, a_long_flag_is_taken_by_its_whole_name_only);
	tcase_add_test(t, a_boolean_flag_takes_dockers_true_and_false_words_joined_by_an_equals_sign);
	tcase_add_test(t, a_short_boolean_takes_its_value_after_an_equals_sign_and_the_next_word_is_a_flag_again);
	tcase_add_test(t, a_boolean_flag_with_a_value_that_is_not_a_boolean_is_refused);
	tcase_add_test(t, parse_size_reads_docker_style_sizes);
	tcase_add_test(t, parse_size_refuses_garbage);
	tcase_add_test(t, parse_uint_takes_whole_numbers_within_range);
	tcase_add_test(t, asks_for_help_only_looks_at_options_before_the_operands);
	tcase_add_test(t, exit_codes_follow_the_shell_and_docker);
	tcase_add_test(t, find_command_walks_path_and_tells_missing_from_not_executable);
	suite_add_tcase(s, t);
	t = tcase_create("files");
	tcase_add_test(t, write_file_atomic_replaces_and_read_file_reads_back);
	tcase_add_test(t, write_file_atomic_syncs_the_folder_after_the_rename);
	tcase_add_test(t, write_file_atomic_nosync_replaces_whole_without_syncing);
	tcase_add_test(t, an_atomic_file_has_its_name_only_once_committed_and_leaves_nothing_when_abandoned);
	tcase_add_test(t, an_atomic_file_never_writes_through_a_symlink_planted_at_its_temporary_name);
	tcase_add_test(t, remove_tree_does_not_follow_symlinks_out_of_the_tree);
	suite_add_tcase(s, t);
	return s;
}
