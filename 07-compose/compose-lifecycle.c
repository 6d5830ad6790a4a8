/*
 * compose-lifecycle.c - what changes a project's containers once they exist: stop, start,
 * restart, kill, rm, down.
 *
 * Order matters only where one service depends on another: stop goes through the start order
 * backwards (compose-graph.h), so a web server stops before the database it queries, and start
 * goes forwards. Within one level nothing depends on anything else, so its containers stop
 * at once, each in a child process of its own that sends the service's stop_signal and waits
 * its stop_grace_period before SIGKILL: ten containers that ignore SIGTERM take ten seconds
 * together, not a hundred. `down` is stop, then rm, then the network (and with -v the volumes,
 * with --rmi the images): everything `up` made, found again by its labels.
 */
#include "compose.h"
#include "cli.h"
#include "compose-labels.h"
#include "compose-networks.h"
#include "compose-project.h"
#include "compose-secrets.h"
#include "compose-service-spec.h"
#include "error.h"
#include "files.h"
#include "image-commands.h"
#include "image-run.h"
#include "network.h"
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

/* --- stop, in reverse dependency order, each level at once ---------------------------------- */

/* The level of each service in the start order (compose-graph.h); a container of a service
 * gone from the file stops with the last level. -1 with the message on a cycle. */
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

static int parse_time(int argc, char **argv, long *seconds)
{
	static const struct option options[] = { { "timeout", required_argument, NULL, 't' }, { 0 } };
	int opt;
	*seconds = -1;
	while ((opt = cli_getopt(argc, argv, "+t:", options, NULL)) != -1) {
		char *end;
		if (opt != 't' || (*seconds = strtol(optarg, &end, 10)) < 0 || *end)
			return fail_errno(0, "bad flag or value: %s", argv[optind - 1]);
	}
	return 0;
}

int compose_stop(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
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

int compose_start(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	if (compose_check_services(p, argv + 1, argc - 1) < 0 || start_stopped(p, c, argv + 1, argc - 1) < 0)
		return error_report(1);
	return 0;
}

int compose_restart(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
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

int compose_kill(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	static const struct option options[] = { { "signal", required_argument, NULL, 's' }, { 0 } };
	int sig = SIGKILL, opt;
	while ((opt = cli_getopt(argc, argv, "+s:", options, NULL)) != -1)
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

int compose_rm(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	static const struct option options[] = { { "force", no_argument, NULL, 'f' },
						 { "stop", no_argument, NULL, 's' },
						 { "volumes", no_argument, NULL, 'v' },
						 { 0 } };
	bool stop_first = false;
	int opt;
	while ((opt = cli_getopt(argc, argv, "+fsv", options, NULL)) != -1)
		if (opt == 's')
			stop_first = cli_flag_on(optarg);
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

/* The project's networks: those its services join and those the file declares, but not an
 * external one ("Compose doesn't attempt to create it", and so never removes it). Each that
 * exists is removed; a failure is reported and the others are still tried. */
static int remove_networks(const struct compose_loaded *p)
{
	struct compose_strings keys = { 0 };
	int rc = compose_networks_used(&p->model, &keys);
	for (size_t i = 0; rc == 0 && i < p->model.network_definitions.count; i++) {
		const char *key = p->model.network_definitions.items[i].key;
		bool listed = false;
		for (size_t k = 0; k < keys.count && !listed; k++)
			listed = strcmp(keys.items[k], key) == 0;
		if (!listed)
			rc = compose_strings_add(&keys, key);
	}
	if (rc < 0) {
		compose_strings_free(&keys);
		return error_report(1);
	}
	for (size_t i = 0; i < keys.count; i++) {
		const struct compose_resource *d = compose_network_definition(&p->model, keys.items[i]);
		char *network = d && d->external ? NULL : compose_network_name(p->name, &p->model, keys.items[i]);
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
	}
	compose_strings_free(&keys);
	return rc;
}

int compose_down(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
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
	while ((opt = cli_getopt(argc, argv, "+vt:", options, NULL)) != -1) {
		if (opt == 'v')
			volumes = cli_flag_on(optarg);
		else if (opt == 'o')
			orphans = cli_flag_on(optarg);
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
	if (remove_networks(p) < 0)
		rc = 1;
	/* The values of secrets and configs written for the containers (compose-secrets.h) go
	 * with them: the next up writes them again from the environment or the file. */
	char *state = compose_secrets_folder(p->name);
	if (!state || (is_directory(state) && remove_tree(state) < 0))
		rc = error_report(1);
	free(state);
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
