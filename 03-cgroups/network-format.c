/*
 * network-format.c - networks for templates: `network inspect -f`, `network ls --format`.
 *
 * Chapter 02 keeps networks and prints them with printf, before the project has a JSON
 * writer. Here a network becomes the JSON document `docker network inspect` prints (the same
 * fields as chapter 02's), and a row of `docker network ls` (docker/cli's NetworkContext:
 * .ID .Name .Driver .Scope .IPv6 .Internal .Labels .CreatedAt), so that the template engine
 * (template.h) and the --filter rules (filters.h) apply to them as to containers.
 */
#include "network-format.h"
#include "network-connect.h"
#include "cli.h"
#include "endpoints.h"
#include "error.h"
#include "filters.h"
#include "format-output.h"
#include "inspect.h"
#include "json.h"
#include "network.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct json *ipam(const struct network *n)
{
	struct json *o = json_new_object(), *config;
	if (!o || !json_add_string(o, "Driver", "default") || !json_add(o, "Options", json_new_null()) ||
	    !(config = json_add(o, "Config", json_new_array())))
		goto fail;
	if (strcmp(n->driver, "bridge") == 0) {
		char cidr[32], gateway[INET_ADDRSTRLEN];
		subnet_format(&n->subnet, cidr, sizeof(cidr));
		inet_ntop(AF_INET, &n->gateway, gateway, sizeof(gateway));
		struct json *one = json_append(config, json_new_object());
		if (!one || !json_add_string(one, "Subnet", cidr) || !json_add_string(one, "Gateway", gateway))
			goto fail;
	}
	return o;
fail:
	json_free(o);
	return NULL;
}

static struct json *containers(const struct network *n, const struct endpoint_table *t)
{
	struct json *o = json_new_object();
	for (size_t i = 0; o && i < t->count; i++) {
		const struct endpoint *e = &t->items[i];
		char ip[INET_ADDRSTRLEN + 8];
		inet_ntop(AF_INET, &e->address, ip, INET_ADDRSTRLEN);
		snprintf(ip + strlen(ip), 8, "/%d", n->subnet.prefix);
		struct json *one = json_add(o, e->id, json_new_object()), *aliases;
		if (!one || !json_add_string(one, "Name", e->name) || !json_add_int(one, "Pid", e->pid) ||
		    !json_add_string(one, "Interface", e->veth) || !(aliases = json_add(one, "Aliases", json_new_array())) ||
		    !json_add_string(one, "IPv4Address", ip)) {
			json_free(o);
			return NULL;
		}
		for (size_t a = 0; a < e->alias_count; a++)
			json_append(aliases, json_new_string(e->aliases[a]));
	}
	return o;
}

struct json *network_inspect_document(const char *name)
{
	struct network n;
	struct endpoint_table t = { 0 };
	if (network_load(name, &n) < 0 || (strcmp(n.driver, "bridge") == 0 && network_endpoints(name, &t) < 0))
		return NULL;
	struct json *o = json_new_object(), *options;
	if (!o || !json_add_string(o, "Name", n.name) || !json_add_string(o, "Id", n.id) ||
	    !json_add_string(o, "Created", n.created) || !json_add_string(o, "Scope", "local") ||
	    !json_add_string(o, "Driver", n.driver) || !json_add_bool(o, "EnableIPv6", false) ||
	    !json_add(o, "IPAM", ipam(&n)) || !json_add_bool(o, "Internal", false) ||
	    !json_add(o, "Containers", containers(&n, &t)) || !(options = json_add(o, "Options", json_new_object())) ||
	    (strcmp(n.driver, "bridge") == 0 && !json_add_string(options, "com.docker.network.bridge.name", n.bridge)) ||
	    !json_add(o, "Labels", json_new_object())) {
		json_free(o);
		o = NULL;
		fail_errno(ENOMEM, "cannot inspect the network \"%s\"", name);
	}
	endpoints_free(&t);
	return o;
}

/* --- network ls --format ----------------------------------------------------------------------- */

static const char LS_TABLE[] = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";

static struct json *ls_row(const struct network *n, bool no_trunc)
{
	char id[65];
	snprintf(id, sizeof(id), "%.*s", no_trunc ? 64 : 12, n->id);
	const char *const fields[][2] = {
		{ "CreatedAt", n->created }, { "Driver", n->driver }, { "ID", id },	      { "IPv6", "false" },
		{ "Internal", "false" },     { "Labels", "" },	      { "Name", n->name }, { "Scope", "local" },
	};
	struct json *row = formatter_strings(fields, sizeof(fields) / sizeof(fields[0]));
	return row;
}

