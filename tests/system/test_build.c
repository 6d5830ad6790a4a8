/*
 * test_build.c - `tinydock build` as a user meets it (06-dockerfile/build*.c): the lecture's
 * hello-world built and served, the cache hit and missed, stages, triggers, a failing RUN, the
 * documented ENTRYPOINT/CMD combinations, build args, .dockerignore, and the same context built
 * by `docker build` (the classic builder) compared with ours where Docker is installed.
 */
#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "harness.h"

/* Run a shell script with $T the tinydock binary, $S the sandbox folder, $X the examples
 * folder, "set -e" on, in $S. */
static struct run_result sh(int timeout, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct run_result sh(int timeout, const char *fmt, ...)
{
	char body[16384], script[18000], examples[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	/* the examples beside the binary's source tree: build/ch06/tinydock -> ../../06-dockerfile */
	const char *self = getenv("TINYDOCK");
	snprintf(examples, sizeof(examples), "%s", self ? self : "build/tinydock");
	char *slash = strrchr(examples, '/');
	snprintf(slash ? slash + 1 : examples, sizeof(examples) - (size_t)(slash ? slash + 1 - examples : 0),
		 "../06-dockerfile/examples");
	snprintf(script, sizeof(script), "set -e; T='%s'; S='%s'; X='%s'; cd \"$S\"; %s", tinydock_binary(), sandbox.dir,
		 examples, body);
	const char *argv[] = { "sh", "-c", script, NULL };
	return run_program(NULL, timeout, argv);
}

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)

static int count(const char *text, const char *what)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* A context in $S/ctx with the given Dockerfile and a few files. */
static void context(const char *dockerfile)
{
	struct run_result r = sh(10,
				 "mkdir -p ctx/src; echo one > ctx/src/a.txt; echo two > ctx/src/b.txt;"
				 "cat > ctx/Dockerfile <<'END_OF_DOCKERFILE'\n%s\nEND_OF_DOCKERFILE\n",
				 dockerfile);
	CHECK_OK(r);
	run_free(&r);
}

START_TEST(the_lecture_hello_world_builds_and_serves_its_page_on_the_published_port)
{
	struct run_result r = sh(120, "$T build -t hello-world $X/hello-world");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "Step 1/4 : FROM busybox\n") && strstr(r.out, "Step 2/4 : COPY src/ /var/www/html\n") &&
			      strstr(r.out, "Successfully tagged hello-world:latest\n"),
		      "%s", r.out);
	run_free(&r);
	int port = 20000 + getpid() % 20000;
	r = sh(60,
	       "$T run -d --name web -p %d:80 hello-world >/dev/null;"
	       "for i in $(seq 100); do"
	       "  if $T run --rm --network host busybox wget -qO- http://127.0.0.1:%d/ 2>/dev/null; then break; fi;"
	       "  sleep 0.1; done; $T rm -f web >/dev/null",
	       port, port);
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "<h1>Hello World</h1>"), "%s", r.out);
	run_free(&r);
	r = sh(30, "$T history hello-world");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "/bin/sh -c #(nop)  EXPOSE 80") && strstr(r.out, "COPY dir:"), "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(a_second_build_uses_the_cache_for_every_step_and_gives_the_same_image)
{
	context("FROM busybox\nCOPY src/ /data/\nRUN cat /data/a.txt > /copied\nENV A=1\nCMD [\"cat\", \"/copied\"]");
	struct run_result r = sh(120, "$T build -q -t c ctx; $T build -t c ctx");
	CHECK_OK(r);
	ck_assert_int_eq(count(r.out, " ---> Using cache\n"), 4);
	ck_assert_int_eq(count(r.out, "Running in"), 0);
	char first[80];
	snprintf(first, sizeof(first), "Successfully built %.12s", strchr(r.out, ':') + 1);
	ck_assert_msg(strstr(r.out, first), "the cached build made another image:\n%s", r.out);
	run_free(&r);
	r = sh(30, "$T run --rm c");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "one\n");
	run_free(&r);
}
END_TEST

