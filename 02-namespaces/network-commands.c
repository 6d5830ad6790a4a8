/*
 * network-commands.c - `tinydock network create|ls|rm|inspect|connect|disconnect`.
 *
 * Lecture: "docker network ls shows bridge, host and none; docker network create
 * makes a user-defined bridge whose containers find each other by name". The commands
 * read and change the state kept by network.c, and print what Docker prints, so that
 * the lecture's screenshots match.
 *
 * A request that fails (no such network, one in use, an address taken) exits with status 1, a
 * usage error (an unknown flag) with 125: Docker's CLI answers a daemon's refusal with 1.
 *
 * `connect` and `disconnect` take a process id instead of a container: they plug in
 * the network namespace of any process, such as one started with
 * `unshare --net sleep 600`. That is the lab's way to build a network by hand before
 * `tinydock run` does it for every container. Read network.c for what they change.
 */
#include "cli.h"
#include "error.h"
#include "network.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const char HELP[] =
	"Usage:  tinydock network COMMAND\n"
	"\n"
	"Manage networks: Linux bridges that containers are plugged into with veth pairs.\n"
	"\n"
	"Commands:\n"
	"  create [--subnet CIDR] [-o com.docker.network.bridge.name=BRIDGE] NAME\n"
	"                 Create a network (default subnet: the first free 172.31.N.0/24)\n"
	"  ls             List networks\n"
	"  rm NAME...     Remove networks that no container is connected to\n"
	"  inspect NAME...\n"
	"                 Show networks in detail, with their connected containers\n"
	"  connect [--name NAME] [--alias ALIAS]... NETWORK PID\n"
	"                 Connect the network namespace of process PID (e.g. one made with\n"
	"                 'unshare --net sleep 600'): eth0 with an address, a default route\n"
	"  disconnect NETWORK PID|NAME\n"
	"                 Disconnect it again\n"
	"\n"
	"The predefined networks are bridge (the default: bridge $TINYDOCK_BRIDGE or tinydock0,\n"
	"subnet $TINYDOCK_BRIDGE_SUBNET or 172.30.0.0/16), host and none. Needs root.\n"
	"\n"
	"Example:\n"
	"  sudo tinydock network create --subnet 10.250.3.0/24 shop\n"
	"  sudo tinydock --explain network connect --name web shop $(pidof sleep)\n";

static int network_create_command(int argc, char **argv)
{
	static const struct option options[] = {
		{ "subnet", required_argument, NULL, 's' },
		{ "opt", required_argument, NULL, 'o' },
		{ "driver", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *subnet = NULL, *bridge = NULL;
	static const char BRIDGE_OPTION[] = "com.docker.network.bridge.name=";
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "+o:d:", options, NULL)) != -1) {
		switch (c) {
		case 's': subnet = optarg; break;
		case 'o':
			if (strncmp(optarg, BRIDGE_OPTION, strlen(BRIDGE_OPTION)) != 0)
				return usage_error("network create", "unsupported option \"%s\" (only %sNAME)", optarg,
						   BRIDGE_OPTION);
			bridge = optarg + strlen(BRIDGE_OPTION);
			break;
		case 'd':
			if (strcmp(optarg, "bridge") != 0)
				return usage_error("network create", "unsupported driver \"%s\" (only bridge)", optarg);
			break;
		default: return usage_error("network create", "unknown option");
		}
	}
	if (optind != argc - 1)
		return arguments_error("network create", "expects exactly one network name");
	struct network n;
	if (network_create(argv[optind], subnet, bridge, &n) < 0)
		return error_report(1);
	printf("%s\n", n.id);
	return 0;
}

static const char *scope_of(const struct network *n)
{
	(void)n;
	return "local"; /* swarm's overlay networks (chapter 08) are the other scope */
}

