/*
 * stack-cli.c - `tinydock stack deploy|ls|ps|services|rm|config`.
 *
 * A stack is nothing the swarm stores: it is the services that carry the label
 * com.docker.stack.namespace=NAME. `stack deploy` reads a compose file with chapter 07's
 * loader (interpolation, .env and override files included), turns each service into a
 * swarm service spec (stack-spec.h), and creates each service that does not exist and
 * updates each that does; a service of the stack that the file no longer has is removed only
 * with --prune, as Docker's. Deploying the same file twice changes nothing that runs: an
 * update whose spec is the same makes no new version (swarm-apply.c).
 */
#include "swarm-cli.h"
#include "cli.h"
#include "compose-load.h"
#include "error.h"
#include "json.h"
#include "stack-spec.h"
#include "swarm-print.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char STACK_HELP[] =
	"Usage:  tinydock stack COMMAND\n"
	"\n"
	"Manage swarm stacks: the services of a compose file, deployed together\n"
	"\n"
	"Commands:\n"
	"  config -c FILE [STACK]                Print the services a deploy would make\n"
	"  deploy -c FILE [--prune] STACK        Deploy a new stack or update an existing stack\n"
	"  ls [--format FORMAT]                  List stacks\n"
	"  ps [-q] [--no-trunc] [-f KEY=VALUE] [--format F] STACK   List the tasks in the stack\n"
	"  rm STACK...                           Remove one or more stacks\n"
	"  services [-q] [-f KEY=VALUE] [--format F] STACK   List the services in the stack\n"
	"\n"
	"Options:\n"
	"  -c, --compose-file FILE   Path to a Compose file, or \"-\" to read from stdin (repeatable:\n"
	"                            later files override earlier ones)\n"
	"      --prune               Remove the stack's services that the file no longer has\n";

static int failed(const char *sub)
{
	fail_context("stack %s", sub);
	return error_report(1);
}

/* --- reading the file ----------------------------------------------------------------------- */

struct deploying {
	struct compose_options compose;
	bool prune;
	const char *stack;
};

static int deploy_flags(const char *sub, int argc, char **argv, struct deploying *d, bool needs_stack)
{
	static const struct option options[] = { { "compose-file", required_argument, NULL, 'c' },
						 { "prune", no_argument, NULL, 'p' },
						 { "detach", no_argument, NULL, 'd' },
						 { "quiet", no_argument, NULL, 'q' },
						 { NULL, 0, NULL, 0 } };
	*d = (struct deploying){ 0 };
	optind = 0;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "c:dq", options, NULL)) != -1;) {
		if (opt == 'c') {
			if (d->compose.file_count == COMPOSE_MAX_FILES)
				return usage_error(sub, "at most %d compose files", COMPOSE_MAX_FILES);
			d->compose.files[d->compose.file_count++] = optarg;
		} else if (opt == 'p') {
			d->prune = cli_flag_on(optarg);
		} else if (opt != 'd' && opt != 'q') { /* Docker's deploy returns at once already */
			return usage_error(sub, "unknown flag, or a flag without its value: %s", argv[optind - 1]);
		}
	}
	if (d->compose.file_count == 0)
		return usage_error(sub, "requires a compose file: -c FILE");
	if (needs_stack && optind != argc - 1)
		return usage_error(sub, "requires exactly 1 argument: the stack's name");
	if (!needs_stack && optind < argc - 1)
		return usage_error(sub, "takes at most 1 argument: the stack's name");
	d->stack = optind < argc ? argv[optind] : "stack"; /* config: the services' names as in a stack "stack" */
	d->compose.project_name = d->stack;
	return 0;
}

/* The file's services as specs of the stack; the ignored keys named on stderr, as Docker. */
static int load_specs(const struct deploying *d, struct stack_specs *specs)
{
	struct compose_loaded loaded;
	if (stack_name_check(d->stack) < 0 || compose_load(&d->compose, &loaded) < 0)
		return -1;
	int rc = stack_specs_from_project(&loaded.model, d->stack, specs);
	compose_loaded_free(&loaded);
	if (rc == 0)
		stack_print_ignored(specs, stderr);
	return rc;
}

/* --- deploy, config ------------------------------------------------------------------------- */

static bool in_specs(const struct stack_specs *specs, const char *name)
{
	for (size_t i = 0; i < specs->count; i++)
		if (strcmp(specs->items[i].name, name) == 0)
			return true;
	return false;
}

static int propose_spec(enum swarm_command_kind kind, const struct swarm_service_spec *spec)
{
	struct swarm_command command;
	swarm_command_init(&command, kind, swarm_cli_now_ms());
	if (swarm_service_spec_copy(&command.spec, spec) < 0)
		return -1;
	int rc = swarm_cli_propose(&command);
	swarm_command_free(&command);
	return rc;
}

static int propose_remove(const char *name)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_SERVICE_REMOVE, swarm_cli_now_ms());
	swarm_copy_name(command.name, sizeof(command.name), name);
	int rc = swarm_cli_propose(&command);
	swarm_command_free(&command);
	return rc;
}