START_TEST(a_changed_file_misses_the_cache_from_its_copy_on_and_no_cache_misses_everywhere)
{
	context("FROM busybox\nRUN echo before > /before\nCOPY src/ /data/\nRUN cat /data/a.txt > /copied\nCMD [\"cat\", \"/copied\"]");
	struct run_result r = sh(120, "$T build -t c ctx >/dev/null; echo changed > ctx/src/a.txt; $T build -t c ctx");
	CHECK_OK(r);
	/* RUN before the COPY is reused; the COPY and everything after it run again */
	const char *copy = strstr(r.out, "Step 3/5 : COPY");
	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(count(r.out, " ---> Using cache\n"), 1);
	ck_assert_ptr_null(strstr(copy, "Using cache"));
	ck_assert_int_eq(count(r.out, "Running in"), 1);
	run_free(&r);
	r = sh(60, "$T run --rm c; $T build --no-cache -t c ctx");
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "changed\n", 8) == 0, "%s", r.out);
	ck_assert_int_eq(count(r.out, "Using cache"), 0);
	ck_assert_int_eq(count(r.out, "Running in"), 2);
	run_free(&r);
	/* builder prune --help only prints its help: the next build still uses the cache */
	r = sh(60, "$T builder prune --help && $T build -t c ctx");
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "Usage:", 6) == 0, "%s", r.out);
	ck_assert_int_eq(count(r.out, "Running in"), 0);
	run_free(&r);
	/* builder prune empties the cache: the next build runs everything again */
	r = sh(60, "$T builder prune -f; $T build -t c ctx");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "Total reclaimed space:"), "%s", r.out);
	ck_assert_int_eq(count(r.out, "Using cache"), 0);
	run_free(&r);
}
END_TEST

START_TEST(target_builds_only_the_stages_it_needs_and_copy_from_takes_a_stages_files)
{
	context("FROM busybox AS broken\nRUN exit 3\n"
		"FROM busybox AS build\nRUN mkdir /out && echo built > /out/result\n"
		"FROM scratch AS final\nCOPY --from=build /out/result /result\nCOPY --from=build /bin/busybox /bin/cat\n"
		"CMD [\"/bin/cat\", \"/result\"]\n"
		"FROM busybox AS last\nRUN exit 4");
	struct run_result r = sh(120, "$T build --target final -t f ctx");
	CHECK_OK(r);
	ck_assert_msg(!strstr(r.out, "exit 3") && !strstr(r.out, "exit 4"), "an unneeded stage was built:\n%s", r.out);
	run_free(&r);
	r = sh(30, "$T run --rm f");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "built\n");
	run_free(&r);
	/* a COPY --from view left mounted by a build that was killed is swept by the next build */
	r = sh(60, "m=$TINYDOCK_ROOT/build-cache/mnt-2147483647-0; mkdir -p $m; mount -t tmpfs none $m;"
		   "$T build -q --target final ctx >/dev/null; grep -c mnt-2147483647 /proc/mounts || true; ls -d $m 2>/dev/null || true");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "0\n");
	run_free(&r);
	r = sh(30, "$T build --target nosuch ctx");
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "failed to reach build target nosuch in Dockerfile"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(onbuild_triggers_run_when_the_image_is_used_in_from)
{
	context("FROM busybox\nONBUILD RUN echo triggered > /tmp/trigger\nONBUILD COPY src/b.txt /b.txt");
	struct run_result r = sh(120, "$T build -t parent ctx >/dev/null; printf 'FROM parent\\nCMD [\"cat\", \"/tmp/trigger\", \"/b.txt\"]\\n' > ctx/Dockerfile;"
				      "$T build -t child ctx; $T run --rm child");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "# Executing 2 build triggers\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "triggered\ntwo\n"), "%s", r.out);
	run_free(&r);
	/* the child does not pass the triggers on */
	r = sh(30, "$T image inspect child | grep -c '\"OnBuild\": null' || true");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "1\n");
	run_free(&r);
}
END_TEST

