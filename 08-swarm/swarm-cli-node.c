/*
 * swarm-cli-node.c - `tinydock node ls|inspect|update|promote|demote|rm`.
 *
 * A node's spec (role, availability, labels) is desired state like a service's: `node update
 * --availability drain w1` proposes NODE_UPDATE with a copy of w1's spec whose availability
 * is drain, and the orchestrator then moves w1's tasks elsewhere (the lecture's way to take a
 * machine out for maintenance). A node is named by its ID, its hostname, a unique prefix of
 * its ID, or "self", as Docker's.
 */
#include "swarm-cli.h"
#include "cli.h"
#include "error.h"
#include "json.h"
#include "swarm-print.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char NODE_HELP[] =
	"Usage:  tinydock node COMMAND\n"
	"\n"
	"Manage swarm nodes (on a swarm node: `tinydock swarm init` or `swarm join` first)\n"
	"\n"
	"Commands:\n"
	"  demote NODE...                          Demote managers to workers\n"
	"  inspect [--pretty] [-f FORMAT] NODE...  Display detailed information on nodes (\"self\": this one)\n"
	"  ls [-q] [-f KEY=VALUE] [--format F]     List the nodes (filters: id, name, role, availability)\n"
	"  promote NODE...                         Promote workers to managers\n"
	"  rm [-f] NODE...                         Remove nodes from the swarm (-f: one that is not down)\n"
	"  update [OPTIONS] NODE                   Update a node:\n"
	"      --availability active|pause|drain   take new tasks, keep its tasks, or move them away\n"
	"      --label-add KEY=VALUE               add or change a label (constraints read them)\n"
	"      --label-rm KEY                      remove a label\n"
	"      --role worker|manager               change its role\n";

static int failed(const char *sub)
{
	fail_context("node %s", sub);
	return error_report(1);
}

/* The node ref names: "self", an ID, a hostname, or a unique ID prefix; NULL recorded. */
static const struct swarm_node *find_node(const struct swarm_state *state, const char *ref)
{
	const struct swarm_store *s = &state->store;
	if (strcmp(ref, "self") == 0)
		ref = state->self;
	const struct swarm_node *found = swarm_store_node(s, ref);
	for (size_t i = 0; !found && i < s->node_count; i++)
		if (strcmp(s->nodes[i].spec.hostname, ref) == 0)
			found = &s->nodes[i];
	size_t matches = 0, length = strlen(ref);
	for (size_t i = 0; !found && length && i < s->node_count; i++)
		if (strncmp(s->nodes[i].spec.id, ref, length) == 0)
			matches++;
	for (size_t i = 0; !found && matches == 1 && i < s->node_count; i++)
		if (strncmp(s->nodes[i].spec.id, ref, length) == 0)
			found = &s->nodes[i];
	if (!found)
		fail_errno(0, matches > 1 ? "node %s is ambiguous" : "node %s not found", ref);
	return found;
}

static int propose_node(const struct swarm_node_spec *spec)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_NODE_UPDATE, swarm_cli_now_ms());
	if (swarm_node_spec_copy(&command.node, spec) < 0)
		return -1;
	int rc = swarm_cli_propose(&command);
	swarm_command_free(&command);
	return rc;
}

static int node_ls(int argc, char **argv)
{
	struct swarm_cli_listing l;
	int first, code;
	if ((code = swarm_cli_listing_flags("node ls", argc, argv, swarm_node_filter_keys, &l, &first)))
		return code;
	if (first < argc) {
		swarm_cli_listing_free(&l);
		return usage_error("node ls", "takes no arguments");
	}
	struct swarm_state state;
	int rc = swarm_cli_state(&state);
	if (rc == 0) {
		rc = swarm_print_nodes(&state, &l.list, stdout);
		swarm_state_free(&state);
	}
	swarm_cli_listing_free(&l);
	return rc < 0 ? failed("ls") : 0;
}

