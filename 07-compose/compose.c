/*
 * compose.c - `tinydock compose`: the global flags, the project's containers found by their
 * labels, and the commands that act on them (ps, stop, start, restart, kill, rm, down).
 * `up`, which makes them, is compose-up.c.
 *
 * Compose has no state of its own: the file says what should be, the labels of the containers
 * say what is (compose-labels.h). Every command loads both, so `ps` in a new shell, or after a
 * reboot, knows the project as well as the `up` that made it.
 */
#include "compose.h"
#include "cli.h"
#include "compose-graph.h"
#include "compose-labels.h"
#include "compose-project.h"
#include "compose-service-spec.h"
#include "error.h"
#include "image-commands.h"
#include "image-run.h"
#include "network.h"
#include "ps-format.h"
#include "runtime.h"
#include "volume-store.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char compose_help[] =
	"Usage:  tinydock compose [OPTIONS] COMMAND [ARGS...]\n"
	"\n"
	"Define and run multi-container applications: the services of a compose file, as\n"
	"containers labelled with their project and service.\n"
	"\n"
	"Options:\n"
	"  -f, --file FILE               The compose file (default: compose.yaml, compose.yml,\n"
	"                                docker-compose.yaml, docker-compose.yml, here or above)\n"
	"  -p, --project-name NAME       The project's name (default: the folder's)\n"
	"      --env-file FILE           Variables for interpolation (default: the project's .env)\n"
	"      --profile NAME            Enable the services of a profile (repeatable)\n"
	"      --project-directory DIR   The project folder (default: the file's)\n"
	"\n"
	"Commands:\n"
	"  up -d     Create and start the containers, in the background (--build, --no-build,\n"
	"            --force-recreate, --remove-orphans, SERVICE...)\n"
	"  ps        List the containers (-a: also stopped ones)\n"
	"  stop      Stop the services (-t SECONDS)\n"
	"  start     Start the services' stopped containers\n"
	"  restart   Restart the services (-t SECONDS)\n"
	"  kill      Send a signal to the services' containers (-s SIGNAL, default KILL)\n"
	"  rm        Remove the stopped containers (-f, -s: stop them first)\n"
	"  down      Stop and remove the containers and the network (-v: the volumes too,\n"
	"            --rmi local|all: the images, --remove-orphans)\n"
	"  exec      Run a command in a service's running container (--index N, -e, -u, -w, -T)\n"
	"  run       Run a one-off container of a service (--rm, -d, -e, --name, --entrypoint,\n"
	"            --no-deps, -u, -w, -T)\n"
	"  build     Build the services that have a build section\n"
	"  pull      Pull the services' images\n"
	"  push      Push the services' built images\n"
	"  images    List the images the containers use\n"
	"  top       Show the processes of the running containers\n";

/* --- the project's containers --------------------------------------------------------------- */

const char *compose_view_label(const struct view *v, const char *key)
{
	return compose_label(v->r.labels.items, v->r.labels.count, key);
}

int compose_containers_load(const char *project, struct compose_containers *out)
{
	*out = (struct compose_containers){ 0 };
	if (load_all(&out->views, &out->count) < 0)
		return -1;
	out->mine = calloc(out->count + 1, sizeof(size_t));
	out->which = calloc(out->count + 1, sizeof(size_t));
	if (!out->mine || !out->which) {
		compose_containers_free(out);
		return fail_errno(ENOMEM, "cannot list the project's containers");
	}
	for (size_t i = out->count; i-- > 0;) { /* load_all is newest first: ours oldest first */
		const char *p = compose_view_label(&out->views[i], COMPOSE_LABEL_PROJECT);
		if (p && strcmp(p, project) == 0)
			out->mine[out->mine_count++] = i;
	}
	return 0;
}

void compose_containers_free(struct compose_containers *c)
{
	free_views(c->views, c->count);
	free(c->mine);
	free(c->which);
	*c = (struct compose_containers){ 0 };
}

bool compose_view_oneoff(const struct view *v)
{
	const char *oneoff = compose_view_label(v, COMPOSE_LABEL_ONEOFF);
	return oneoff && strcmp(oneoff, "True") == 0;
}