static struct json *ls_headers(void)
{
	static const char *const names[][2] = {
		{ "ID", "NETWORK ID" }, { "Name", "NAME" },	  { "Driver", "DRIVER" }, { "Scope", "SCOPE" },
		{ "IPv6", "IPV6" },	{ "Internal", "INTERNAL" }, { "Labels", "LABELS" }, { "CreatedAt", "CREATED AT" },
	};
	struct json *headers = formatter_strings(names, sizeof(names) / sizeof(names[0]));
	return headers;
}

static bool driver_is(const char *value, const void *arg)
{
	return strcmp(value, arg) == 0;
}

static int network_ls(int argc, char **argv)
{
	static const struct option options[] = { { "format", required_argument, NULL, 'F' },
						 { "filter", required_argument, NULL, 'f' },
						 { "quiet", no_argument, NULL, 'q' },
						 { "no-trunc", no_argument, NULL, 'T' },
						 { NULL, 0, NULL, 0 } };
	static const char *const keys[] = { "name", "id", "driver", NULL };
	const char *format = LS_TABLE;
	bool quiet = false, no_trunc = false;
	struct filters filters = { 0 };
	optind = 0;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+f:q", options, NULL)) != -1;) {
		if (opt == 'F') {
			format = strcmp(optarg, "table") == 0 ? LS_TABLE : optarg;
		} else if (opt == 'q') {
			quiet = cli_flag_on(optarg);
		} else if (opt == 'T') {
			no_trunc = cli_flag_on(optarg);
		} else if (opt != 'f' || filters_add(&filters, optarg, keys) < 0) {
			filters_free(&filters);
			if (opt == 'f') {
				fail_context("network ls");
				return error_report(1);
			}
			return usage_error("network ls", "unknown flag, or a flag without its value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		filters_free(&filters);
		return usage_error("network ls", "takes no arguments");
	}
	struct formatter f;
	struct network *all = NULL;
	size_t count = 0;
	if (formatter_open(&f, format, "*formatter.NetworkContext") < 0) {
		filters_free(&filters);
		fail_context("network ls");
		return error_report(1);
	}
	int status = 0;
	if (network_list(&all, &count) < 0)
		status = command_failed("network ls");
	for (size_t i = 0; i < count && status == 0; i++) {
		if (!filters_match(&filters, "name", filter_matches_text, all[i].name) ||
		    !filters_match(&filters, "id", filter_matches_text, all[i].id) ||
		    !filters_match(&filters, "driver", driver_is, all[i].driver))
			continue;
		if (quiet) {
			printf("%.*s\n", no_trunc ? 64 : 12, all[i].id);
			continue;
		}
		struct json *row = ls_row(&all[i], no_trunc);
		if (!row || formatter_add(&f, row, NULL) < 0) {
			fail_context("network ls");
			status = error_report(1);
		}
		json_free(row);
	}
	if (status == 0 && !quiet) {
		struct json *headers = ls_headers();
		formatter_print(&f, headers, stdout);
		json_free(headers);
	}
	free(all);
	formatter_close(&f);
	filters_free(&filters);
	return status;
}

static const char NETWORK_PRUNE_HELP[] =
	"Usage:  tinydock network prune [OPTIONS]\n"
	"\n"
	"Remove all unused networks: the user networks no container, running or stopped, names.\n"
	"\n"
	"Options:\n"
	"  -f, --force   Do not prompt for confirmation\n";

/* What `network --help` adds to chapter 02's text once containers are recorded. */
static const char NETWORK_CONTAINERS_HELP[] =
	"\n"
	"With containers (chapter 03):\n"
	"  connect [--alias ALIAS]... NETWORK CONTAINER\n"
	"                 Connect a container (name or ID): at once if it runs, at its next start\n"
	"                 if not (a PID is still connected as above)\n"
	"  disconnect NETWORK CONTAINER\n"
	"                 Disconnect it (not from the network it was run with)\n"
	"  prune [-f]     Remove the user networks that no container names (asks unless -f)\n";

int cmd_network_formatted(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "ls") == 0 || strcmp(argv[1], "list") == 0) && !asks_for_help(argc - 1, argv + 1))
		return network_ls(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "inspect") == 0) {
		static const struct inspect_kind kinds[] = { { "network", network_inspect_document } };
		return inspect_command(argc - 1, argv + 1, kinds, 1);
	}
	/* connect and disconnect take a container now (chapter 02's took a pid); prune is new */
	bool help = asks_for_help(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "connect") == 0 && !help)
		return network_connect_command(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "disconnect") == 0 && !help)
		return network_disconnect_command(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "prune") == 0)
		return help ? print_help(NETWORK_PRUNE_HELP) : network_prune_command(argc, argv);
	int code = cmd_network(argc, argv);
	if (code == 0 && argc >= 2 && (asks_for_help(2, argv) || help))
		fputs(NETWORK_CONTAINERS_HELP, stdout); /* chapter 02's help said it: say what we add */
	return code;
}
