/*
 * swarm-cli-service.c - `tinydock service create|ls|ps|inspect|scale|update|rollback|rm|logs`.
 *
 * Each subcommand is a few steps: its flags (swarm-service-flags.h), the swarm's state when it
 * needs a spec or prints one, one proposal per change, and, for the commands that change what
 * runs, Docker's wait for the tasks (unless -d). Output and messages are Docker's: create
 * prints the new service's ID, rm and scale the names they changed.
 */
#include "swarm-cli.h"
#include "cli.h"
#include "error.h"
#include "json.h"
#include "names.h"
#include "swarm-control.h"
#include "swarm-executor.h"
#include "swarm-print.h"
#include "swarm-service-flags.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char SERVICE_HELP[] =
	"Usage:  tinydock service COMMAND\n"
	"\n"
	"Manage swarm services (on a swarm node: `tinydock swarm init` or `swarm join` first)\n"
	"\n"
	"Commands:\n"
	"  create [OPTIONS] IMAGE [COMMAND] [ARG...]   Create a new service\n"
	"  inspect [--pretty] [-f FORMAT] SERVICE...   Display detailed information on services\n"
	"  logs [--tail N] SERVICE                     Fetch the logs of a service's tasks\n"
	"  ls [-q] [-f KEY=VALUE] [--format F]         List services (filters: id, name, mode, label)\n"
	"  ps [-q] [--no-trunc] [-f KEY=VALUE] [--format F] SERVICE...\n"
	"                                              List the tasks of services (filters: id, name,\n"
	"                                              node, desired-state)\n"
	"  rm SERVICE...                               Remove services\n"
	"  rollback [-d] SERVICE                       Revert changes to a service's configuration\n"
	"  scale [-d] SERVICE=REPLICAS...              Scale replicated services\n"
	"  update [OPTIONS] SERVICE                    Update a service\n"
	"\n"
	"Options of create (update takes the same, and --image, --env-add/-rm, --publish-add/-rm,\n"
	"--constraint-add/-rm, --label-add/-rm, --rollback in place of those that add):\n"
	"      --name NAME                  Service name\n"
	"      --replicas N                 Number of tasks (default 1)\n"
	"      --mode MODE                  replicated or global (one task per node)\n"
	"  -p, --publish [P:]T[/udp]        Publish a port (also published=P,target=T,mode=host)\n"
	"  -e, --env KEY=VALUE              Set an environment variable\n"
	"  -l, --label KEY=VALUE            Service label\n"
	"      --constraint EXPR            Placement constraint (node.role==worker, node.labels.zone==a)\n"
	"      --limit-cpu N, --limit-memory SIZE       Limits of each task's container\n"
	"      --reserve-cpu N, --reserve-memory SIZE   What the scheduler sets aside on a node\n"
	"      --restart-condition none|on-failure|any  --restart-delay D  --restart-max-attempts N\n"
	"      --restart-window D\n"
	"      --update-parallelism N  --update-delay D  --update-failure-action pause|continue|rollback\n"
	"      --update-order stop-first|start-first\n"
	"  -d, --detach                     Exit at once instead of waiting for the tasks to run\n"
	"  -q, --quiet                      Print the ID only / no progress\n";

/* Print the recorded error as "tinydock: service SUB: <message>"; returns 1 for a swarm
 * that said no, as Docker's CLI exits 1 on a daemon's error. */
static int failed(const char *sub)
{
	fail_context("service %s", sub);
	return error_report(1);
}

static int wait_unless_detached(const char *name, const struct swarm_service_options *options, const char *sub)
{
	if (options->detach)
		return 0;
	FILE *out = options->quiet ? fopen("/dev/null", "w") : stdout;
	if (!out)
		return 0;
	int rc = swarm_cli_converge(name, SWARM_CLI_CONVERGE_TIMEOUT_MS, out);
	if (out != stdout)
		fclose(out);
	return rc < 0 ? failed(sub) : 0;
}

/* --- create --------------------------------------------------------------------------------- */

/* A name for a service created without --name, as Docker gives one ("nostalgic_hopper"):
 * other services resolve it, so it must not be taken. */
static int pick_name(struct swarm_service_spec *spec)
{
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t seed = (uint64_t)now.tv_nsec ^ ((uint64_t)now.tv_sec << 20) ^ (uint64_t)getpid();
	for (int attempt = 0; attempt < 16; attempt++) {
		container_name_generate(seed + (uint64_t)attempt * 0x9e3779b97f4a7c15ULL, spec->name, sizeof(spec->name));
		if (!swarm_store_service(&state.store, spec->name))
			break;
	}
	swarm_state_free(&state);
	return 0;
}