START_TEST(a_failing_run_stops_the_build_names_its_exit_code_and_leaves_no_image_or_container)
{
	context("FROM busybox\nRUN echo first\nRUN false\nRUN echo never");
	struct run_result r = sh(120, "$T build -t broken ctx");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "The command '/bin/sh -c false' returned a non-zero code: 1"), "%s", r.err);
	ck_assert_ptr_null(strstr(r.out, "never"));
	run_free(&r);
	r = sh(30, "$T images; $T ps -a -q | wc -l; ls $TINYDOCK_ROOT/containers 2>/dev/null | wc -l");
	CHECK_OK(r);
	ck_assert_msg(!strstr(r.out, "broken"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\n0\n0\n"), "a container was left:\n%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(entrypoint_and_cmd_combine_as_the_reference_table_says)
{
	/* exec ENTRYPOINT + exec CMD: the CMD's words are the entrypoint's arguments */
	context("FROM busybox\nENTRYPOINT [\"echo\", \"e\"]\nCMD [\"c\"]");
	struct run_result r = sh(60, "$T build -q -t ec ctx >/dev/null; $T run --rm ec; $T run --rm ec given");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "e c\ne given\n");
	run_free(&r);
	/* shell ENTRYPOINT: /bin/sh -c "echo e" ignores CMD and run arguments */
	context("FROM busybox\nENTRYPOINT echo e\nCMD [\"c\"]");
	r = sh(60, "$T build -q -t es ctx >/dev/null; $T run --rm es; $T run --rm es given");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "e\ne\n");
	run_free(&r);
	/* shell CMD alone: /bin/sh -c with the line */
	context("FROM busybox\nCMD echo $HOME from shell");
	r = sh(60, "$T build -q -t cs ctx >/dev/null; $T run --rm cs");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "/root from shell\n");
	run_free(&r);
	/* ENTRYPOINT resets a CMD inherited from the base image (busybox's ["sh"]) */
	context("FROM busybox\nENTRYPOINT [\"echo\", \"only\"]");
	r = sh(60, "$T build -q -t eo ctx >/dev/null; $T run --rm eo");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "only\n");
	run_free(&r);
}
END_TEST

START_TEST(build_args_reach_arg_and_run_and_an_unused_one_is_warned_about)
{
	context("ARG TAG=latest\nFROM busybox:${TAG}\nARG TAG\nARG WHO=nobody\nARG UNSET\n"
		"RUN echo \"tag=$TAG who=$WHO unset=${UNSET:-none} proxy=$HTTP_PROXY\" > /args\nCMD [\"cat\", \"/args\"]");
	struct run_result r = sh(120, "$T build -t a --build-arg WHO=students --build-arg EXTRA=1 "
				      "--build-arg HTTP_PROXY=http://proxy:3128 ctx; $T run --rm a");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "[Warning] One or more build-args [EXTRA] were not consumed"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "tag=latest who=students unset=none proxy=http://proxy:3128\n"), "%s", r.out);
	run_free(&r);
	/* a predefined proxy ARG is used without an ARG line, and kept out of the image's history */
	r = sh(30, "$T image inspect a; $T history a");
	CHECK_OK(r);
	ck_assert_ptr_null(strstr(r.out, "proxy:3128"));
	run_free(&r);
	/* the values of ARG are not kept in the image's environment */
	r = sh(30, "$T run --rm a env");
	CHECK_OK(r);
	ck_assert_ptr_null(strstr(r.out, "WHO="));
	run_free(&r);
}
END_TEST

START_TEST(dockerignore_leaves_files_out_of_the_context)
{
	context("FROM busybox\nCOPY . /ctx/\nCMD [\"find\", \"/ctx\"]");
	struct run_result r = sh(120, "printf 'src/b.txt\\n*.key\\n!keep.key\\n' > ctx/.dockerignore; echo s > ctx/secret.key;"
				      "echo k > ctx/keep.key; $T build -q -t i ctx >/dev/null; $T run --rm i | sort");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "/ctx/src/a.txt\n") && strstr(r.out, "/ctx/keep.key\n"), "%s", r.out);
	ck_assert_msg(!strstr(r.out, "b.txt") && !strstr(r.out, "secret.key"), "%s", r.out);
	run_free(&r);
	/* a COPY of an ignored file fails as if it were not there */
	context("FROM busybox\nCOPY secret.key /");
	r = sh(60, "$T build ctx");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "file not found in build context or excluded by .dockerignore"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(workdir_user_and_env_apply_to_run_and_to_the_image)
{
	context("FROM busybox\nENV GREETING=hi DIR=/srv\nWORKDIR $DIR\nWORKDIR app\nRUN echo $GREETING > here && chown nobody here\n"
		"USER nobody\nRUN id -un > /tmp/who\nCOPY --chown=nobody:nogroup src/a.txt owned\n"
		"CMD [\"sh\", \"-c\", \"pwd; cat here /tmp/who; ls -ln owned | cut -c1-30; echo $GREETING\"]");
	struct run_result r = sh(120, "$T build -q -t w ctx >/dev/null; $T run --rm w");
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "/srv/app\nhi\nnobody\n-rw-r--r--    1 65534    65534\nhi\n", 60) == 0, "%s", r.out);
	run_free(&r);
	/* WORKDIR makes its folder in the image even when no step uses it */
	context("FROM busybox\nWORKDIR /made/here\nWORKDIR /etc");
	r = sh(60, "$T build -q -t w2 ctx >/dev/null; $T run --rm -w / w2 ls -ld /made/here | cut -c1-10");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "drwxr-xr-x\n");
	run_free(&r);
}
END_TEST