static int network_ls_command(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return usage_error("network ls", "takes no arguments");
	struct network *all;
	size_t count;
	if (network_list(&all, &count) < 0)
		return error_report(1);
	/* Docker's tabwriter (minimum width 10, padding 3): each column as wide as its widest
	 * cell plus three spaces, and at least ten. */
	int name_width = 10, driver_width = 10;
	for (size_t i = 0; i < count; i++) {
		if ((int)strlen(all[i].name) + 3 > name_width)
			name_width = (int)strlen(all[i].name) + 3;
		if ((int)strlen(all[i].driver) + 3 > driver_width)
			driver_width = (int)strlen(all[i].driver) + 3;
	}
	printf("%-15s%-*s%-*s%s\n", "NETWORK ID", name_width, "NAME", driver_width, "DRIVER", "SCOPE");
	for (size_t i = 0; i < count; i++)
		printf("%-15.12s%-*s%-*s%s\n", all[i].id, name_width, all[i].name, driver_width, all[i].driver,
		       scope_of(&all[i]));
	free(all);
	return 0;
}

static int network_rm_command(int argc, char **argv)
{
	if (argc < 2)
		return arguments_error("network rm", "expects at least one network name");
	int status = 0;
	for (int i = 1; i < argc; i++) {
		if (network_remove(argv[i]) < 0) {
			status = error_report(1);
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return status;
}

/* One network as Docker's `network inspect` JSON. Names are restricted to [A-Za-z0-9_.-]
 * (network.c), so no string here needs escaping; chapter 05 brings a real JSON writer. */
static void print_inspect(const struct network *n, const struct endpoint_table *t, bool last)
{
	printf("    {\n");
	printf("        \"Name\": \"%s\",\n", n->name);
	printf("        \"Id\": \"%s\",\n", n->id);
	printf("        \"Created\": \"%s\",\n", n->created);
	printf("        \"Scope\": \"%s\",\n", scope_of(n));
	printf("        \"Driver\": \"%s\",\n", n->driver);
	printf("        \"EnableIPv6\": false,\n");
	printf("        \"IPAM\": {\n            \"Driver\": \"default\",\n            \"Options\": null,\n");
	if (strcmp(n->driver, "bridge") == 0) {
		char cidr[32], gateway[INET_ADDRSTRLEN];
		subnet_format(&n->subnet, cidr, sizeof(cidr));
		inet_ntop(AF_INET, &n->gateway, gateway, sizeof(gateway));
		printf("            \"Config\": [\n                {\n                    \"Subnet\": \"%s\",\n"
		       "                    \"Gateway\": \"%s\"\n                }\n            ]\n",
		       cidr, gateway);
	} else {
		printf("            \"Config\": []\n");
	}
	printf("        },\n        \"Internal\": false,\n        \"Containers\": {");
	for (size_t i = 0; i < t->count; i++) {
		const struct endpoint *e = &t->items[i];
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &e->address, ip, sizeof(ip));
		printf("%s\n            \"%s\": {\n", i ? "," : "", e->id);
		printf("                \"Name\": \"%s\",\n", e->name);
		printf("                \"Pid\": %d,\n", (int)e->pid);
		printf("                \"Interface\": \"%s\",\n", e->veth);
		printf("                \"Aliases\": [");
		for (size_t a = 0; a < e->alias_count; a++)
			printf("%s\"%s\"", a ? ", " : "", e->aliases[a]);
		printf("],\n");
		printf("                \"IPv4Address\": \"%s/%d\"\n            }", ip, n->subnet.prefix);
	}
	printf("%s},\n", t->count ? "\n        " : "");
	printf("        \"Options\": {");
	if (strcmp(n->driver, "bridge") == 0)
		printf("\n            \"com.docker.network.bridge.name\": \"%s\"\n        ", n->bridge);
	printf("},\n        \"Labels\": {}\n    }%s\n", last ? "" : ",");
}

static int network_inspect_command(int argc, char **argv)
{
	if (argc < 2)
		return arguments_error("network inspect", "expects at least one network name");
	struct network *found = calloc((size_t)argc, sizeof(*found));
	struct endpoint_table *tables = calloc((size_t)argc, sizeof(*tables));
	int status = 0, count = 0;
	if (!found || !tables) {
		fail_errno(ENOMEM, "network inspect");
		status = error_report(1);
		goto out;
	}
	/* Like Docker: report the missing ones, print the rest, fail at the end. */
	for (int i = 1; i < argc; i++) {
		if (network_load(argv[i], &found[count]) < 0 ||
		    (strcmp(found[count].driver, "bridge") == 0 && network_endpoints(argv[i], &tables[count]) < 0)) {
			status = error_report(1);
			continue;
		}
		count++;
	}
	printf("[%s", count ? "\n" : "");
	for (int i = 0; i < count; i++)
		print_inspect(&found[i], &tables[i], i == count - 1);
	printf("]\n");
out:
	for (int i = 0; tables && i < argc; i++)
		endpoints_free(&tables[i]);
	free(found);
	free(tables);
	return status;
}

static int network_connect_command(int argc, char **argv)
{
	static const struct option options[] = {
		{ "alias", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *aliases[ENDPOINT_ALIASES_MAX + 1] = { NULL };
	size_t alias_count = 0;
	const char *name = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (alias_count == ENDPOINT_ALIASES_MAX)
				return usage_error("network connect", "at most %d aliases", ENDPOINT_ALIASES_MAX);
			aliases[alias_count++] = optarg;
			break;
		case 'n': name = optarg; break;
		default: return usage_error("network connect", "unknown option");
		}
	}
	unsigned long long pid;
	if (optind != argc - 2 || parse_uint(argv[optind + 1], 1u << 22, &pid) < 0 || pid == 0)
		return usage_error("network connect", "expects NETWORK PID");
	/* A process connected by hand has no container id: give it one, as run would. */
	unsigned char bytes[32];
	char id[65];
	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes)) {
		fail_sys("network connect: cannot make an id");
		return error_report(1);
	}
	for (size_t i = 0; i < sizeof(bytes); i++)
		sprintf(id + 2 * i, "%02x", bytes[i]);
	struct network_endpoint ep;
	if (network_attach(argv[optind], id, name, aliases, (pid_t)pid, &ep) < 0)
		return error_report(1);
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &ep.address, ip, sizeof(ip));
	printf("%s/%d\n", ip, ep.prefix);
	return 0;
}