bool compose_view_named(const struct view *v, char **names, int count)
{
	const char *service = compose_view_label(v, COMPOSE_LABEL_SERVICE);
	if (count == 0)
		return true;
	for (int i = 0; service && i < count; i++)
		if (strcmp(names[i], service) == 0)
			return true;
	return false;
}

int compose_check_services(const struct compose_loaded *p, char **names, int count)
{
	for (int i = 0; i < count; i++)
		if (!compose_find_service(&p->model, names[i]))
			return fail_errno(0, "no such service: %s", names[i]);
	return 0;
}

/* --- stop, in reverse dependency order, each level at once ---------------------------------- */

/* The level of each service in the start order (compose-graph.h); a container of a service
 * gone from the file stops with the last level. -1 with the message on a cycle. */
int compose_service_order(const struct compose_project *m, struct compose_start_order *order)
{
	struct compose_graph_service *graph = calloc(m->service_count + 1, sizeof(*graph));
	size_t total = 0;
	for (size_t i = 0; i < m->service_count; i++)
		total += m->services[i].depends_count;
	const char **names = calloc(total + 1, sizeof(*names));
	if (!graph || !names) {
		free(graph);
		free(names);
		return fail_errno(ENOMEM, "cannot order the services");
	}
	for (size_t i = 0, used = 0; i < m->service_count; i++) {
		graph[i] = (struct compose_graph_service){ m->services[i].name, names + used, m->services[i].depends_count };
		for (size_t d = 0; d < m->services[i].depends_count; d++)
			names[used++] = m->services[i].depends_on[d].service;
	}
	int rc = compose_start_order(graph, m->service_count, order);
	free(graph);
	free(names);
	return rc;
}

static int start_levels(const struct compose_project *m, size_t *level_of)
{
	struct compose_start_order order;
	if (compose_service_order(m, &order) < 0)
		return -1;
	for (size_t l = 0; l < order.levels; l++)
		for (size_t k = order.level_start[l]; k < order.level_start[l + 1]; k++)
			level_of[order.order[k]] = l;
	compose_start_order_free(&order);
	return 0;
}

static size_t service_level(const struct compose_project *m, const size_t *level_of, const struct view *v)
{
	const char *service = compose_view_label(v, COMPOSE_LABEL_SERVICE);
	const struct compose_service *s = service ? compose_find_service(m, service) : NULL;
	return s ? level_of[s - m->services] : (size_t)-1; /* orphans first */
}

/* The signal and the seconds that stop v, from its service (Compose's defaults: SIGTERM, 10 s). */
static void stop_settings(const struct compose_project *m, const struct view *v, long seconds, int *sig, long *wait)
{
	const char *service = compose_view_label(v, COMPOSE_LABEL_SERVICE);
	const struct compose_service *s = service ? compose_find_service(m, service) : NULL;
	*sig = SIGTERM;
	if (s && s->stop_signal && signal_parse(s->stop_signal, sig) < 0) {
		error_clear();
		*sig = SIGTERM;
	}
	*wait = seconds >= 0 ? seconds
	      : s && s->stop_grace_period >= 0 ? (long)((s->stop_grace_period + 999999999) / 1000000000)
						: 10;
}

/* Stop a group at once: a child per container (each waits for its own grace period). */
static int stop_group(const struct compose_loaded *p, const struct compose_containers *c, const size_t *group,
		      size_t count, long seconds)
{
	pid_t *children = calloc(count + 1, sizeof(pid_t));
	if (!children)
		return fail_errno(ENOMEM, "cannot stop the containers");
	fflush(stdout);
	int rc = 0;
	for (size_t i = 0; i < count; i++) {
		const struct view *v = &c->views[c->mine[group[i]]];
		if (!is_running(v))
			continue;
		printf(" Container %s  Stopping\n", v->r.name);
		fflush(stdout);
		int sig;
		long wait;
		stop_settings(&p->model, v, seconds, &sig, &wait);
		children[i] = fork();
		if (children[i] == 0)
			_exit(container_stop(v->r.id, sig, wait) == 0 ? 0 : error_report(1));
		if (children[i] < 0)
			rc = fail_sys("cannot fork to stop %s", v->r.name);
	}
	for (size_t i = 0; i < count; i++) {
		int status;
		if (children[i] <= 0 || waitpid(children[i], &status, 0) < 0)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			printf(" Container %s  Stopped\n", c->views[c->mine[group[i]]].r.name);
		else
			rc = fail_errno(0, "cannot stop container %s", c->views[c->mine[group[i]]].r.name);
	}
	free(children);
	return rc;
}

