/*
 * test_format.c - output you can script, as a student types it from Docker's docs: ps, images
 * and inspect with --format, ps and images with --filter (03-cgroups/template-*.c,
 * format-output.c, filters.c, inspect.c; 05-images/image-filter.c). Where Docker is installed
 * and its daemon starts here, the same templates run against both over the same image.
 */
#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define CHECK_OK(r) ck_assert_msg((r).status == 0, "status %d\nout: %s\nerr: %s", (r).status, (r).out, (r).err)
#define CHECK_OUT(r, want) \
	ck_assert_msg((r).status == 0 && strcmp((r).out, (want)) == 0, "status %d\nout: [%s]\nwant: [%s]\nerr: %s", \
		      (r).status, (r).out, (want), (r).err)

/* A container that runs (web) and one that has exited with 3 (job), from the busybox image. */
static void start_web_and_job(void)
{
	struct run_result r = run_tinydock(NULL, 60, "run", "-d", "--name", "web", "--network", "none", "busybox", "sleep",
					   "60", NULL);
	CHECK_OK(r);
	run_free(&r);
	r = run_tinydock(NULL, 60, "run", "--name", "job", "--network", "none", "busybox", "sh", "-c", "exit 3", NULL);
	ck_assert_int_eq(r.status, 3);
	run_free(&r);
}

static void remove_web_and_job(void)
{
	struct run_result r = run_tinydock(NULL, 30, "rm", "-f", "web", "job", NULL);
	run_free(&r);
}

START_TEST(ps_format_prints_one_line_per_container_and_a_table_heads_its_columns)
{
	start_web_and_job();
	struct run_result r = run_tinydock(NULL, 10, "ps", "--format", "{{.Names}} {{.Image}} {{.State}}", NULL);
	CHECK_OUT(r, "web busybox running\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-a", "--format", "table {{.Names}}\\t{{.Status}}", NULL);
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "NAMES     STATUS\n", 17) == 0, "%s", r.out);
	ck_assert_msg(strstr(r.out, "\njob       Exited (3) ") && strstr(r.out, "\nweb       Up "), "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "--format", "{{json .}}", NULL);
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "{\"Command\":\"\\\"sleep 60\\\"\",\"CreatedAt\":\"", 39) == 0 &&
			      strstr(r.out, "\"Names\":\"web\",\"Networks\":\"none\"") && strstr(r.out, "\"State\":\"running\""),
		      "%s", r.out);
	run_free(&r);
	/* A field Docker's row does not have is an error there, and here. */
	r = run_tinydock(NULL, 10, "ps", "--format", "{{.Nope}}", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope"),
		      "%s", r.err);
	run_free(&r);
	remove_web_and_job();
}
END_TEST

START_TEST(inspect_f_prints_the_state_of_a_container_by_name)
{
	start_web_and_job();
	struct run_result r = run_tinydock(NULL, 10, "inspect", "-f", "{{.State.Status}}", "web", NULL);
	CHECK_OUT(r, "running\n"); /* once reported three missing images and printed [] */
	run_free(&r);
	r = run_tinydock(NULL, 10, "inspect", "--format={{.State.Status}} {{.State.ExitCode}}", "web", "job", NULL);
	CHECK_OUT(r, "running 0\nexited 3\n");
	run_free(&r);
	/* A field the document lacks is an error for each object, as in docker/cli 28. */
	r = run_tinydock(NULL, 10, "inspect", "-f", "{{.State.Status}} {{.Nope}}", "web", "job", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "\n"); /* Docker's: an empty line when nothing was printed */
	ck_assert_msg(strstr(r.err, "template parsing error: template: :1:20: executing \"\" at <.Nope>: map has no entry for key "
				    "\"Nope\"\ntinydock: template parsing error: template: :1:20:"),
		      "%s", r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "inspect", "-f", "{{json .Config.Cmd}}", "job", NULL);
	CHECK_OUT(r, "[\"sh\",\"-c\",\"exit 3\"]\n");
	run_free(&r);
	/* --type: the image busybox, not a container; a container name is no image */
	r = run_tinydock(NULL, 10, "inspect", "--type", "image", "-f", "{{index .RepoTags 0}}", "busybox", NULL);
	CHECK_OUT(r, "busybox:latest\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "inspect", "--type", "image", "web", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "web") && !strstr(r.out, "\"Id\""), "%s\n%s", r.out, r.err);
	run_free(&r);
	r = run_tinydock(NULL, 10, "inspect", "-f", "{{.Name}}", "web", "nothere", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "/web\n");
	ck_assert_msg(strstr(r.err, "No such object: nothere"), "%s", r.err);
	run_free(&r);
	remove_web_and_job();
}
END_TEST

