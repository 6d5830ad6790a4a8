/*
 * compose.c - `tinydock compose`: the global flags, the project's containers found by their
 * labels, `ps`, and the table of the other commands: `up` (compose-up.c), stop, start,
 * restart, kill, rm, down (compose-lifecycle.c), build, pull, push, images
 * (compose-images.c), exec, run, top (compose-oneoff.c), config (compose-config.c),
 * logs and the attached up (compose-attach.c).
 *
 * Compose has no state of its own: the file says what should be, the labels of the containers
 * say what is (compose-labels.h). Every command loads both, so `ps` in a new shell, or after a
 * reboot, knows the project as well as the `up` that made it.
 */
#include "compose.h"
#include "cli.h"
#include "compose-graph.h"
#include "compose-labels.h"
#include "error.h"
#include "ps-format.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char compose_help[] =
	"Usage:  tinydock compose [OPTIONS] COMMAND [ARGS...]\n"
	"\n"
	"Define and run multi-container applications: the services of a compose file, as\n"
	"containers labelled with their project and service.\n"
	"\n"
	"Options:\n"
	"  -f, --file FILE               The compose file (default: compose.yaml, compose.yml,\n"
	"                                docker-compose.yaml, docker-compose.yml, here or above;\n"
	"                                -: the standard input)\n"
	"  -p, --project-name NAME       The project's name (default: the folder's)\n"
	"      --env-file FILE           Variables for interpolation (default: the project's .env)\n"
	"      --profile NAME            Enable the services of a profile (repeatable)\n"
	"      --project-directory DIR   The project folder (default: the file's)\n"
	"\n"
	"Commands:\n"
	"  up        Create and start the containers and show their logs until they end; Ctrl-C\n"
	"            stops them (-d: in the background; --build, --no-build, --force-recreate,\n"
	"            --remove-orphans, --abort-on-container-exit, --no-color, SERVICE...)\n"
	"  ps        List the containers (-a: also stopped ones)\n"
	"  logs      Show the containers' output (-f, --tail N, -t, --no-color, SERVICE...)\n"
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
	"  top       Show the processes of the running containers\n"
	"  config    Print the resolved file (--format yaml|json, --services, --volumes,\n"
	"            -q: only check it)\n";

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

/* --- the start order of the model's services -------------------------------------------- */

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

/* --- ps ------------------------------------------------------------------------------------ */

static int ps(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	static const struct option options[] = { { "all", no_argument, NULL, 'a' }, { 0 } };
	bool all = false;
	int opt;
	while ((opt = cli_getopt(argc, argv, "+a", options, NULL)) != -1)
		if (opt == 'a')
			all = cli_flag_on(optarg);
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
	while ((opt = cli_getopt(argc, argv, "+f:p:", options, NULL)) != -1) {
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
	{ "ps", ps }, { "stop", compose_stop }, { "start", compose_start }, { "restart", compose_restart },
	{ "kill", compose_kill }, { "rm", compose_rm }, { "down", compose_down },
	{ "build", compose_build }, { "pull", compose_pull }, { "push", compose_push }, { "images", compose_images },
	{ "exec", compose_exec }, { "run", compose_run }, { "top", compose_top }, { "logs", compose_logs },
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
	} else if (strcmp(sub_argv[0], "config") == 0) {
		code = compose_config(&project, sub_argc, sub_argv);
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