START_TEST(a_symlink_out_of_the_context_is_copied_as_a_link_never_followed)
{
	context("FROM busybox\nCOPY link /copied\nCOPY ../outside /x\n");
	struct run_result r = sh(60, "echo secret > outside-file; ln -s ../outside-file ctx/link; $T build ctx");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "forbidden path outside the build context"), "%s", r.err);
	run_free(&r);
	context("FROM busybox\nCOPY link /copied\nCMD [\"readlink\", \"/copied\"]");
	r = sh(60, "$T build -q -t l ctx >/dev/null; $T run --rm l; $T run --rm l cat /copied || echo not-followed");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "../outside-file\nnot-followed\n");
	run_free(&r);
}
END_TEST

START_TEST(add_unpacks_a_local_gzip_tar_and_refuses_a_url_and_run_mount_naming_the_line)
{
	context("FROM busybox\nADD files.tar.gz /unpacked/\nCMD [\"cat\", \"/unpacked/src/a.txt\"]");
	struct run_result r = sh(60, "tar czf ctx/files.tar.gz -C ctx src; $T build -q -t t ctx >/dev/null; $T run --rm t");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "one\n");
	run_free(&r);
	context("FROM busybox\n\nADD https://example.com/x /x");
	r = sh(60, "$T build ctx");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "line 3") && strstr(r.err, "URL"), "%s", r.err);
	run_free(&r);
	context("FROM busybox\nRUN --mount=type=cache,target=/c true");
	r = sh(60, "$T build ctx");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "line 2") && strstr(r.err, "--mount"), "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(healthcheck_and_labels_are_stored_as_docker_stores_them)
{
	context("FROM busybox\nLABEL course=containers\nHEALTHCHECK --interval=5s --timeout=2s --retries=3 CMD wget -q localhost || exit 1\nSTOPSIGNAL SIGINT");
	struct run_result r = sh(60, "$T build -q -t h --label extra=yes ctx >/dev/null; $T image inspect h");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "\"CMD-SHELL\",\n") && strstr(r.out, "\"Interval\": 5000000000") &&
			      strstr(r.out, "\"Timeout\": 2000000000") && strstr(r.out, "\"Retries\": 3") &&
			      strstr(r.out, "\"course\": \"containers\"") && strstr(r.out, "\"extra\": \"yes\"") &&
			      strstr(r.out, "\"StopSignal\": \"SIGINT\""),
		      "%s", r.out);
	run_free(&r);
}
END_TEST

/* --- the same context built by Docker's classic builder -------------------------------------- */