int compose_stop_containers(const struct compose_loaded *p, const struct compose_containers *c, const size_t *which,
			    size_t count, long seconds)
{
	size_t *level_of = calloc(p->model.service_count + 1, sizeof(size_t));
	size_t *group = calloc(count + 1, sizeof(size_t));
	int rc = level_of && group ? start_levels(&p->model, level_of) : fail_errno(ENOMEM, "cannot stop the project");
	/* The last level first: nothing stops before what depends on it. */
	size_t levels = p->model.service_count;
	for (size_t l = levels + 1; rc == 0 && l-- > 0;) {
		size_t n = 0;
		for (size_t i = 0; i < count; i++) {
			size_t level = service_level(&p->model, level_of, &c->views[c->mine[which[i]]]);
			if ((level == (size_t)-1 ? levels : level) == l)
				group[n++] = which[i];
		}
		if (n && stop_group(p, c, group, n, seconds) < 0)
			rc = -1;
	}
	free(level_of);
	free(group);
	return rc;
}

/* --- the commands --------------------------------------------------------------------------- */

/* The indices (into c->mine) of the containers of the services named (all when none),
 * one-offs left out unless wanted. */
static size_t select_containers(const struct compose_containers *c, char **names, int count, bool oneoffs,
				size_t *which)
{
	size_t n = 0;
	for (size_t i = 0; i < c->mine_count; i++) {
		const struct view *v = &c->views[c->mine[i]];
		if (compose_view_named(v, names, count) && (oneoffs || !compose_view_oneoff(v)))
			which[n++] = i;
	}
	return n;
}

static int ps(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	bool all = false;
	int opt;
	while ((opt = getopt(argc, argv, "+a")) != -1)
		if (opt == 'a')
			all = true;
		else
			return usage_error("compose ps", "unknown flag: %s", argv[optind - 1]);
	if (compose_check_services(p, argv + optind, argc - optind) < 0)
		return error_report(1);
	struct table t = { .columns = 6 };
	const char *header[] = { "NAME", "IMAGE", "COMMAND", "SERVICE", "STATUS", "PORTS" };
	table_add_row(&t, header);
	for (size_t i = 0; i < c->mine_count; i++) {
		const struct view *v = &c->views[c->mine[i]];
		if (!compose_view_named(v, argv + optind, argc - optind) || (!all && !is_running(v)))
			continue;
		char command[4200], status[128], ports[1024];
		ps_command(v->r.command.items, false, command, sizeof(command));
		view_status(v, status, sizeof(status));
		view_ports(&v->r, ports, sizeof(ports));
		const char *service = compose_view_label(v, COMPOSE_LABEL_SERVICE);
		const char *row[] = { v->r.name, v->r.image, command, service ? service : "", status, ports };
		table_add_row(&t, row);
	}
	table_print(&t, stdout);
	table_free(&t);
	return 0;
}

static int parse_time(int argc, char **argv, long *seconds)
{
	static const struct option options[] = { { "timeout", required_argument, NULL, 't' }, { 0 } };
	int opt;
	*seconds = -1;
	while ((opt = getopt_long(argc, argv, "+t:", options, NULL)) != -1) {
		char *end;
		if (opt != 't' || (*seconds = strtol(optarg, &end, 10)) < 0 || *end)
			return fail_errno(0, "bad flag or value: %s", argv[optind - 1]);
	}
	return 0;
}

static int stop(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	long seconds;
	if (parse_time(argc, argv, &seconds) < 0)
		return usage_error("compose stop", "%s", error_message());
	if (compose_check_services(p, argv + optind, argc - optind) < 0)
		return error_report(1);
	size_t *which = c->which;
	size_t n = select_containers(c, argv + optind, argc - optind, false, which);
	return compose_stop_containers(p, c, which, n, seconds) < 0 ? error_report(1) : 0;
}