START_TEST(ps_filter_status_exited_shows_the_stopped_containers_without_a)
{
	start_web_and_job();
	struct run_result r = run_tinydock(NULL, 10, "ps", "--filter", "status=exited", "--format", "{{.Names}}", NULL);
	CHECK_OUT(r, "job\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-a", "-f", "exited=3", "-f", "name=^web$", "--format", "{{.Names}}", NULL);
	CHECK_OUT(r, ""); /* two keys: both must hold */
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-a", "-f", "name=^web$", "-f", "name=^job$", "--format", "{{.Names}}", NULL);
	CHECK_OUT(r, "job\nweb\n"); /* one key twice: either (newest first) */
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-a", "-q", "-f", "ancestor=busybox:latest", NULL);
	CHECK_OK(r);
	ck_assert_msg(strlen(r.out) == 26, "two short ids expected: %s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "ps", "-f", "status=sleeping", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "invalid filter 'status=sleeping'"), "%s", r.err);
	run_free(&r);
	remove_web_and_job();
}
END_TEST

START_TEST(images_format_and_filter_print_the_names_a_script_wants)
{
	struct run_result r = run_tinydock(NULL, 60, "run", "--rm", "--network", "none", "busybox", "true", NULL);
	CHECK_OK(r);
	run_free(&r);
	r = run_tinydock(NULL, 10, "tag", "busybox", "shop/web:1.0", NULL);
	CHECK_OK(r);
	run_free(&r);
	r = run_tinydock(NULL, 10, "images", "--format", "{{.Repository}}:{{.Tag}}", NULL);
	CHECK_OK(r);
	ck_assert_msg(strstr(r.out, "busybox:latest\n") && strstr(r.out, "shop/web:1.0\n"), "%s", r.out);
	run_free(&r);
	r = run_tinydock(NULL, 10, "images", "--filter", "reference=shop/*", "--format", "{{.Repository}}:{{.Tag}}", NULL);
	CHECK_OUT(r, "shop/web:1.0\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "images", "--format", "table {{.Repository}}\\t{{.Tag}}", "-f", "dangling=false",
			 "busybox", NULL);
	CHECK_OUT(r, "REPOSITORY   TAG\nbusybox      latest\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "rmi", "shop/web:1.0", NULL);
	run_free(&r);
}
END_TEST

START_TEST(network_ls_network_inspect_and_stats_take_a_format_too)
{
	start_web_and_job();
	struct run_result r = run_tinydock(NULL, 10, "network", "ls", "--filter", "name=^none$", "--format",
					   "{{.Name}} {{.Driver}} {{.Scope}}", NULL);
	CHECK_OUT(r, "none null local\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "network", "inspect", "-f", "{{.Name}} {{.Driver}} {{len .Containers}}", "host", NULL);
	CHECK_OUT(r, "host host 0\n");
	run_free(&r);
	r = run_tinydock(NULL, 10, "inspect", "--type", "network", "-f", "{{.Name}}", "none", NULL);
	CHECK_OUT(r, "none\n");
	run_free(&r);
	r = run_tinydock(NULL, 20, "stats", "--no-stream", "--format", "{{.Name}}:{{if .PIDs}}counted{{end}}", "web", NULL);
	CHECK_OUT(r, "web:counted\n");
	run_free(&r);
	r = run_tinydock(NULL, 20, "stats", "--no-stream", "--format", "table {{.Name}}\\t{{.PIDs}}", "web", NULL);
	CHECK_OK(r);
	ck_assert_msg(strncmp(r.out, "NAME      PIDS\nweb       ", 25) == 0, "%s", r.out);
	run_free(&r);
	remove_web_and_job();
}
END_TEST

/* --- against Docker ------------------------------------------------------------------------ */

struct daemon {
	pid_t pid;
	char host[64];
};

static void stop_daemon(struct daemon *d)
{
	kill(d->pid, SIGTERM);
	bool ended = false;
	for (int i = 0; i < 200 && !ended; i++) { /* 10 s to stop its containers and exit */
		ended = waitpid(d->pid, NULL, WNOHANG) == d->pid;
		if (!ended)
			usleep(50 * 1000);
	}
	if (!ended) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, 0);
	}
	char exec_root[64];
	snprintf(exec_root, sizeof(exec_root), "/tmp/tdf-exec-%d", (int)getpid());
	const char *rm[] = { "rm", "-rf", exec_root, NULL };
	struct run_result r = run_program(NULL, 30, rm);
	run_free(&r);
}

static struct run_result docker(struct daemon *d, const char *first, ...)
{
	const char *argv[32] = { "docker", "-H", d->host, first };
	size_t n = 4;
	va_list ap;
	va_start(ap, first);
	for (const char *a; n < 31 && (a = va_arg(ap, const char *));)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return run_program(NULL, 60, argv);
}

/* Our own dockerd, with nothing of the host's network touched (no iptables, no forwarding,
 * no bridge), its data in the sandbox, and its socket and exec root at short paths (they hold
 * unix sockets, whose paths are at most 108 bytes). It dies with the test process, even when
 * the test fails (PR_SET_PDEATHSIG). False (skipped, with the reason) when it cannot run here. */
static bool start_dockerd(struct daemon *d)
{
	if (!have_program("dockerd") || !have_program("docker")) {
		harness_skip("dockerd or docker is not installed: no comparison with Docker");
		return false;
	}
	char data[PATH_MAX], exec_root[64], pidfile[PATH_MAX], log[PATH_MAX];
	snprintf(data, sizeof(data), "%s/docker-data", sandbox.dir);
	snprintf(exec_root, sizeof(exec_root), "/tmp/tdf-exec-%d", (int)getpid());
	snprintf(pidfile, sizeof(pidfile), "%s/docker.pid", sandbox.dir);
	snprintf(log, sizeof(log), "%s/dockerd.log", sandbox.dir);
	snprintf(d->host, sizeof(d->host), "unix:///tmp/tdf-%d.sock", (int)getpid());
	d->pid = fork();
	ck_assert_int_ge(d->pid, 0);
	if (d->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execlp("dockerd", "dockerd", "--iptables=false", "--ip-forward=false", "--bridge=none", "--data-root", data,
		       "--exec-root", exec_root, "--pidfile", pidfile, "-H", d->host, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 120; i++) { /* up to 30 s for the daemon to answer */
		struct run_result r = docker(d, "version", "--format", "{{.Server.Version}}", NULL);
		bool up = r.status == 0;
		run_free(&r);
		if (up)
			return true;
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid)
			break;
		usleep(250 * 1000);
	}
	stop_daemon(d);
	harness_skip("dockerd is installed but did not start here (its log: %s): no comparison with Docker", log);
	return false;
}

/* Compare one command's exit status and output with Docker's; a difference is added to differences (the test
 * fails at its end, after the containers of both are removed, so that nothing is left). */
static void compare(struct run_result ours, struct run_result theirs, const char *what, char *differences, size_t size)
{
	if (ours.status != theirs.status || strcmp(ours.out, theirs.out) != 0) {
		size_t used = strlen(differences);
		snprintf(differences + used, size - used, "%s\nours (%d):\n%s%s\ndocker's (%d):\n%s%s\n", what, ours.status,
			 ours.out, ours.err, theirs.status, theirs.out, theirs.err);
	}
	run_free(&ours);
	run_free(&theirs);
}

START_TEST(docker_and_tinydock_print_the_same_for_the_documented_templates_and_filters)
{
	struct daemon d;
	if (!start_dockerd(&d))
		return;
	/* The same image in both: ours, saved and loaded into Docker. */
	char archive[PATH_MAX];
	snprintf(archive, sizeof(archive), "%s/busybox.tar", sandbox.dir);
	struct run_result r = run_tinydock(NULL, 60, "save", "-o", archive, "busybox", NULL);
	CHECK_OK(r);
	run_free(&r);
	r = docker(&d, "load", "-i", archive, NULL);
	CHECK_OK(r);
	run_free(&r);
	start_web_and_job();
	r = docker(&d, "run", "-d", "--name", "web", "--network", "none", "busybox", "sleep", "60", NULL);
	bool runs = r.status == 0;
	run_free(&r);
	if (runs) {
		r = docker(&d, "run", "--name", "job", "--network", "none", "busybox", "sh", "-c", "exit 3", NULL);
		run_free(&r);
	}
	static const char *const ps_templates[] = {
		"{{.Names}} {{.Image}} {{.State}} {{.Command}}",
		"table {{.Names}}\\t{{.Image}}\\t{{.State}}",
		"{{join (split .Names \"/\") \" or \"}} {{upper .State}} {{len .Names}}",
		"{{if eq .State \"running\"}}up{{else}}down{{end}}",
	};
	static const char *const inspect_templates[] = {
		"{{.State.Status}} {{.State.ExitCode}} {{.Config.Image}}",
		"{{json .Config.Cmd}} {{.Name}} {{lower .Name}} {{title .Name}}",
		"{{join .Args \" , \"}}|{{.Path}}",
		"{{range .Config.Cmd}}[{{.}}]{{end}}",
		"{{with .State}}{{.Running}}{{end}}",
		"{{.State.Status}} {{.Nope}} {{index .Config.Cmd 0}}",
	};
	static const char *const ps_filters[][2] = {
		{ "status=exited", NULL }, { "name=web", NULL }, { "name=^job$", "name=^web$" },
		{ "exited=3", "name=job" }, { "ancestor=busybox", NULL }, { "status=running", "status=exited" },
	};
	static const char *const images_templates[] = { "{{.Repository}}:{{.Tag}} {{.ID}}", "table {{.Repository}}\\t{{.Tag}}" };
	static const char *const images_filters[] = { "reference=busybox", "reference=busy*", "dangling=false",
						      "reference=nothing*" };
	char differences[16384] = "", what[256];
	for (size_t i = 0; runs && i < sizeof(ps_templates) / sizeof(ps_templates[0]); i++) {
		snprintf(what, sizeof(what), "ps -a --format '%s'", ps_templates[i]);
		compare(run_tinydock(NULL, 10, "ps", "-a", "--format", ps_templates[i], NULL),
			docker(&d, "ps", "-a", "--format", ps_templates[i], NULL), what, differences, sizeof(differences));
	}
	for (size_t i = 0; runs && i < sizeof(inspect_templates) / sizeof(inspect_templates[0]); i++) {
		snprintf(what, sizeof(what), "inspect -f '%s' web job", inspect_templates[i]);
		compare(run_tinydock(NULL, 10, "inspect", "-f", inspect_templates[i], "web", "job", NULL),
			docker(&d, "inspect", "-f", inspect_templates[i], "web", "job", NULL), what, differences,
			sizeof(differences));
	}
	for (size_t i = 0; runs && i < sizeof(ps_filters) / sizeof(ps_filters[0]); i++) {
		const char *second = ps_filters[i][1] ? "--filter" : NULL;
		snprintf(what, sizeof(what), "ps --filter %s %s %s", ps_filters[i][0], second ? second : "",
			 second ? ps_filters[i][1] : "");
		compare(run_tinydock(NULL, 10, "ps", "--format", "{{.Names}}", "--filter", ps_filters[i][0], second,
				     ps_filters[i][1], NULL),
			docker(&d, "ps", "--format", "{{.Names}}", "--filter", ps_filters[i][0], second, ps_filters[i][1], NULL),
			what, differences, sizeof(differences));
	}
	for (size_t i = 0; i < sizeof(images_templates) / sizeof(images_templates[0]); i++) {
		snprintf(what, sizeof(what), "images --format '%s' busybox", images_templates[i]);
		compare(run_tinydock(NULL, 10, "images", "--format", images_templates[i], "busybox", NULL),
			docker(&d, "images", "--format", images_templates[i], "busybox", NULL), what, differences,
			sizeof(differences));
	}
	for (size_t i = 0; i < sizeof(images_filters) / sizeof(images_filters[0]); i++) {
		snprintf(what, sizeof(what), "images --filter %s", images_filters[i]);
		compare(run_tinydock(NULL, 10, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", images_filters[i], NULL),
			docker(&d, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", images_filters[i], NULL), what,
			differences, sizeof(differences));
	}
	snprintf(what, sizeof(what), "network ls --filter name=^none$ --format ...");
	compare(run_tinydock(NULL, 10, "network", "ls", "--filter", "name=^none$", "--format", "{{.Name}} {{.Driver}} {{.Scope}}",
			     NULL),
		docker(&d, "network", "ls", "--filter", "name=^none$", "--format", "{{.Name}} {{.Driver}} {{.Scope}}", NULL), what,
		differences, sizeof(differences));
	remove_web_and_job();
	r = docker(&d, "rm", "-f", "web", "job", NULL);
	run_free(&r);
	stop_daemon(&d);
	ck_assert_msg(differences[0] == '\0', "tinydock and Docker differ:\n%s", differences);
	if (!runs)
		harness_skip("Docker loaded the image but cannot run containers here: ps and inspect were not compared");
}
END_TEST

Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *t = tcase_create("format");
	harness_use_stage(t, 5);
	harness_use_sandbox(t);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, ps_format_prints_one_line_per_container_and_a_table_heads_its_columns);
	tcase_add_test(t, inspect_f_prints_the_state_of_a_container_by_name);
	tcase_add_test(t, ps_filter_status_exited_shows_the_stopped_containers_without_a);
	tcase_add_test(t, images_format_and_filter_print_the_names_a_script_wants);
	tcase_add_test(t, network_ls_network_inspect_and_stats_take_a_format_too);
	tcase_add_test(t, docker_and_tinydock_print_the_same_for_the_documented_templates_and_filters);
	suite_add_tcase(s, t);
	return s;
}