static int service_create(int argc, char **argv)
{
	struct swarm_service_spec spec;
	struct swarm_service_options options;
	if (swarm_service_create_flags(argc, argv, &spec, &options) < 0)
		return usage_error("service create", "%s", error_message());
	if (!spec.name[0] && pick_name(&spec) < 0) {
		swarm_service_spec_free(&spec);
		return failed("create");
	}
	struct swarm_command command;
	swarm_command_init(&command, SWARM_SERVICE_CREATE, swarm_cli_now_ms());
	command.spec = spec; /* the command owns it now */
	int rc = swarm_cli_propose(&command);
	char name[SWARM_NAME_MAX];
	swarm_copy_name(name, sizeof(name), spec.name);
	swarm_command_free(&command);
	if (rc < 0)
		return failed("create");
	char id[SWARM_SERVICE_ID_SIZE];
	swarm_service_id(name, id);
	printf("%s\n", id);
	fflush(stdout);
	return wait_unless_detached(name, &options, "create");
}

/* --- ls, ps, inspect ------------------------------------------------------------------------ */

static int service_ls(int argc, char **argv)
{
	struct swarm_cli_listing l;
	int first, code;
	if ((code = swarm_cli_listing_flags("service ls", argc, argv, swarm_service_filter_keys, &l, &first)))
		return code;
	struct swarm_state state;
	int rc = first < argc ? -1 : swarm_cli_state(&state);
	if (first < argc) {
		swarm_cli_listing_free(&l);
		return usage_error("service ls", "takes no arguments");
	}
	if (rc == 0) {
		rc = swarm_print_services(&state, NULL, &l.list, stdout);
		swarm_state_free(&state);
	}
	swarm_cli_listing_free(&l);
	return rc < 0 ? failed("ls") : 0;
}

static int service_ps(int argc, char **argv)
{
	struct swarm_cli_listing l;
	int first, code;
	if ((code = swarm_cli_listing_flags("service ps", argc, argv, swarm_task_filter_keys, &l, &first)))
		return code;
	if (first >= argc) {
		swarm_cli_listing_free(&l);
		return usage_error("service ps", "requires at least 1 argument: SERVICE");
	}
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0) {
		swarm_cli_listing_free(&l);
		return failed("ps");
	}
	const char **names = calloc((size_t)(argc - first), sizeof(*names));
	int rc = names ? 0 : fail_errno(ENOMEM, "cannot list the services");
	for (int i = first; rc == 0 && i < argc; i++) {
		const struct swarm_service *service = swarm_cli_find_service(&state, argv[i]);
		if (!service)
			rc = -1;
		else
			names[i - first] = service->spec.name;
	}
	if (rc == 0)
		rc = swarm_print_tasks(&state, names, (size_t)(argc - first), NULL, swarm_cli_now_ms(), &l.list, stdout);
	free(names);
	swarm_state_free(&state);
	swarm_cli_listing_free(&l);
	return rc < 0 ? failed("ps") : 0;
}

static int service_inspect(int argc, char **argv)
{
	struct swarm_cli_listing l; /* -f is --format here, as Docker's inspect */
	int first, code;
	if ((code = swarm_cli_listing_flags("service inspect", argc, argv, NULL, &l, &first)))
		return code;
	if (first >= argc)
		return usage_error("service inspect", "requires at least 1 argument: SERVICE");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed("inspect");
	struct json *documents = json_new_array();
	int status = documents ? 0 : failed("inspect");
	for (int i = first; documents && i < argc; i++) {
		const struct swarm_service *service = swarm_cli_find_service(&state, argv[i]);
		if (!service) {
			status = failed("inspect"); /* and go on with the next, as Docker */
			continue;
		}
		if (l.pretty)
			swarm_print_service_pretty(service, stdout);
		else if (!json_append(documents, swarm_service_document(service)))
			status = failed("inspect");
	}
	if (documents && !l.pretty && swarm_print_documents(documents, l.list.format, stdout) < 0)
		status = failed("inspect");
	json_free(documents);
	swarm_state_free(&state);
	return status;
}

/* --- scale, update, rollback, rm ------------------------------------------------------------ */

/* Propose spec as service's new spec (SERVICE_UPDATE carries the whole spec). */
static int propose_spec(const struct swarm_service_spec *spec)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_SERVICE_UPDATE, swarm_cli_now_ms());
	if (swarm_service_spec_copy(&command.spec, spec) < 0)
		return -1;
	int rc = swarm_cli_propose(&command);
	swarm_command_free(&command);
	return rc;
}