static int node_inspect(int argc, char **argv)
{
	struct swarm_cli_listing l; /* -f is --format here, as Docker's inspect */
	int first, code;
	if ((code = swarm_cli_listing_flags("node inspect", argc, argv, NULL, &l, &first)))
		return code;
	const char *format = l.list.format;
	bool pretty = l.pretty;
	if (first >= argc)
		return usage_error("node inspect", "requires at least 1 argument: NODE (or self)");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed("inspect");
	struct json *documents = json_new_array();
	int status = documents ? 0 : failed("inspect");
	for (int i = first; documents && i < argc; i++) {
		const struct swarm_node *node = find_node(&state, argv[i]);
		if (!node)
			status = failed("inspect"); /* and go on with the next, as Docker */
		else if (pretty)
			swarm_print_node_pretty(&state, node, stdout);
		else if (!json_append(documents, swarm_node_document(&state, node)))
			status = failed("inspect");
	}
	if (documents && !pretty && swarm_print_documents(documents, format, stdout) < 0)
		status = failed("inspect");
	json_free(documents);
	swarm_state_free(&state);
	return status;
}

/* "KEY=value" replaces KEY's label; "KEY" alone removes it (remove true) or sets it empty. */
static int change_label(struct swarm_strings *labels, const char *text, bool remove)
{
	size_t length = strcspn(text, "=");
	if (length == 0)
		return fail_errno(0, "invalid label \"%s\": expected KEY=VALUE", text);
	for (size_t i = 0; i < labels->count;) {
		if (strncmp(labels->items[i], text, length) == 0 &&
		    (labels->items[i][length] == '=' || labels->items[i][length] == '\0')) {
			free(labels->items[i]);
			memmove(&labels->items[i], &labels->items[i + 1], (labels->count - i - 1) * sizeof(*labels->items));
			labels->count--;
		} else {
			i++;
		}
	}
	return remove ? 0 : swarm_strings_add(labels, text);
}

static int node_update(int argc, char **argv)
{
	static const struct option options[] = { { "availability", required_argument, NULL, 'a' },
						 { "label-add", required_argument, NULL, 'l' },
						 { "label-rm", required_argument, NULL, 'r' },
						 { "role", required_argument, NULL, 'R' },
						 { NULL, 0, NULL, 0 } };
	/* First the node's name, then its spec, then the flags in order. getopt puts the flags
	 * first (GNU's permutation), so the node may come before or after them, as with Docker. */
	optind = 0;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "", options, NULL)) != -1;)
		if (opt == '?' || opt == ':')
			return usage_error("node update", "unknown flag, or a flag without its value: %s", argv[optind - 1]);
	if (optind != argc - 1)
		return usage_error("node update", "requires exactly 1 argument: NODE");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed("update");
	const struct swarm_node *node = find_node(&state, argv[argc - 1]);
	struct swarm_node_spec spec = { 0 };
	int rc = node ? swarm_node_spec_copy(&spec, &node->spec) : -1;
	optind = 0;
	for (int opt; rc == 0 && (opt = cli_getopt(argc, argv, "", options, NULL)) != -1;) {
		int value;
		if (opt == 'a') {
			if ((value = swarm_name_lookup(swarm_availability_names, SWARM_NAMES(swarm_availability_names), optarg)) < 0)
				rc = fail_errno(0, "invalid argument \"%s\" for \"--availability\" flag: expected active, pause or drain",
						optarg);
			else
				spec.availability = (enum swarm_availability)value;
		} else if (opt == 'R') {
			if ((value = swarm_name_lookup(swarm_role_names, SWARM_NAMES(swarm_role_names), optarg)) < 0)
				rc = fail_errno(0, "invalid argument \"%s\" for \"--role\" flag: expected worker or manager", optarg);
			else
				spec.role = (enum swarm_role)value;
		} else {
			rc = change_label(&spec.labels, optarg, opt == 'r');
		}
	}
	if (rc == 0)
		rc = propose_node(&spec);
	swarm_node_spec_free(&spec);
	swarm_state_free(&state);
	if (rc < 0)
		return failed("update");
	printf("%s\n", argv[argc - 1]);
	return 0;
}

