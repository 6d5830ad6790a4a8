/*
 * network-connect.c - `network connect|disconnect NETWORK CONTAINER` and `network prune`
 * (network-connect.h): chapter 02's endpoints, given to recorded containers.
 */
#include "network-connect.h"
#include "cli.h"
#include "container-store.h"
#include "container-view.h"
#include "error.h"
#include "network.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool all_digits(const char *text)
{
	if (!*text)
		return false;
	for (; *text; text++)
		if (!isdigit((unsigned char)*text))
			return false;
	return true;
}

/* The record's networks: the one it was run with (HostConfig.NetworkMode), then the others. */
static bool record_names_network(const struct container_record *r, const char *network)
{
	if (strcmp(r->network, network) == 0)
		return true;
	for (size_t i = 0; i < r->more_network_count; i++)
		if (strcmp(r->more_networks[i].name, network) == 0)
			return true;
	return false;
}

/* Add network (with aliases) to the record of id, or take it away (aliases NULL, remove): under
 * the store's lock, as every change of a record. */
static int record_network(const char *id, const char *network, const char *const *aliases, bool remove)
{
	int lock = container_store_lock();
	if (lock < 0)
		return -1;
	struct container_record r;
	int rc = container_record_load(id, &r);
	bool loaded = rc == 0; /* a failed load frees what it read */
	if (rc == 0 && remove) {
		for (size_t i = 0; i < r.more_network_count; i++) {
			if (strcmp(r.more_networks[i].name, network) != 0)
				continue;
			string_list_free(&r.more_networks[i].aliases);
			memmove(&r.more_networks[i], &r.more_networks[i + 1],
				(r.more_network_count - i - 1) * sizeof(r.more_networks[0]));
			r.more_network_count--;
			memset(&r.more_networks[r.more_network_count], 0, sizeof(r.more_networks[0]));
			break;
		}
	} else if (rc == 0) {
		if (r.more_network_count == MAX_MORE_NETWORKS) {
			rc = fail_errno(0, "container %s is on %d networks already, the most tinydock joins", r.name,
					MAX_MORE_NETWORKS + 1);
		} else {
			struct recorded_network *n = &r.more_networks[r.more_network_count++];
			snprintf(n->name, sizeof(n->name), "%s", network);
			for (size_t a = 0; rc == 0 && aliases && aliases[a]; a++)
				rc = string_list_add(&n->aliases, aliases[a]);
		}
	}
	if (rc == 0)
		rc = container_record_save(&r);
	if (loaded)
		container_record_free(&r);
	close(lock);
	return rc;
}

int network_connect_command(int argc, char **argv)
{
	static const struct option options[] = { { "alias", required_argument, NULL, 'a' }, { 0 } };
	const char *aliases[MAX_ALIASES + 1] = { NULL };
	size_t alias_count = 0;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = cli_getopt(argc - 1, argv + 1, "+", options, NULL)) != -1) {
		if (opt != 'a')
			return cmd_network(argc, argv); /* --name: chapter 02's connect of a pid */
		if (alias_count == MAX_ALIASES)
			return usage_error("network connect", "at most %d aliases", MAX_ALIASES);
		aliases[alias_count++] = optarg;
	}
	int first = optind + 1; /* in argv */
	if (argc - first != 2)
		return arguments_error("network connect", "requires exactly 2 arguments: NETWORK CONTAINER");
	const char *network = argv[first], *ref = argv[first + 1];
	struct view v;
	if (view_load(ref, &v) < 0) {
		if (all_digits(ref))
			return cmd_network(argc, argv); /* no container: the pid of chapter 02's lab */
		return error_report(1);
	}
	int code = 0;
	struct network n;
	if (network_load(network, &n) < 0) {
		code = error_report(1);
	} else if (strcmp(n.driver, "bridge") != 0) {
		fail_errno(0, "container cannot be disconnected from host network or connected to host network");
		code = error_report(1);
	} else if (record_names_network(&v.r, network)) {
		/* Docker's words for a container already there */
		fail_errno(0, "endpoint with name %s already exists in network %s", v.r.name, network);
		code = error_report(1);
	} else {
		struct network_endpoint ep;
		/* Running: its init's network namespace gets the veth pair now. Stopped: recorded only,
		 * and joined at the next start (run.c joins the record's other networks). */
		if (is_running(&v) && network_attach(network, v.r.id, v.r.name, aliases, v.live.pid, &ep) < 0)
			code = error_report(1);
		else if (record_network(v.r.id, network, aliases, false) < 0) {
			if (is_running(&v))
				network_detach(network, v.r.id);
			code = error_report(1);
		}
	}
	container_record_free(&v.r);
	return code;
}