static int service_scale(int argc, char **argv)
{
	struct swarm_service_options options = { 0 };
	int kept = 1;
	for (int i = 1; i < argc; i++) /* -d, --detach: the rest are SERVICE=REPLICAS */
		if (strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--detach") == 0)
			options.detach = true;
		else
			argv[kept++] = argv[i];
	struct swarm_scale *scales;
	size_t count;
	if (swarm_service_scale_args(kept, argv, &scales, &count) < 0)
		return usage_error("service scale", "%s", error_message());
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0) {
		free(scales);
		return failed("scale");
	}
	int status = 0;
	for (size_t i = 0; i < count; i++) {
		const struct swarm_service *service = swarm_cli_find_service(&state, scales[i].service);
		struct swarm_service_spec spec;
		if (!service) {
			status = failed("scale");
			continue;
		}
		if (service->spec.mode != SWARM_REPLICATED) {
			fail_errno(0, "scale can only be used with replicated mode: %s is global", service->spec.name);
			status = failed("scale");
			continue;
		}
		if (swarm_service_spec_copy(&spec, &service->spec) < 0) {
			status = failed("scale");
			continue;
		}
		spec.replicas = scales[i].replicas;
		if (propose_spec(&spec) < 0)
			status = failed("scale");
		else
			printf("%s scaled to %" PRIu32 "\n", spec.name, spec.replicas);
		swarm_service_spec_free(&spec);
	}
	fflush(stdout);
	for (size_t i = 0; status == 0 && i < count; i++)
		status = wait_unless_detached(swarm_cli_find_service(&state, scales[i].service)->spec.name, &options, "scale");
	swarm_state_free(&state);
	free(scales);
	return status;
}

static int propose_rollback(const char *name)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_SERVICE_ROLLBACK, swarm_cli_now_ms());
	swarm_copy_name(command.name, sizeof(command.name), name);
	swarm_copy_name(command.message, sizeof(command.message), "manually requested rollback");
	int rc = swarm_cli_propose(&command);
	swarm_command_free(&command);
	return rc;
}

static int service_update(int argc, char **argv)
{
	struct swarm_service_update update;
	if (swarm_service_update_flags(argc, argv, &update) < 0)
		return usage_error("service update", "%s", error_message());
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0) {
		swarm_service_update_free(&update);
		return failed("update");
	}
	const struct swarm_service *service = swarm_cli_find_service(&state, update.service);
	struct swarm_service_spec spec = { 0 };
	int rc = service ? 0 : -1;
	if (rc == 0 && update.rollback)
		rc = propose_rollback(service->spec.name);
	else if (rc == 0 && (rc = swarm_service_spec_copy(&spec, &service->spec)) == 0 &&
		 (rc = swarm_service_update_apply(&update, &spec)) == 0)
		rc = propose_spec(&spec);
	char name[SWARM_NAME_MAX] = "";
	if (service)
		swarm_copy_name(name, sizeof(name), service->spec.name);
	swarm_service_spec_free(&spec);
	swarm_state_free(&state);
	struct swarm_service_options options = update.options;
	swarm_service_update_free(&update);
	if (rc < 0)
		return failed("update");
	printf("%s\n", name);
	fflush(stdout);
	return wait_unless_detached(name, &options, "update");
}

static int service_rollback(int argc, char **argv)
{
	struct swarm_service_options options = { 0 };
	const char *ref = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--detach") == 0)
			options.detach = true;
		else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
			options.quiet = true;
		else if (argv[i][0] == '-' || ref)
			return usage_error("service rollback", "takes -d, -q and exactly 1 service, not \"%s\"", argv[i]);
		else
			ref = argv[i];
	}
	if (!ref)
		return usage_error("service rollback", "requires exactly 1 argument: SERVICE");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed("rollback");
	const struct swarm_service *service = swarm_cli_find_service(&state, ref);
	char name[SWARM_NAME_MAX] = "";
	if (service)
		swarm_copy_name(name, sizeof(name), service->spec.name);
	swarm_state_free(&state);
	if (!service || propose_rollback(name) < 0)
		return failed("rollback");
	printf("%s\nrollback: manually requested rollback\n", name);
	fflush(stdout);
	return wait_unless_detached(name, &options, "rollback");
}

static int service_rm(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("service rm", "requires at least 1 argument: SERVICE");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed("rm");
	int status = 0;
	for (int i = 1; i < argc; i++) {
		const struct swarm_service *service = swarm_cli_find_service(&state, argv[i]);
		struct swarm_command command;
		swarm_command_init(&command, SWARM_SERVICE_REMOVE, swarm_cli_now_ms());
		if (service)
			swarm_copy_name(command.name, sizeof(command.name), service->spec.name);
		if (!service || swarm_cli_propose(&command) < 0)
			status = failed("rm"); /* and go on with the next, as Docker */
		else
			printf("%s\n", argv[i]);
		swarm_command_free(&command);
	}
	swarm_state_free(&state);
	return status;
}