static pid_t spawn_dockerd(const char *host, const char *log)
{
	char data[PATH_MAX], exec_root[PATH_MAX], pidfile[PATH_MAX];
	snprintf(data, sizeof(data), "%s/docker-data", sandbox.dir);
	snprintf(exec_root, sizeof(exec_root), "/tmp/tdb-exec-%d", (int)getpid()); /* short: it holds sockets */
	snprintf(pidfile, sizeof(pidfile), "%s/docker.pid", sandbox.dir);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		FILE *out = freopen(log, "w", stdout);
		(void)out;
		dup2(STDOUT_FILENO, STDERR_FILENO);
		execlp("dockerd", "dockerd", "--iptables=false", "--ip-forward=false", "--bridge=none", "--data-root", data,
		       "--exec-root", exec_root, "--pidfile", pidfile, "-H", host, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void stop_dockerd(pid_t pid)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

START_TEST(docker_build_of_the_hello_world_context_gives_the_same_files_and_config)
{
	if (!have_program("dockerd") || !have_program("docker"))
		SKIP_TEST("dockerd or docker is not installed (apt-get install docker.io)");
	char host[128], log[PATH_MAX];
	snprintf(host, sizeof(host), "unix:///tmp/tdb-%d.sock", (int)getpid());
	snprintf(log, sizeof(log), "%s/dockerd.log", sandbox.dir);
	pid_t dockerd = spawn_dockerd(host, log);
	/* Docker gets our busybox (no registry here), builds the context with the classic builder,
	 * and its image comes back into our store, so that one tool shows both. */
	struct run_result r = sh(300,
				 "D='docker -H %s'; for i in $(seq 120); do $D version >/dev/null 2>&1 && break; sleep 0.25; done;"
				 "$T save busybox | $D load >/dev/null;"
				 "DOCKER_BUILDKIT=0 $D build -t docker-hw $X/hello-world >/dev/null;"
				 "$D save docker-hw | $T load >/dev/null;"
				 "$T build -t hello-world $X/hello-world >/dev/null;"
				 "for i in hello-world docker-hw; do"
				 "  $T run --rm $i sh -c 'cd /var/www/html && find . | sort | xargs stat -c \"%%A %%u %%g %%s %%n\"; cat index.html' > $i.files;"
				 "  $T image inspect $i | sed -n '/\"Config\": {/,/^        },/p' | tr -d ' \\n' | grep -o '\"ExposedPorts\":{[^}]*}}\\|\"Env\":\\[[^]]*\\]\\|\"Cmd\":\\[[^]]*\\]\\|\"Entrypoint\":[^,]*\\|\"WorkingDir\":\"[^\"]*\"\\|\"User\":\"[^\"]*\"' | grep -v ':null$\\|:\"\"$' | sort > $i.config;"
				 "done; diff hello-world.files docker-hw.files && diff hello-world.config docker-hw.config && cat hello-world.config hello-world.files",
				 host);
	stop_dockerd(dockerd);
	char exec_root[PATH_MAX];
	snprintf(exec_root, sizeof(exec_root), "/tmp/tdb-exec-%d", (int)getpid());
	remove_tree(exec_root); /* dockerd has stopped: it unmounted what it mounted there */
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "\"80/tcp\"") && strstr(r.out, "\"httpd\"") && strstr(r.out, "-rw-r--r-- 0 0 ") &&
			      strstr(r.out, "<h1>Hello World</h1>"),
		      "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(copy_heredoc_writes_the_file_with_its_content)
{
	/* Each here-document is a file named after its delimiter: 0644 unless --chmod says, its
	 * variables expanded, `<<-` stripping the tabs; a destination ending in '/' takes its name. */
	context("FROM busybox\nARG WHO=world\nCOPY <<EOF /etc/greeting\nhello $WHO\nEOF\n"
		"COPY --chmod=755 <<-EOT <<two /opt/\n\t#!/bin/sh\n\techo tabbed\n\tEOT\nsecond\ntwo\n"
		"CMD [\"sh\", \"-c\", \"cat /etc/greeting; ls -l /etc/greeting | cut -c1-10; /opt/EOT;"
		" ls -l /opt/two | cut -c1-10; cat /opt/two\"]");
	struct run_result r = sh(120, "$T build -q -t hd ctx >/dev/null; $T run --rm hd");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "hello world\n-rw-r--r--\ntabbed\n-rwxr-xr-x\nsecond\n");
	run_free(&r);
	/* the same here-document again is a cache hit; a changed body is not */
	r = sh(120, "a=$($T build -q ctx); b=$($T build -q ctx); sed -i 's/hello/bye/' ctx/Dockerfile;"
		    " c=$($T build -q -t hd ctx); [ \"$a\" = \"$b\" ]; [ \"$b\" != \"$c\" ]; $T run --rm hd cat /etc/greeting");
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "bye world\n"), "%s", r.out);
	run_free(&r);
}
END_TEST

