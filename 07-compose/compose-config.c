/*
 * compose-config.c - `tinydock compose config`: the project as this program understands it,
 * printed back.
 *
 * After -f files are merged, `extends` followed, ${VAR} substituted and short syntaxes read,
 * the file that runs is not quite the file written. `config` shows the one that runs, in the
 * canonical form of compose-print.h, under the name the project really has (-p,
 * COMPOSE_PROJECT_NAME, `name:`, or the folder's), as `docker compose config` does. The same
 * flags: --format yaml|json, --services and --volumes (names only, one a line, for scripts)
 * and -q (check the file, print nothing: the exit status says whether it is valid). A service
 * with `profiles:` is shown only when --profile enables one of them, as `up` would run it.
 */
#include "compose.h"
#include "cli.h"
#include "compose-print.h"
#include "error.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_names(const struct compose_strings *names)
{
	for (size_t i = 0; i < names->count; i++)
		printf("%s\n", names->items[i]);
}

int compose_config(struct compose_loaded *p, int argc, char **argv)
{
	enum { OPT_FORMAT = 1800, OPT_SERVICES, OPT_VOLUMES };
	static const struct option options[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "services", no_argument, NULL, OPT_SERVICES },
		{ "volumes", no_argument, NULL, OPT_VOLUMES },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	enum compose_format format = COMPOSE_FORMAT_YAML;
	bool services = false, volumes = false, quiet = false;
	int opt;
	while ((opt = cli_getopt(argc, argv, "+q", options, NULL)) != -1) {
		if (opt == OPT_FORMAT && strcmp(optarg, "yaml") == 0)
			format = COMPOSE_FORMAT_YAML;
		else if (opt == OPT_FORMAT && strcmp(optarg, "json") == 0)
			format = COMPOSE_FORMAT_JSON;
		else if (opt == OPT_FORMAT)
			return usage_error("compose config", "unsupported format: %s (yaml or json)", optarg);
		else if (opt == OPT_SERVICES)
			services = cli_flag_on(optarg);
		else if (opt == OPT_VOLUMES)
			volumes = cli_flag_on(optarg);
		else if (opt == 'q')
			quiet = cli_flag_on(optarg);
		else
			return usage_error("compose config", "unknown flag: %s", argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("compose config", "takes no arguments (got \"%s\")", argv[optind]);
	if (quiet) /* loading the project was the check */
		return 0;
	/* The services --profile makes active, as `up` would start them (shallow copies: the model
	 * keeps owning their strings), under the resolved name; the model is put back afterwards,
	 * as compose_loaded_free frees it. */
	struct compose_project *m = &p->model;
	struct compose_service *all = m->services;
	size_t all_count = m->service_count;
	struct compose_service *active = calloc(all_count + 1, sizeof(*active));
	if (!active) {
		fail_errno(ENOMEM, "cannot list the active services");
		return error_report(1);
	}
	m->service_count = 0;
	for (size_t i = 0; i < all_count; i++)
		if (compose_profile_enabled(p->options, &all[i]))
			active[m->service_count++] = all[i];
	m->services = active;
	char *written_name = m->name;
	m->name = p->name;
	int result = 0;
	if (services || volumes) {
		for (size_t i = 0; services && i < m->service_count; i++)
			printf("%s\n", m->services[i].name);
		if (volumes)
			print_names(&m->volumes);
	} else {
		result = compose_print(stdout, m, format);
	}
	m->name = written_name;
	m->services = all;
	m->service_count = all_count;
	free(active);
	if (fflush(stdout) != 0 && result == 0)
		result = fail_sys("cannot write the configuration");
	return result < 0 ? error_report(1) : 0;
}