static int stack_deploy(int argc, char **argv)
{
	struct deploying d;
	struct stack_specs specs;
	struct swarm_state state;
	int code = deploy_flags("stack deploy", argc, argv, &d, true);
	if (code)
		return code;
	if (load_specs(&d, &specs) < 0)
		return failed("deploy");
	if (swarm_cli_state(&state) < 0) {
		stack_specs_free(&specs);
		return failed("deploy");
	}
	int rc = 0;
	if (d.prune)
		for (size_t i = 0; rc == 0 && i < state.store.service_count; i++) {
			const struct swarm_service_spec *old = &state.store.services[i].spec;
			const char *stack = swarm_service_stack(old);
			if (!stack || strcmp(stack, d.stack) != 0 || in_specs(&specs, old->name))
				continue;
			printf("Removing service %s\n", old->name);
			rc = propose_remove(old->name);
		}
	for (size_t i = 0; rc == 0 && i < specs.count; i++) {
		const struct swarm_service_spec *spec = &specs.items[i];
		if (swarm_store_service(&state.store, spec->name)) {
			char id[SWARM_SERVICE_ID_SIZE];
			swarm_service_id(spec->name, id);
			printf("Updating service %s (id: %s)\n", spec->name, id);
			rc = propose_spec(SWARM_SERVICE_UPDATE, spec);
		} else {
			printf("Creating service %s\n", spec->name);
			rc = propose_spec(SWARM_SERVICE_CREATE, spec);
		}
		fflush(stdout);
	}
	swarm_state_free(&state);
	stack_specs_free(&specs);
	return rc < 0 ? failed("deploy") : 0;
}

static int stack_config(int argc, char **argv)
{
	struct deploying d;
	struct stack_specs specs;
	int code = deploy_flags("stack config", argc, argv, &d, false);
	if (code)
		return code;
	if (load_specs(&d, &specs) < 0)
		return failed("config");
	struct json *all = json_new_array();
	int rc = all ? 0 : fail_errno(ENOMEM, "cannot print the services");
	for (size_t i = 0; rc == 0 && i < specs.count; i++)
		if (!json_append(all, swarm_service_spec_document(&specs.items[i])))
			rc = fail_errno(ENOMEM, "cannot print the services");
	if (rc == 0)
		rc = swarm_print_documents(all, NULL, stdout);
	json_free(all);
	stack_specs_free(&specs);
	return rc < 0 ? failed("config") : 0;
}

/* --- ls, services, ps, rm ------------------------------------------------------------------- */

static bool stack_exists(const struct swarm_state *state, const char *stack)
{
	for (size_t i = 0; i < state->store.service_count; i++) {
		const char *in = swarm_service_stack(&state->store.services[i].spec);
		if (in && strcmp(in, stack) == 0)
			return true;
	}
	return false;
}

/* ls, services, ps: one listing over the state. */
static int stack_list(const char *sub, int argc, char **argv)
{
	struct swarm_cli_listing l;
	bool ls = strcmp(sub, "ls") == 0, services = strcmp(sub, "services") == 0;
	char name[32];
	snprintf(name, sizeof(name), "stack %s", sub);
	int first, code = swarm_cli_listing_flags(name, argc, argv,
						  services ? swarm_service_filter_keys : swarm_task_filter_keys, &l, &first);
	if (code)
		return code;
	if (argc - first != (ls ? 0 : 1)) {
		swarm_cli_listing_free(&l);
		return ls ? usage_error(name, "takes no arguments") : usage_error(name, "requires exactly 1 argument: STACK");
	}
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0) {
		swarm_cli_listing_free(&l);
		return failed(sub);
	}
	const struct swarm_list_options *list = &l.list;
	const char *stack = ls ? NULL : argv[first];
	int rc = 0;
	if (stack && !stack_exists(&state, stack))
		rc = fail_errno(0, "nothing found in stack: %s", stack);
	else if (ls)
		rc = swarm_print_stacks(&state, list->format, stdout);
	else if (services)
		rc = swarm_print_services(&state, stack, list, stdout);
	else
		rc = swarm_print_tasks(&state, NULL, 0, stack, swarm_cli_now_ms(), list, stdout);
	swarm_state_free(&state);
	swarm_cli_listing_free(&l);
	return rc < 0 ? failed(sub) : 0;
}

static int stack_ls(int argc, char **argv)
{
	return stack_list("ls", argc, argv);
}

static int stack_services(int argc, char **argv)
{
	return stack_list("services", argc, argv);
}

static int stack_ps(int argc, char **argv)
{
	return stack_list("ps", argc, argv);
}

static int stack_rm(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("stack rm", "requires at least 1 argument: STACK");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed("rm");
	int status = 0;
	for (int i = 1; i < argc; i++) {
		if (!stack_exists(&state, argv[i])) {
			fprintf(stderr, "Nothing found in stack: %s\n", argv[i]); /* Docker's words, and not an error */
			continue;
		}
		for (size_t j = 0; j < state.store.service_count; j++) {
			const struct swarm_service_spec *spec = &state.store.services[j].spec;
			const char *in = swarm_service_stack(spec);
			if (!in || strcmp(in, argv[i]) != 0)
				continue;
			printf("Removing service %s\n", spec->name);
			if (propose_remove(spec->name) < 0)
				status = failed("rm");
		}
	}
	swarm_state_free(&state);
	return status;
}

int cmd_stack(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} subs[] = {
		{ "deploy", stack_deploy }, { "up", stack_deploy }, { "config", stack_config }, { "ls", stack_ls },
		{ "list", stack_ls },	    { "ps", stack_ps },	    { "services", stack_services }, { "rm", stack_rm },
		{ "remove", stack_rm },	    { "down", stack_rm },
	};
	if (argc < 2)
		return usage_error("stack", "requires a command: deploy, ls, ps, services, rm or config");
	if (asks_for_help(argc, argv))
		return print_help(STACK_HELP);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	return usage_error("stack", "unknown command \"%s\"", argv[1]);
}