START_TEST(run_heredoc_runs_the_script)
{
	/* `RUN <<EOF` runs the body with the shell; `RUN cat <<EOF` feeds it to the command's stdin */
	context("FROM busybox\nRUN <<EOF\nset -e\necho first > /ran\necho second >> /ran\nEOF\n"
		"RUN cat <<EOF > /fed\nfed $((1+2))\nEOF\nCMD [\"cat\", \"/ran\", \"/fed\"]");
	struct run_result r = sh(120, "$T build -q -t rh ctx >/dev/null; $T run --rm rh");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "first\nsecond\nfed 3\n");
	run_free(&r);
	/* a failing line of the script fails the step */
	context("FROM busybox\nRUN <<EOF\nset -e\nfalse\necho not-reached\nEOF\n");
	r = sh(120, "$T build ctx");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(!strstr(r.out, "not-reached") && strstr(r.err, "returned a non-zero code: 1"), "%s\n%s", r.out, r.err);
	run_free(&r);
}
END_TEST

START_TEST(a_quoted_heredoc_delimiter_keeps_dollar_signs)
{
	context("FROM busybox\nENV NAME=expanded\nCOPY <<\"EOF\" /quoted\n$NAME ${NAME}\nEOF\n"
		"COPY <<EOF /unquoted\n$NAME \"$NAME\"\nEOF\nRUN <<'EOF' cat > /run-quoted\n$NAME\nEOF\n"
		"CMD [\"cat\", \"/quoted\", \"/unquoted\", \"/run-quoted\"]");
	struct run_result r = sh(120, "$T build -q -t qh ctx >/dev/null; $T run --rm qh");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "$NAME ${NAME}\nexpanded \"expanded\"\n$NAME\n");
	run_free(&r);
}
END_TEST

START_TEST(build_reads_a_tar_context_from_stdin)
{
	/* a tar archive on stdin is the context, its Dockerfile at the root; gzip or not */
	context("FROM busybox\nCOPY src/ /from-tar/\nCMD [\"cat\", \"/from-tar/a.txt\", \"/from-tar/b.txt\"]");
	struct run_result r = sh(120, "tar -C ctx -cf ctx.tar .; $T build -q -t st - < ctx.tar >/dev/null; $T run --rm st;"
				      " tar -C ctx -czf ctx.tgz .; $T build -q -t sz - < ctx.tgz >/dev/null; $T run --rm sz;"
				      " mv ctx/Dockerfile ctx/src/Other; tar -C ctx -cf other.tar .;"
				      " $T build -q -t so -f src/Other - < other.tar >/dev/null; $T run --rm so");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "one\ntwo\none\ntwo\none\ntwo\n");
	run_free(&r);
	/* a Dockerfile on stdin is still a Dockerfile without a context; nothing is left behind */
	r = sh(120, "printf 'FROM busybox\\nCMD [\"echo\", \"text\"]\\n' | $T build -q -t sd - >/dev/null; $T run --rm sd;"
		    " ls \"$TINYDOCK_ROOT/build-cache\" | grep -c 'stdin-context\\|heredoc-' || true");
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "text\n0\n");
	run_free(&r);
	/* an entry leaving the archive's root is refused, and -f cannot name a file outside it */
	r = sh(120, "mkdir -p evil; printf 'FROM busybox\\n' > evil/Dockerfile; ln -s /etc/passwd evil/out;"
		    " tar -C evil -cf evil.tar Dockerfile out; $T build -f out - < evil.tar");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "not a file of the context on stdin"), "%s", r.err);
	run_free(&r);
}
END_TEST

/* `tinydock registry serve -d` on a free loopback port: its pid, and its address in *addr. */
static pid_t start_registry(char addr[64])
{
	struct run_result r = sh(20, "$T registry serve -d --addr 127.0.0.1:0 --root \"$S/registry\"");
	CHECK_OK(r);
	pid_t pid = atoi(r.out);
	run_free(&r);
	ck_assert_int_gt(pid, 1);
	char log[PATH_MAX];
	snprintf(log, sizeof(log), "%s/registry/registry.log", sandbox.dir);
	for (int i = 0; i < 400; i++, usleep(50000)) { /* at most 20 s for it to say its port */
		char *text = read_file(log, NULL);
		const char *at = text ? strstr(text, "(port ") : NULL;
		int port = at ? atoi(at + 6) : 0;
		free(text);
		if (port > 0) {
			snprintf(addr, 64, "127.0.0.1:%d", port);
			return pid;
		}
	}
	kill(pid, SIGTERM);
	ck_abort_msg("the registry did not start (see %s)", log);
	return -1;
}

