/*
 * compose-oneoff.c - commands that reach into a service: exec in its running container, run
 * a one-off container of it, top of its processes.
 *
 * `compose exec web sh` is `exec` in the container of service web numbered 1 (--index N for
 * another replica): Compose finds it by its labels, so the user never types shop-web-1.
 * `compose run web CMD` makes a new container from web's definition with another command: a
 * one-off, named PROJECT-SERVICE-run-ID and labelled oneoff=True, so `up`, `ps` and `down`'s
 * plan leave it alone (it is not one of the service's replicas). It runs in the foreground by
 * default, on the project's network, with the service's dependencies started first, and
 * without the service's published ports (they belong to the replicas; --service-ports is
 * Compose's flag to take them).
 */
#include "compose.h"
#include "cli.h"
#include "compose-labels.h"
#include "compose-service-spec.h"
#include "compose-secrets.h"
#include "error.h"
#include "names.h"
#include "runtime.h"
#include "volume-run.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* --- exec ----------------------------------------------------------------------------------- */

int compose_exec(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	enum { OPT_INDEX = 1900 };
	static const struct option options[] = {
		{ "index", required_argument, NULL, OPT_INDEX }, { "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },        { "workdir", required_argument, NULL, 'w' },
		{ "no-TTY", no_argument, NULL, 'T' },            { 0 },
	};
	/* exec's own argv: exec [-i -t] [-e V]... [-u U] [-w W] ID CMD... */
	char **exec_argv = calloc((size_t)argc + 4, sizeof(char *));
	if (!exec_argv) {
		fail_errno(ENOMEM, "exec");
		return error_report(1);
	}
	int n = 0, index = 1, opt, code = 1;
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO); /* Compose: a TTY unless -T */
	exec_argv[n++] = "exec";
	while ((opt = cli_getopt(argc, argv, "+e:u:w:T", options, NULL)) != -1) {
		if (opt == OPT_INDEX && (index = atoi(optarg)) >= 1)
			continue;
		if (opt == 'T') {
			tty = !cli_flag_on(optarg);
			continue;
		}
		if (opt != 'e' && opt != 'u' && opt != 'w') {
			code = usage_error("compose exec", "bad flag or value: %s", argv[optind - 1]);
			goto done;
		}
		exec_argv[n++] = opt == 'e' ? "-e" : opt == 'u' ? "-u" : "-w";
		exec_argv[n++] = optarg;
	}
	if (argc - optind < 2) {
		code = usage_error("compose exec", "requires a SERVICE and a COMMAND");
		goto done;
	}
	const char *service = argv[optind];
	if (compose_check_services(p, argv + optind, 1) < 0) {
		code = error_report(1);
		goto done;
	}
	const struct view *found = NULL;
	for (size_t i = 0; i < c->mine_count; i++) {
		const struct view *v = &c->views[c->mine[i]];
		const char *number = compose_view_label(v, COMPOSE_LABEL_NUMBER);
		if (!compose_view_oneoff(v) && compose_view_named(v, argv + optind, 1) && number && atoi(number) == index &&
		    is_running(v))
			found = v;
	}
	if (!found) {
		fail_errno(0, "service \"%s\" is not running (no container number %d)", service, index);
		code = error_report(1);
		goto done;
	}
	if (tty) {
		exec_argv[n++] = "-i";
		exec_argv[n++] = "-t";
	}
	exec_argv[n++] = (char *)found->r.id;
	for (int i = optind + 1; i < argc; i++)
		exec_argv[n++] = argv[i];
	optind = 0;
	code = cmd_exec(n, exec_argv);
done:
	free(exec_argv);
	return code;
}

/* --- run ------------------------------------------------------------------------------------ */

struct run_flags_compose {
	bool remove, detach, no_deps, no_tty;
	const char *name, *entrypoint, *user, *workdir;
	const char *env[32];
	size_t env_count;
};