/* --- logs ----------------------------------------------------------------------------------- */

/* A task's output lines: read here when the task is on this machine's node (its container is in
 * this machine's store, swarm-executor.h), else asked of the node process, which relays the
 * request to the task's node ({"op":"logs","task":ID}). */
static int task_lines(const struct swarm_state *state, const struct swarm_task *t, long tail, struct swarm_strings *lines)
{
	if (strcmp(t->node, state->self) == 0)
		return swarm_task_logs(t->node, t->id, tail, lines);
	char request[96];
	snprintf(request, sizeof(request), "{\"op\":\"logs\",\"task\":%" PRIu64 "}", t->id);
	char *reply;
	if (swarm_control_call(request, &reply, SWARM_CLI_STATE_TIMEOUT_MS) < 0)
		return -1;
	struct json *root = swarm_control_reply_ok(reply) == 0 ? json_parse(reply, strlen(reply)) : NULL;
	free(reply);
	if (!root)
		return fail_context("the logs of task %" PRIu64 " are on node %s, whose node process did not give them", t->id,
				    t->node);
	int rc = 0;
	size_t skip = 0, count = json_get(root, "lines") ? json_get(root, "lines")->count : 0;
	if (tail >= 0 && count > (size_t)tail)
		skip = count - (size_t)tail;
	json_for_each(line, json_get(root, "lines"))
		if (skip > 0)
			skip--;
		else if (rc == 0 && json_string(line))
			rc = swarm_strings_add(lines, json_string(line));
	json_free(root);
	return rc;
}

/* Each line prefixed as Docker's: "web.1.7@worker1    | line". */
static int print_task_logs(const struct swarm_state *state, const struct swarm_task *t, long tail)
{
	struct swarm_strings lines = { 0 };
	if (task_lines(state, t, tail, &lines) < 0) {
		swarm_strings_free(&lines);
		return -1;
	}
	const struct swarm_node *node = swarm_store_node(&state->store, t->node);
	for (size_t i = 0; i < lines.count; i++)
		printf("%s.%" PRIu32 ".%" PRIu64 "@%s    | %s\n", t->service, t->slot, t->id,
		       node ? node->spec.hostname : t->node, lines.items[i]);
	swarm_strings_free(&lines);
	return 0;
}

/* service logs [--tail N] SERVICE: the output of every task of the service that started. */
static int service_logs(int argc, char **argv)
{
	long tail = -1;
	const char *ref = NULL;
	for (int i = 1; i < argc; i++) {
		unsigned long long n;
		if (strcmp(argv[i], "--tail") == 0 || strcmp(argv[i], "-n") == 0) {
			if (i + 1 >= argc || (strcmp(argv[i + 1], "all") != 0 && parse_uint(argv[i + 1], 1000000000, &n) < 0))
				return usage_error("service logs", "--tail takes a number of lines, or all");
			tail = strcmp(argv[++i], "all") == 0 ? -1 : (long)n;
		} else if (argv[i][0] == '-' || ref) {
			return usage_error("service logs", "takes [--tail N] and exactly 1 service, not \"%s\"", argv[i]);
		} else {
			ref = argv[i];
		}
	}
	if (!ref)
		return usage_error("service logs", "requires exactly 1 argument: SERVICE");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed("logs");
	const struct swarm_service *service = swarm_cli_find_service(&state, ref);
	int rc = service ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < state.store.task_count; i++) {
		const struct swarm_task *t = &state.store.tasks[i];
		if (strcmp(t->service, service->spec.name) == 0 && t->node[0] && t->observed >= SWARM_TASK_STARTING &&
		    t->observed != SWARM_TASK_REJECTED)
			rc = print_task_logs(&state, t, tail);
	}
	fflush(stdout);
	swarm_state_free(&state);
	return rc < 0 ? failed("logs") : 0;
}

int cmd_service(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} subs[] = {
		{ "create", service_create }, { "ls", service_ls },	    { "list", service_ls },
		{ "ps", service_ps },	      { "inspect", service_inspect }, { "scale", service_scale },
		{ "update", service_update }, { "rollback", service_rollback }, { "rm", service_rm },
		{ "remove", service_rm },     { "logs", service_logs },
	};
	if (argc < 2 || asks_for_help(2, argv))
		return argc < 2 ? usage_error("service", "requires a command: create, ls, ps, inspect, scale, update, "
						       "rollback, rm or logs")
				: print_help(SERVICE_HELP);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return asks_for_help(argc - 1, argv + 1) ? print_help(SERVICE_HELP) : subs[i].run(argc - 1, argv + 1);
	return usage_error("service", "unknown command \"%s\"", argv[1]);
}