static void stop_registry(pid_t pid)
{
	kill(pid, SIGTERM); /* not our child (it detached): wait for it to be gone */
	for (int i = 0; i < 400 && kill(pid, 0) == 0; i++)
		usleep(50000);
	if (kill(pid, 0) == 0)
		kill(pid, SIGKILL);
}

START_TEST(build_pull_fetches_the_from_image_from_its_registry)
{
	char addr[64];
	pid_t registry = start_registry(addr);
	/* v1 then v2 pushed under one tag; the local tag is moved back to v1 */
	struct run_result r = sh(180,
		"R=%s/base:1; printf 'FROM busybox\\nRUN echo v1 > /version\\n' | $T build -q -t $R - > v1;"
		" printf 'FROM busybox\\nRUN echo v2 > /version\\n' | $T build -q -t $R - >/dev/null; $T push $R >/dev/null;"
		" $T tag $(cat v1) $R; mkdir ctx; printf 'FROM %s/base:1\\nCMD [\"cat\", \"/version\"]\\n' > ctx/Dockerfile;"
		" $T build -q -t without ctx >/dev/null; $T run --rm without;"
		" $T build --pull -t with ctx > pulled; $T run --rm with; grep -c 'Status: Downloaded image for' pulled;"
		" $T rmi $R >/dev/null; $T build -q --pull ctx >/dev/null && echo pulled-when-missing",
		addr, addr);
	stop_registry(registry);
	CHECK_OK(r);
	ck_assert_str_eq(r.out, "v1\nv2\n1\npulled-when-missing\n");
	run_free(&r);
	/* an unreachable registry fails the build, naming the image */
	r = sh(60, "printf 'FROM 127.0.0.1:1/gone:1\\n' | $T build --pull -");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "--pull: FROM 127.0.0.1:1/gone:1"), "%s", r.err);
	run_free(&r);
}
END_TEST

Suite *build_suite(void)
{
	Suite *s = suite_create("build");
	TCase *t = tcase_create("build");
	harness_use_stage(t, 6);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 600);
	tcase_add_test(t, the_lecture_hello_world_builds_and_serves_its_page_on_the_published_port);
	tcase_add_test(t, a_second_build_uses_the_cache_for_every_step_and_gives_the_same_image);
	tcase_add_test(t, a_changed_file_misses_the_cache_from_its_copy_on_and_no_cache_misses_everywhere);
	tcase_add_test(t, target_builds_only_the_stages_it_needs_and_copy_from_takes_a_stages_files);
	tcase_add_test(t, onbuild_triggers_run_when_the_image_is_used_in_from);
	tcase_add_test(t, a_failing_run_stops_the_build_names_its_exit_code_and_leaves_no_image_or_container);
	tcase_add_test(t, entrypoint_and_cmd_combine_as_the_reference_table_says);
	tcase_add_test(t, build_args_reach_arg_and_run_and_an_unused_one_is_warned_about);
	tcase_add_test(t, dockerignore_leaves_files_out_of_the_context);
	tcase_add_test(t, workdir_user_and_env_apply_to_run_and_to_the_image);
	tcase_add_test(t, a_symlink_out_of_the_context_is_copied_as_a_link_never_followed);
	tcase_add_test(t, add_unpacks_a_local_gzip_tar_and_refuses_a_url_and_run_mount_naming_the_line);
	tcase_add_test(t, healthcheck_and_labels_are_stored_as_docker_stores_them);
	tcase_add_test(t, docker_build_of_the_hello_world_context_gives_the_same_files_and_config);
	tcase_add_test(t, copy_heredoc_writes_the_file_with_its_content);
	tcase_add_test(t, run_heredoc_runs_the_script);
	tcase_add_test(t, a_quoted_heredoc_delimiter_keeps_dollar_signs);
	tcase_add_test(t, build_reads_a_tar_context_from_stdin);
	tcase_add_test(t, build_pull_fetches_the_from_image_from_its_registry);
	suite_add_tcase(s, t);
	return s;
}