/* Start the stopped containers of the services named, in start order (levels first to last). */
static int start_stopped(struct compose_loaded *p, struct compose_containers *c, char **names, int count)
{
	size_t *level_of = calloc(p->model.service_count + 1, sizeof(size_t));
	if (!level_of)
		return fail_errno(ENOMEM, "cannot start the project");
	int rc = start_levels(&p->model, level_of);
	for (size_t l = 0; rc == 0 && l < p->model.service_count; l++)
		for (size_t i = 0; i < c->mine_count; i++) {
			struct view *v = &c->views[c->mine[i]];
			if (compose_view_oneoff(v) || !compose_view_named(v, names, count) || is_running(v) ||
			    service_level(&p->model, level_of, v) != l)
				continue;
			printf(" Container %s  Starting\n", v->r.name);
			fflush(stdout);
			if (image_start_recorded(&v->r) < 0) {
				rc = -1;
				break;
			}
			printf(" Container %s  Started\n", v->r.name);
		}
	free(level_of);
	return rc;
}

static int start(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	if (compose_check_services(p, argv + 1, argc - 1) < 0 || start_stopped(p, c, argv + 1, argc - 1) < 0)
		return error_report(1);
	return 0;
}

static int restart(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	long seconds;
	if (parse_time(argc, argv, &seconds) < 0)
		return usage_error("compose restart", "%s", error_message());
	char **names = argv + optind;
	int count = argc - optind;
	if (compose_check_services(p, names, count) < 0)
		return error_report(1);
	size_t *which = c->which;
	size_t n = select_containers(c, names, count, false, which);
	if (compose_stop_containers(p, c, which, n, seconds) < 0)
		return error_report(1);
	struct compose_containers now;
	if (compose_containers_load(p->name, &now) < 0)
		return error_report(1);
	int rc = start_stopped(p, &now, names, count);
	compose_containers_free(&now);
	return rc < 0 ? error_report(1) : 0;
}

static int kill_services(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	static const struct option options[] = { { "signal", required_argument, NULL, 's' }, { 0 } };
	int sig = SIGKILL, opt;
	while ((opt = getopt_long(argc, argv, "+s:", options, NULL)) != -1)
		if (opt != 's' || signal_parse(optarg, &sig) < 0)
			return usage_error("compose kill", "bad flag or value: %s", argv[optind - 1]);
	if (compose_check_services(p, argv + optind, argc - optind) < 0)
		return error_report(1);
	int rc = 0;
	for (size_t i = 0; i < c->mine_count; i++) {
		const struct view *v = &c->views[c->mine[i]];
		if (compose_view_oneoff(v) || !compose_view_named(v, argv + optind, argc - optind) || !is_running(v))
			continue;
		if (signal_init(v, sig) < 0) {
			rc = error_report(1);
			continue;
		}
		printf(" Container %s  Killed\n", v->r.name);
	}
	return rc;
}

/* Remove containers (indices into c->mine), stopped ones, or all with force. */
static int remove_containers(const struct compose_containers *c, const size_t *which, size_t count, bool force)
{
	int rc = 0;
	for (size_t i = 0; i < count; i++) {
		const struct view *v = &c->views[c->mine[which[i]]];
		printf(" Container %s  Removing\n", v->r.name);
		fflush(stdout);
		if (container_remove(v->r.id, force) < 0) {
			rc = error_report(1);
			continue;
		}
		printf(" Container %s  Removed\n", v->r.name);
	}
	return rc;
}

static int rm(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	bool stop_first = false;
	int opt;
	while ((opt = getopt(argc, argv, "+fsv")) != -1)
		if (opt == 's')
			stop_first = true;
		else if (opt != 'f' && opt != 'v') /* -f: tinydock never asks; -v: anonymous volumes stay */
			return usage_error("compose rm", "unknown flag: %s", argv[optind - 1]);
	if (compose_check_services(p, argv + optind, argc - optind) < 0)
		return error_report(1);
	size_t *which = c->which;
	size_t n = select_containers(c, argv + optind, argc - optind, false, which);
	if (stop_first && compose_stop_containers(p, c, which, n, -1) < 0)
		return error_report(1);
	size_t *stopped = which, m = 0; /* kept in place: m <= i */
	for (size_t i = 0; i < n; i++)
		if (stop_first || !is_running(&c->views[c->mine[which[i]]]))
			stopped[m++] = which[i];
	if (m == 0)
		printf("No stopped containers\n");
	return remove_containers(c, stopped, m, stop_first);
}