/* promote and demote: the role, node by node, with Docker's sentences. */
static int change_role(int argc, char **argv, enum swarm_role role)
{
	const char *sub = role == SWARM_MANAGER ? "promote" : "demote";
	if (argc < 2)
		return usage_error(role == SWARM_MANAGER ? "node promote" : "node demote", "requires at least 1 argument: NODE");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed(sub);
	int status = 0;
	for (int i = 1; i < argc; i++) {
		const struct swarm_node *node = find_node(&state, argv[i]);
		if (!node) {
			status = failed(sub);
			continue;
		}
		if (node->spec.role == role) {
			printf(role == SWARM_MANAGER ? "Node %s is already a manager.\n" : "Node %s is already a worker.\n", argv[i]);
			continue;
		}
		struct swarm_node_spec spec;
		if (swarm_node_spec_copy(&spec, &node->spec) < 0) {
			status = failed(sub);
			continue;
		}
		spec.role = role;
		if (propose_node(&spec) < 0)
			status = failed(sub);
		else
			printf(role == SWARM_MANAGER ? "Node %s promoted to a manager in the swarm.\n"
						     : "Manager %s demoted in the swarm.\n",
			       argv[i]);
		swarm_node_spec_free(&spec);
	}
	swarm_state_free(&state);
	return status;
}

static int node_promote(int argc, char **argv)
{
	return change_role(argc, argv, SWARM_MANAGER);
}

static int node_demote(int argc, char **argv)
{
	return change_role(argc, argv, SWARM_WORKER);
}

/* rm [-f] NODE...: the swarm forgets each node (a NODE_REMOVE command). As Docker does, a node
 * that is still up is refused unless --force: its tasks would be orphaned while they run. A
 * manager is refused by the store itself: demote it first. */
static int node_rm(int argc, char **argv)
{
	static const struct option options[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	bool force = false;
	int opt;
	optind = 0;
	while ((opt = cli_getopt(argc, argv, "+f", options, NULL)) != -1) {
		if (opt != 'f')
			return usage_error("node rm", "unknown flag: %s", argv[optind - 1]);
		force = cli_flag_on(optarg);
	}
	if (optind >= argc)
		return usage_error("node rm", "requires at least 1 argument: NODE");
	struct swarm_state state;
	if (swarm_cli_state(&state) < 0)
		return failed("rm");
	int status = 0;
	for (int i = optind; i < argc; i++) {
		const struct swarm_node *node = find_node(&state, argv[i]);
		if (!node) {
			status = failed("rm");
			continue;
		}
		if (node->status != SWARM_NODE_DOWN && !force) {
			fail_errno(0, "node %s is not down and can't be removed (--force removes it anyway)", argv[i]);
			status = failed("rm");
			continue;
		}
		struct swarm_command command;
		swarm_command_init(&command, SWARM_NODE_REMOVE, swarm_cli_now_ms());
		swarm_copy_name(command.name, sizeof(command.name), node->spec.id);
		if (swarm_cli_propose(&command) < 0)
			status = failed("rm");
		else
			printf("%s\n", argv[i]);
		swarm_command_free(&command);
	}
	swarm_state_free(&state);
	return status;
}

int cmd_node(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} subs[] = {
		{ "ls", node_ls },	   { "list", node_ls },	     { "inspect", node_inspect }, { "update", node_update },
		{ "promote", node_promote }, { "demote", node_demote }, { "rm", node_rm },	    { "remove", node_rm },
	};
	if (argc < 2)
		return usage_error("node", "requires a command: ls, inspect, update, promote, demote or rm");
	if (asks_for_help(argc, argv))
		return print_help(NODE_HELP);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	return usage_error("node", "unknown command \"%s\"", argv[1]);
}