static int parse_run(int argc, char **argv, struct run_flags_compose *f)
{
	enum { OPT_RM = 1910, OPT_NAME, OPT_ENTRYPOINT, OPT_NO_DEPS };
	static const struct option options[] = {
		{ "rm", no_argument, NULL, OPT_RM },
		{ "detach", no_argument, NULL, 'd' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
		{ "no-deps", no_argument, NULL, OPT_NO_DEPS },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "no-TTY", no_argument, NULL, 'T' },
		{ 0 },
	};
	int opt;
	while ((opt = cli_getopt(argc, argv, "+de:u:w:T", options, NULL)) != -1) {
		switch (opt) {
		case OPT_RM: f->remove = cli_flag_on(optarg); break;
		case 'd': f->detach = cli_flag_on(optarg); break;
		case OPT_NAME: f->name = optarg; break;
		case OPT_ENTRYPOINT: f->entrypoint = optarg; break;
		case OPT_NO_DEPS: f->no_deps = cli_flag_on(optarg); break;
		case 'u': f->user = optarg; break;
		case 'w': f->workdir = optarg; break;
		case 'T': f->no_tty = cli_flag_on(optarg); break;
		case 'e':
			if (f->env_count == sizeof(f->env) / sizeof(f->env[0]))
				return fail_errno(0, "too many -e");
			f->env[f->env_count++] = optarg;
			break;
		default:
			return fail_errno(0, "bad flag or value: %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return fail_errno(0, "requires a SERVICE");
	return 0;
}

/* The dependencies of s started as `up -d DEPENDENCY...` would (with their own). */
static int start_dependencies(struct compose_loaded *p, const struct compose_service *s)
{
	if (s->depends_count == 0)
		return compose_up_resources(p);
	char **argv = calloc(s->depends_count + 3, sizeof(char *));
	if (!argv)
		return fail_errno(ENOMEM, "cannot start the dependencies of \"%s\"", s->name);
	int argc = 0;
	argv[argc++] = "up";
	argv[argc++] = "-d";
	for (size_t d = 0; d < s->depends_count; d++)
		argv[argc++] = s->depends_on[d].service;
	optind = 0;
	int code = compose_up(p, argc, argv);
	free(argv);
	return code == 0 ? 0 : fail_errno(0, "the dependencies of \"%s\" did not start", s->name);
}

/* "PROJECT-SERVICE-run-" and 12 random hex digits, as Compose v2 names a one-off. */
static char *oneoff_name(const char *project, const char *service)
{
	unsigned char random[6];
	if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random)) {
		fail_sys("getrandom");
		return NULL;
	}
	char *name;
	if (asprintf(&name, "%s-%s-run-%02x%02x%02x%02x%02x%02x", project, service, random[0], random[1], random[2],
		     random[3], random[4], random[5]) < 0) {
		fail_errno(ENOMEM, "cannot name the container");
		return NULL;
	}
	return name;
}

int compose_run(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	(void)c;
	struct run_flags_compose f = { 0 };
	if (parse_run(argc, argv, &f) < 0)
		return usage_error("compose run", "%s", error_message());
	if (compose_check_services(p, argv + optind, 1) < 0)
		return error_report(1);
	const struct compose_service *s = compose_find_service(&p->model, argv[optind]);
	char **command = argv + optind + 1;
	struct volume_spec *spec = calloc(1, sizeof(*spec));
	struct compose_spec_strings strings = { 0 };
	struct compose_strings ignored = { 0 };
	struct compose_env_file env = { 0 };
	char *image = NULL, *name = NULL, *state = NULL, **argv_made = NULL;
	char id[SHA256_DIGEST_SIZE], hash[SHA256_HEX_SIZE];
	int code = -1; /* -1 until the container ran: our own failure, said at the end */
	if (!spec) {
		fail_errno(ENOMEM, "run");
		goto done;
	}
	if ((!f.no_deps ? start_dependencies(p, s) : compose_up_resources(p)) < 0 || !(image = compose_service_image(p, s)))
		goto done;
	compose_image_id(image, id);
	if (s->build.context && !id[0]) {
		if (compose_build_service(p, s, image) < 0)
			goto done;
		compose_image_id(image, id);
	}
	compose_config_hash(s, s->build.context && id[0] ? id : NULL, hash);
	if (compose_env_files(p, s, &env) < 0 || !(name = f.name ? strdup(f.name) : oneoff_name(p->name, s->name)))
		goto done;
	if (!(state = compose_secrets_folder(p->name)))
		goto done;
	struct compose_spec_input in = { .project = p->name, .directory = p->directory, .image = image, .hash = hash,
					 .number = 1, .name = name, .oneoff = true,
					 .env_file_vars = env.vars, .env_file_count = env.count,
					 .model = &p->model, .state = state };
	if (compose_service_spec(&in, s, spec, &strings, &ignored) < 0)
		goto done;
	struct runtime_spec *r = &spec->image.runtime;
	struct container *ctr = &r->container;
	ctr->port_count = 0; /* the replicas' ports, not a one-off's */
	if (*command) { /* the service's command replaced; a list entrypoint's words after the first still lead */
		size_t lead = !f.entrypoint && s->has_entrypoint && s->entrypoint.count > 1 ? s->entrypoint.count - 1 : 0;
		size_t words = 0;
		while (command[words])
			words++;
		if (!(argv_made = calloc(lead + words + 1, sizeof(char *)))) {
			fail_errno(ENOMEM, "run");
			goto done;
		}
		for (size_t i = 0; i < lead; i++)
			argv_made[i] = s->entrypoint.items[i + 1];
		memcpy(argv_made + lead, command, words * sizeof(char *));
		ctr->command = argv_made;
	}
	if (f.entrypoint)
		spec->image.entrypoint = f.entrypoint;
	if (f.user)
		ctr->user = f.user;
	if (f.workdir)
		ctr->workdir = f.workdir;
	for (size_t i = 0; i < f.env_count && ctr->env_count < MAX_ENV; i++)
		ctr->env[ctr->env_count++] = f.env[i];
	ctr->remove = f.remove;
	r->detach = f.detach;
	r->restart = (struct restart_policy){ 0 }; /* Compose: a one-off never restarts */
	r->restart_given = false;
	if (!f.detach) {
		ctr->interactive = true;
		ctr->tty = !f.no_tty && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	}
	fflush(stdout);
	code = volume_run(spec);
done:
	if (code < 0)
		code = error_report(1);
	compose_spec_strings_free(&strings);
	compose_strings_free(&ignored);
	compose_env_file_free(&env);
	free(image);
	free(name);
	free(state);
	free(argv_made);
	free(spec);
	return code;
}

/* --- top ------------------------------------------------------------------------------------ */

int compose_top(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-')
		return usage_error("compose top", "unknown flag: %s", argv[1]);
	if (compose_check_services(p, argv + 1, argc - 1) < 0)
		return error_report(1);
	int rc = 0;
	bool first = true;
	for (size_t i = 0; i < c->mine_count; i++) {
		const struct view *v = &c->views[c->mine[i]];
		if (!compose_view_named(v, argv + 1, argc - 1) || !is_running(v))
			continue;
		printf("%s%s\n", first ? "" : "\n", v->r.name);
		fflush(stdout);
		first = false;
		char *top_argv[] = { "top", (char *)v->r.id, NULL };
		optind = 0;
		if (cmd_top(2, top_argv) != 0)
			rc = 1;
		fflush(stdout);
	}
	return rc;
}