static int network_disconnect_command(int argc, char **argv)
{
	if (argc != 3)
		return usage_error("network disconnect", "expects NETWORK PID|NAME");
	struct endpoint_table t;
	if (network_endpoints(argv[1], &t) < 0)
		return error_report(1);
	const char *id = NULL;
	for (size_t i = 0; i < t.count && !id; i++) {
		char pid[16];
		snprintf(pid, sizeof(pid), "%d", (int)t.items[i].pid);
		if (strcmp(argv[2], pid) == 0 || strcmp(argv[2], t.items[i].name) == 0 ||
		    (strlen(argv[2]) >= 12 && strncmp(argv[2], t.items[i].id, strlen(argv[2])) == 0))
			id = t.items[i].id;
	}
	int status = 0;
	if (!id) {
		fail_errno(0, "network disconnect: %s is not connected to network %s", argv[2], argv[1]);
		status = error_report(1);
	} else if (network_detach(argv[1], id) < 0) {
		status = error_report(1);
	}
	endpoints_free(&t);
	return status;
}

int cmd_network(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} commands[] = {
		{ "create", network_create_command }, { "ls", network_ls_command },
		{ "list", network_ls_command },       { "rm", network_rm_command },
		{ "remove", network_rm_command },     { "inspect", network_inspect_command },
		{ "connect", network_connect_command }, { "disconnect", network_disconnect_command },
	};
	if (argc < 2 || asks_for_help(2, argv))
		return argc < 2 ? usage_error("network", "expects a command") : print_help(HELP);
	if (asks_for_help(argc - 1, argv + 1))
		return print_help(HELP);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return usage_error("network", "unknown command \"%s\"", argv[1]);
}