int network_disconnect_command(int argc, char **argv)
{
	int first = 2;
	if (argc > first && (strcmp(argv[first], "-f") == 0 || strcmp(argv[first], "--force") == 0))
		first++; /* Docker's -f: disconnect even if the network is gone; a no-op here */
	if (argc - first != 2)
		return arguments_error("network disconnect", "requires exactly 2 arguments: NETWORK CONTAINER");
	const char *network = argv[first], *ref = argv[first + 1];
	struct view v;
	if (view_load(ref, &v) < 0) {
		if (!all_digits(ref))
			return error_report(1); /* Docker's "No such container" */
		/* a pid: chapter 02's disconnect of a process connected by hand */
		char *plain[] = { argv[0], argv[1], (char *)network, (char *)ref, NULL };
		return cmd_network(4, plain);
	}
	int code = 0;
	if (strcmp(v.r.network, network) == 0) {
		fail_errno(0, "container %s: %s is the network it was run with (--network); tinydock disconnects "
			      "only the networks joined after it",
			   v.r.name, network);
		code = error_report(1);
	} else if (!record_names_network(&v.r, network)) {
		fail_errno(0, "container %.12s is not connected to network %s", v.r.id, network);
		code = error_report(1);
	} else if ((is_running(&v) && network_detach(network, v.r.id) < 0) ||
		   record_network(v.r.id, network, NULL, true) < 0) {
		code = error_report(1);
	}
	container_record_free(&v.r);
	return code;
}

/* True if a container (running or not) names network: it would join it at its next start. */
static bool network_in_use(const char *network, const struct view *views, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (record_names_network(&views[i].r, network))
			return true;
	return false;
}

int network_prune_command(int argc, char **argv)
{
	static const struct option options[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	bool force = false;
	int opt;
	optind = 0;
	opterr = 0;
	while ((opt = cli_getopt(argc - 1, argv + 1, "+f", options, NULL)) != -1) {
		if (opt != 'f')
			return usage_error("network prune", "unknown flag: %s", argv[optind]);
		force = cli_flag_on(optarg);
	}
	if (optind + 1 < argc)
		return arguments_error("network prune", "accepts no arguments");
	if (!force && !confirmed("This will remove all custom networks not used by at least one container."))
		return 0;
	struct network *networks = NULL;
	struct view *views = NULL;
	size_t network_count = 0, view_count = 0;
	if (network_list(&networks, &network_count) < 0 || load_all(&views, &view_count) < 0) {
		free(networks);
		return command_failed("network prune");
	}
	bool said = false;
	for (size_t i = 0; i < network_count; i++) {
		const char *name = networks[i].name;
		/* the predefined networks stay, as Docker's bridge, host and none */
		if (strcmp(name, NETWORK_DEFAULT) == 0 || strcmp(name, "host") == 0 || strcmp(name, "none") == 0 ||
		    network_in_use(name, views, view_count))
			continue;
		if (network_remove(name) < 0) { /* a process connected by hand (chapter 02) uses it */
			error_clear();
			continue;
		}
		if (!said)
			printf("Deleted Networks:\n");
		said = true;
		printf("%s\n", name);
	}
	free_views(views, view_count);
	free(networks);
	return 0;
}