/* down --rmi: the images the services run, as chapter 05's `rmi` removes them. local: only
 * those Compose named itself (a build with no `image:`); all: every one. An image still used
 * by a container of another project stays, and rmi says why. */
static int remove_images(const struct compose_loaded *p, bool all)
{
	int rc = 0;
	for (size_t i = 0; i < p->model.service_count; i++) {
		const struct compose_service *s = &p->model.services[i];
		if (!all && s->image)
			continue;
		char *image = compose_service_image(p, s);
		char id[SHA256_DIGEST_SIZE];
		if (image)
			compose_image_id(image, id);
		if (!image || !id[0]) {
			free(image);
			error_clear();
			continue;
		}
		printf(" Image %s  Removing\n", image);
		fflush(stdout);
		char *argv[] = { "rmi", image, NULL };
		optind = 0;
		if (cmd_rmi(2, argv) != 0)
			rc = -1;
		else
			printf(" Image %s  Removed\n", image);
		free(image);
	}
	return rc;
}

/* The volumes a container used that were made for it alone (Docker's anonymous volumes have a
 * name of 64 hex digits): `down -v` removes them. */
static bool anonymous_volume(const char *name)
{
	return strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64;
}

static int down(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	static const struct option options[] = { { "volumes", no_argument, NULL, 'v' },
						 { "remove-orphans", no_argument, NULL, 'o' },
						 { "rmi", required_argument, NULL, 'r' },
						 { "timeout", required_argument, NULL, 't' },
						 { 0 } };
	bool volumes = false, orphans = false;
	const char *rmi = NULL;
	long seconds = -1;
	int opt;
	while ((opt = getopt_long(argc, argv, "+vt:", options, NULL)) != -1) {
		if (opt == 'v')
			volumes = true;
		else if (opt == 'o')
			orphans = true;
		else if (opt == 't')
			seconds = atol(optarg);
		else if (opt == 'r' && (strcmp(optarg, "local") == 0 || strcmp(optarg, "all") == 0))
			rmi = optarg;
		else if (opt == 'r')
			return usage_error("compose down", "--rmi takes local or all, not \"%s\"", optarg);
		else
			return usage_error("compose down", "unknown flag: %s", argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("compose down", "takes no SERVICE");
	/* The containers of the file's services, and with --remove-orphans those of services gone
	 * from it (Compose keeps those otherwise, and says so). */
	size_t *which = c->which, n = 0, orphan_count = 0;
	for (size_t i = 0; i < c->mine_count; i++) {
		const struct view *v = &c->views[c->mine[i]];
		const char *service = compose_view_label(v, COMPOSE_LABEL_SERVICE);
		bool known = service && compose_find_service(&p->model, service);
		if (known || orphans || compose_view_oneoff(v))
			which[n++] = i;
		else
			orphan_count++;
	}
	if (orphan_count)
		fprintf(stderr, "WARN[0000] Found orphan containers for this project. If you removed or renamed this service "
				"in your compose file, you can run this command with the --remove-orphans flag to clean it up.\n");
	int rc = compose_stop_containers(p, c, which, n, seconds) < 0 ? error_report(1) : 0;
	/* What each container used, before its record goes. */
	struct compose_strings anonymous = { 0 };
	for (size_t i = 0; volumes && i < n; i++) {
		const struct container_record *r = &c->views[c->mine[which[i]]].r;
		for (size_t m = 0; m < r->mount_count; m++)
			if (strcmp(r->mounts[m].type, "volume") == 0 && anonymous_volume(r->mounts[m].name))
				compose_strings_add(&anonymous, r->mounts[m].name);
	}
	if (remove_containers(c, which, n, true) != 0)
		rc = 1;
	char *network = compose_default_network(p->name);
	struct network existing;
	if (network && network_load(network, &existing) == 0) {
		printf(" Network %s  Removing\n", network);
		if (network_remove(network) < 0)
			rc = error_report(1);
		else
			printf(" Network %s  Removed\n", network);
	}
	error_clear();
	free(network);
	for (size_t i = 0; volumes && i < p->model.volumes.count + anonymous.count; i++) {
		bool declared = i < p->model.volumes.count;
		char *name = declared ? compose_volume_name(p->name, p->model.volumes.items[i])
				      : strdup(anonymous.items[i - p->model.volumes.count]);
		struct volume_info info;
		if (name && volume_load(name, &info) == 0) {
			printf(" Volume %s  Removing\n", name);
			if (volume_remove(name, NULL) < 0)
				rc = error_report(1);
			else
				printf(" Volume %s  Removed\n", name);
		}
		error_clear();
		free(name);
	}
	compose_strings_free(&anonymous);
	if (rmi && remove_images(p, strcmp(rmi, "all") == 0) < 0)
		rc = 1;
	return rc;
}

/* --- tinydock compose ----------------------------------------------------------------------- */

static int parse_global(int argc, char **argv, struct compose_options *o)
{
	enum { OPT_ENV_FILE = 1700, OPT_PROFILE, OPT_PROJECT_DIRECTORY };
	static const struct option options[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "project-name", required_argument, NULL, 'p' },
		{ "env-file", required_argument, NULL, OPT_ENV_FILE },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "project-directory", required_argument, NULL, OPT_PROJECT_DIRECTORY },
		{ 0 },
	};
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+f:p:", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (o->file_count == sizeof(o->files) / sizeof(o->files[0]))
				return fail_errno(0, "too many -f files");
			o->files[o->file_count++] = optarg;
			break;
		case 'p':
			o->project_name = optarg;
			break;
		case OPT_ENV_FILE:
			o->env_file = optarg;
			break;
		case OPT_PROFILE:
			if (o->profile_count == sizeof(o->profiles) / sizeof(o->profiles[0]))
				return fail_errno(0, "too many --profile");
			o->profiles[o->profile_count++] = optarg;
			break;
		case OPT_PROJECT_DIRECTORY:
			o->project_directory = optarg;
			break;
		default:
			return fail_errno(0, "unknown flag: %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return fail_errno(0, "requires a COMMAND (see tinydock compose --help)");
	return 0;
}

typedef int subcommand(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv);

static const struct {
	const char *name;
	subcommand *run;
} subcommands[] = {
	{ "ps", ps }, { "stop", stop }, { "start", start }, { "restart", restart },
	{ "kill", kill_services }, { "rm", rm }, { "down", down },
	{ "build", compose_build }, { "pull", compose_pull }, { "push", compose_push }, { "images", compose_images },
	{ "exec", compose_exec }, { "run", compose_run }, { "top", compose_top },
};

int cmd_compose(int argc, char **argv)
{
	if (argc < 2 || (asks_for_help(argc, argv) && (argc == 2 || argv[1][0] == '-')))
		return argc < 2 ? usage_error("compose", "requires a COMMAND") : print_help(compose_help);
	struct compose_options options = { .files = { NULL } };
	if (parse_global(argc, argv, &options) < 0)
		return usage_error("compose", "%s", error_message());
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	if (asks_for_help(sub_argc, sub_argv)) /* `compose up --help`: every command's flags are listed */
		return print_help(compose_help);
	struct compose_loaded project;
	if (compose_load(&options, &project) < 0)
		return error_report(1);
	optind = 0;
	opterr = 0;
	int code;
	if (strcmp(sub_argv[0], "up") == 0) {
		code = compose_up(&project, sub_argc, sub_argv);
	} else {
		subcommand *run = NULL;
		for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
			if (strcmp(subcommands[i].name, sub_argv[0]) == 0)
				run = subcommands[i].run;
		struct compose_containers containers;
		if (!run)
			code = usage_error("compose", "unknown command: %s", sub_argv[0]);
		else if (compose_containers_load(project.name, &containers) < 0)
			code = error_report(1);
		else {
			code = run(&project, &containers, sub_argc, sub_argv);
			compose_containers_free(&containers);
		}
	}
	compose_loaded_free(&project);
	return code;
}
