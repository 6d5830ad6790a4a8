/*
 * compose-up.c - `compose up`: from the file to running containers, touching only what changed.
 *
 *   1. the order: depends_on as levels (compose-graph.h); a cycle stops everything, named
 *   2. the project's network PROJECT_default (chapter 02's bridge network), made once
 *   3. the volumes the file declares, as PROJECT_NAME (chapter 06's volume store)
 *   4. images: a service with `build:` and no image yet (or --build) is built by chapter 06's
 *      builder and tagged PROJECT-SERVICE, as Compose v2 names it
 *   5. the plan (compose-plan.h): each replica's container compared with what exists, by
 *      its labels and its config hash
 *   6. level by level: wait for each dependency's condition (started, healthy, completed
 *      successfully), then create, recreate, start or leave each container of the service
 *
 * Each container is one chapter 06 spec (compose-service-spec.h) started under its own
 * monitor, as `run -d` does: `up -d` returns while they run, and nothing of Compose stays
 * behind but the labels. Without -d, `up` then shows their logs until they end or Ctrl-C
 * stops them (compose-attach.c).
 */
#include "compose.h"
#include "cli.h"
#include "compose-env-file.h"
#include "compose-graph.h"
#include "compose-labels.h"
#include "compose-plan.h"
#include "compose-project.h"
#include "compose-secrets.h"
#include "compose-service-spec.h"
#include "error.h"
#include "files.h"
#include "health-check.h"
#include "image-run.h"
#include "compose-networks.h"
#include "network.h"
#include "runtime.h"
#include "volume-store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long `up` waits for a dependency to become healthy or to complete. */
#define DEPENDENCY_DEADLINE_MS 120000

struct up_flags {
	bool detach, build, no_build, force_recreate, remove_orphans, abort_on_exit, no_color;
	char **services;
	int service_count;
};

/* Per service of the model: whether up acts on it, its image, its hash, its containers' ids. */
struct up_service {
	bool selected;
	char *image;                       /* `image:`, or PROJECT-SERVICE */
	char hash[SHA256_HEX_SIZE];
	struct compose_env_file env;       /* its env_file variables */
	struct compose_strings ids;        /* its containers, once up has made or found them */
};

struct up {
	struct compose_loaded *project;
	struct up_flags flags;
	struct up_service *services;
	struct compose_start_order order;
	struct compose_containers existing;
	struct volume_spec *spec;          /* one spec, reused (it is large) */
	char *state;                       /* the project's folder of values (compose-secrets.h) */
	bool said;                         /* a child process said the error already */
};

static int parse_up(int argc, char **argv, struct up_flags *f)
{
	enum { OPT_BUILD = 1800, OPT_NO_BUILD, OPT_FORCE_RECREATE, OPT_REMOVE_ORPHANS, OPT_ABORT, OPT_NO_COLOR };
	static const struct option options[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "build", no_argument, NULL, OPT_BUILD },
		{ "no-build", no_argument, NULL, OPT_NO_BUILD },
		{ "force-recreate", no_argument, NULL, OPT_FORCE_RECREATE },
		{ "remove-orphans", no_argument, NULL, OPT_REMOVE_ORPHANS },
		{ "abort-on-container-exit", no_argument, NULL, OPT_ABORT },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ 0 },
	};
	int opt;
	while ((opt = cli_getopt(argc, argv, "+d", options, NULL)) != -1) {
		switch (opt) {
		case 'd': f->detach = cli_flag_on(optarg); break;
		case OPT_BUILD: f->build = cli_flag_on(optarg); break;
		case OPT_NO_BUILD: f->no_build = cli_flag_on(optarg); break;
		case OPT_FORCE_RECREATE: f->force_recreate = cli_flag_on(optarg); break;
		case OPT_REMOVE_ORPHANS: f->remove_orphans = cli_flag_on(optarg); break;
		case OPT_ABORT: f->abort_on_exit = cli_flag_on(optarg); break;
		case OPT_NO_COLOR: f->no_color = cli_flag_on(optarg); break;
		default: return fail_errno(0, "unknown flag: %s", argv[optind - 1]);
		}
	}
	if (f->build && f->no_build)
		return fail_errno(0, "--build and --no-build are incompatible");
	if (f->detach && f->abort_on_exit)
		return fail_errno(0, "--abort-on-container-exit and --detach are incompatible");
	f->services = argv + optind;
	f->service_count = argc - optind;
	return 0;
}

bool compose_profile_enabled(const struct compose_options *o, const struct compose_service *s)
{
	if (s->profiles.count == 0)
		return true;
	for (size_t i = 0; i < s->profiles.count; i++)
		for (size_t j = 0; j < o->profile_count; j++)
			if (strcmp(s->profiles.items[i], o->profiles[j]) == 0)
				return true;
	return false;
}

/* Select service i and, as Compose does for `up SERVICE`, everything it depends on. */
static void select_with_dependencies(struct up *u, size_t i)
{
	const struct compose_project *m = &u->project->model;
	if (u->services[i].selected)
		return;
	u->services[i].selected = true;
	for (size_t d = 0; d < m->services[i].depends_count; d++) {
		const struct compose_service *dep = compose_find_service(m, m->services[i].depends_on[d].service);
		if (dep)
			select_with_dependencies(u, (size_t)(dep - m->services));
	}
}

static int select_services(struct up *u, const struct compose_options *o)
{
	const struct compose_project *m = &u->project->model;
	for (int n = 0; n < u->flags.service_count; n++) {
		const struct compose_service *s = compose_find_service(m, u->flags.services[n]);
		if (!s)
			return fail_errno(0, "no such service: %s", u->flags.services[n]);
		select_with_dependencies(u, (size_t)(s - m->services));
	}
	for (size_t i = 0; u->flags.service_count == 0 && i < m->service_count; i++)
		if (compose_profile_enabled(o, &m->services[i]))
			select_with_dependencies(u, i);
	return 0;
}

/* One network of the project: found when it exists (an external one must: Compose's words),
 * else made, with the file's ipam subnet when it gives one. */
static int ensure_network(const struct compose_loaded *project, const char *key)
{
	const struct compose_resource *d = compose_network_definition(&project->model, key);
	char *name = compose_network_name(project->name, &project->model, key);
	if (!name)
		return -1;
	struct network net;
	int rc = 0;
	if (network_load(name, &net) == 0) {
		free(name);
		return 0;
	}
	if (d && d->external) {
		rc = fail_errno(0, "network %s declared as external, but could not be found", name);
		free(name);
		return rc;
	}
	error_clear();
	printf(" Network %s  Creating\n", name);
	if ((rc = network_create(name, compose_network_subnet(d), NULL, &net)) == 0)
		printf(" Network %s  Created\n", name);
	else
		fail_context("network %s", name);
	free(name);
	return rc;
}

static int ensure_volumes(const struct compose_loaded *project)
{
	const struct compose_project *m = &project->model;
	for (size_t i = 0; i < m->volumes.count; i++) {
		char *name = compose_volume_name(project->name, m->volumes.items[i]);
		char volume[VOLUME_NAME_MAX + 1];
		bool created;
		if (!name)
			return -1;
		snprintf(volume, sizeof(volume), "%s", name);
		free(name);
		if (volume_create(volume, false, &created) < 0)
			return -1;
		if (created)
			printf(" Volume \"%s\"  Created\n", volume);
	}
	return 0;
}

/* The values of secrets and configs given by environment or content, written where the
 * containers' binds find them (compose-secrets.h). */
static int ensure_secret_files(const struct compose_loaded *project)
{
	char *state = compose_secrets_folder(project->name);
	int rc = state ? compose_secrets_write(&project->model, state, &project->variables) : -1;
	free(state);
	return rc;
}

/* The networks the services join (compose-networks.h), the volumes, then the values of
 * secrets and configs. */
int compose_up_resources(const struct compose_loaded *project)
{
	struct compose_strings keys = { 0 };
	int rc = compose_networks_used(&project->model, &keys);
	for (size_t i = 0; rc == 0 && i < keys.count; i++)
		rc = ensure_network(project, keys.items[i]);
	compose_strings_free(&keys);
	return rc < 0 || ensure_volumes(project) < 0 ? -1 : ensure_secret_files(project);
}

void compose_image_id(const char *name, char id[SHA256_DIGEST_SIZE])
{
	struct image_store store = { .gc_fd = -1 };
	struct image img = { 0 };
	id[0] = '\0';
	if (image_store_open(&store) == 0 && image_resolve(&store, name, &img) == 0) {
		snprintf(id, SHA256_DIGEST_SIZE, "%s", img.id);
		image_free(&img);
	}
	image_store_close(&store);
	error_clear();
}

int compose_env_files(const struct compose_loaded *project, const struct compose_service *s, struct compose_env_file *out)
{
	*out = (struct compose_env_file){ 0 };
	for (size_t i = 0; i < s->env_file.count; i++) {
		char path[PATH_MAX];
		const char *file = s->env_file.items[i];
		snprintf(path, sizeof(path), "%s%s%s", file[0] == '/' ? "" : project->directory, file[0] == '/' ? "" : "/",
			 file);
		size_t size;
		char *text = read_file(path, &size);
		struct compose_env_file one;
		if (!text || compose_env_file_parse(path, text, size, NULL, &one) < 0) {
			free(text);
			return fail_context("service \"%s\": env_file", s->name);
		}
		free(text);
		for (size_t v = 0; v < one.count; v++) {
			char **grown = realloc(out->vars, (out->count + 1) * sizeof(char *));
			if (!grown) {
				compose_env_file_free(&one);
				return fail_errno(ENOMEM, "cannot read env_file");
			}
			out->vars = grown;
			out->vars[out->count++] = one.vars[v];
			one.vars[v] = NULL;
		}
		compose_env_file_free(&one);
	}
	return 0;
}

/* Images, env files and hashes of the selected services. */
static int prepare_services(struct up *u)
{
	const struct compose_project *m = &u->project->model;
	for (size_t i = 0; i < m->service_count; i++) {
		const struct compose_service *s = &m->services[i];
		struct up_service *us = &u->services[i];
		if (!us->selected)
			continue;
		if (!(us->image = compose_service_image(u->project, s)))
			return -1;
		char id[SHA256_DIGEST_SIZE];
		compose_image_id(us->image, id);
		if (s->build.context && !u->flags.no_build && (u->flags.build || !id[0])) {
			if (compose_build_service(u->project, s, us->image) < 0)
				return -1;
			compose_image_id(us->image, id);
		}
		if (compose_env_files(u->project, s, &us->env) < 0)
			return -1;
		/* A built image is part of what the service is: rebuilt, its containers are recreated.
		 * A named image is not (Compose v2 hashes the configuration; `pull` is how a newer
		 * image of the same name arrives). */
		compose_config_hash(s, s->build.context && id[0] ? id : NULL, us->hash);
	}
	return 0;
}

static int fill_spec(struct up *u, size_t service, int number, struct compose_spec_strings *strings,
		     struct compose_strings *warnings)
{
	const struct compose_service *s = &u->project->model.services[service];
	struct up_service *us = &u->services[service];
	struct compose_spec_input in = {
		.project = u->project->name,
		.directory = u->project->directory,
		.image = us->image,
		.hash = us->hash,
		.number = number,
		.env_file_vars = us->env.vars,
		.env_file_count = us->env.count,
		.model = &u->project->model,
		.state = u->state,
	};
	memset(u->spec, 0, sizeof(*u->spec));
	*strings = (struct compose_spec_strings){ 0 };
	return compose_service_spec(&in, s, u->spec, strings, warnings);
}

/* The one warning of `up`: every key of the file that nothing here acts on. */
static int warn_ignored(struct up *u)
{
	struct compose_strings warnings = { 0 };
	const struct compose_project *m = &u->project->model;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < m->ignored.count; i++)
		rc = compose_strings_add(&warnings, m->ignored.items[i]);
	for (size_t i = 0; rc == 0 && i < m->service_count; i++) {
		struct compose_spec_strings strings;
		if (u->services[i].selected) {
			rc = fill_spec(u, i, 1, &strings, &warnings);
			compose_spec_strings_free(&strings);
		}
	}
	if (rc == 0 && warnings.count) {
		fflush(stdout);
		fprintf(stderr, "WARN[0000] not supported here, ignored:");
		for (size_t i = 0; i < warnings.count; i++)
			fprintf(stderr, "%s %s", i ? "," : "", warnings.items[i]);
		fprintf(stderr, "\n");
	}
	compose_strings_free(&warnings);
	return rc;
}

/* Wait until container id (named name, of service) meets condition. */
static bool wait_for(const char *id, const char *name, const char *service, enum compose_condition condition)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct view v;
		if (view_load_id(id, &v) < 0)
			return false;
		bool running = is_running(&v);
		int exit_code = v.r.exit_code;
		container_record_free(&v.r);
		if (condition == COMPOSE_SERVICE_COMPLETED_SUCCESSFULLY && !running) {
			if (exit_code == 0)
				return true;
			fail_errno(0, "service \"%s\" didn't complete successfully: exit %d", service, exit_code);
			return false;
		}
		if (condition == COMPOSE_SERVICE_HEALTHY) {
			struct health_state health;
			if (health_load(id, &health) == 0) {
				if (health.status == HEALTH_HEALTHY)
					return true;
				if (health.status == HEALTH_UNHEALTHY) {
					fail_errno(0, "dependency failed to start: container %s is unhealthy", name);
					return false;
				}
			}
			error_clear(); /* no result yet: its checker has not written one */
			if (!running) {
				fail_errno(0, "dependency failed to start: container %s exited (%d)", name, exit_code);
				return false;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed > DEPENDENCY_DEADLINE_MS) {
			fail_errno(0, "container %s did not become %s within %d s", name,
				   condition == COMPOSE_SERVICE_HEALTHY ? "healthy" : "complete", DEPENDENCY_DEADLINE_MS / 1000);
			return false;
		}
		sleep_ms(100);
	}
}

/* Wait for the conditions service s puts on its dependencies. */
static int wait_for_dependencies(struct up *u, size_t service)
{
	const struct compose_project *m = &u->project->model;
	const struct compose_service *s = &m->services[service];
	for (size_t d = 0; d < s->depends_count; d++) {
		enum compose_condition condition = s->depends_on[d].condition;
		const struct compose_service *dep = compose_find_service(m, s->depends_on[d].service);
		if (!dep || condition == COMPOSE_SERVICE_STARTED)
			continue;
		const struct compose_strings *ids = &u->services[dep - m->services].ids;
		for (size_t i = 0; i < ids->count; i++) {
			struct view v;
			char name[CONTAINER_NAME_MAX + 1];
			snprintf(name, sizeof(name), "%.12s", ids->items[i]);
			if (view_load_id(ids->items[i], &v) == 0) {
				snprintf(name, sizeof(name), "%s", v.r.name);
				container_record_free(&v.r);
			}
			error_clear();
			printf(" Container %s  Waiting\n", name);
			fflush(stdout);
			if (!wait_for(ids->items[i], name, dep->name, condition))
				return -1;
			printf(" Container %s  %s\n", name,
			       condition == COMPOSE_SERVICE_HEALTHY ? "Healthy" : "Exited");
		}
	}
	return 0;
}

/* Create and start replica number of service: its spec, run as `run -d` does. */
static int create(struct up *u, size_t service, int number, const char *done)
{
	struct compose_spec_strings strings;
	struct compose_strings ignored = { 0 };
	int rc = fill_spec(u, service, number, &strings, &ignored);
	compose_strings_free(&ignored);
	const char *name = u->spec->image.runtime.container.name;
	if (rc == 0 && (rc = volume_run_detached(u->spec)) == 0) {
		printf(" Container %s  %s\n", name, done);
		printf(" Container %s  Started\n", name);
		fflush(stdout);
		rc = compose_strings_add(&u->services[service].ids, u->spec->image.runtime.container.id);
	} else if (name) {
		fail_context("container %s", name);
	}
	compose_spec_strings_free(&strings);
	return rc;
}

static int act(struct up *u, const struct compose_action *a)
{
	const struct view *v = a->existing == COMPOSE_NONE ? NULL : &u->existing.views[u->existing.mine[a->existing]];
	size_t stop_one[1] = { a->existing };
	switch (a->kind) {
	case COMPOSE_CREATE:
		return create(u, a->service, a->number, "Created");
	case COMPOSE_RECREATE:
		printf(" Container %s  Recreate\n", v->r.name);
		fflush(stdout);
		if (compose_stop_containers(u->project, &u->existing, stop_one, 1, -1) < 0 ||
		    container_remove(v->r.id, true) < 0)
			return -1;
		return create(u, a->service, a->number, "Recreated");
	case COMPOSE_START:
		printf(" Container %s  Starting\n", v->r.name);
		fflush(stdout);
		if (image_start_recorded(&v->r) < 0)
			return -1;
		printf(" Container %s  Started\n", v->r.name);
		return compose_strings_add(&u->services[a->service].ids, v->r.id);
	case COMPOSE_KEEP:
		printf(" Container %s  Running\n", v->r.name);
		return compose_strings_add(&u->services[a->service].ids, v->r.id);
	case COMPOSE_SCALE_DOWN:
	case COMPOSE_ORPHAN:
		if (compose_stop_containers(u->project, &u->existing, stop_one, 1, -1) < 0 ||
		    container_remove(v->r.id, true) < 0)
			return -1;
		printf(" Container %s  Removed\n", v->r.name);
		return 0;
	}
	return 0;
}

/* Service k's part of the plan (k in start order): wait for its dependencies, then act. */
static int bring_up(struct up *u, const struct compose_action *plan, size_t count, size_t k)
{
	size_t service = u->order.order[k];
	if (wait_for_dependencies(u, service) < 0)
		return -1;
	for (size_t i = 0; i < count; i++)
		if (plan[i].kind != COMPOSE_ORPHAN && plan[i].service == k) {
			struct compose_action a = plan[i];
			a.service = service; /* the plan's index is the start order's */
			if (act(u, &a) < 0)
				return -1;
		}
	return 0;
}

/* The containers of each selected service, from their labels: what a level's children made,
 * for the next level to wait on. */
static int refresh_ids(struct up *u)
{
	const struct compose_project *m = &u->project->model;
	struct compose_containers now;
	if (compose_containers_load(u->project->name, &now) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < m->service_count; i++) {
		compose_strings_free(&u->services[i].ids);
		for (int number = 1; rc == 0 && u->services[i].selected && number <= m->services[i].replicas; number++)
			for (size_t c = 0; rc == 0 && c < now.mine_count; c++) {
				const struct view *v = &now.views[now.mine[c]];
				const char *service = compose_view_label(v, COMPOSE_LABEL_SERVICE);
				const char *n = compose_view_label(v, COMPOSE_LABEL_NUMBER);
				if (!compose_view_oneoff(v) && service && strcmp(service, m->services[i].name) == 0 && n &&
				    atoi(n) == number)
					rc = compose_strings_add(&u->services[i].ids, v->r.id);
			}
	}
	compose_containers_free(&now);
	return rc;
}

/* One level of the start order. Its services do not depend on each other, so each is brought
 * up by a child process of its own, all at once (one waits for its dependency's health while
 * another starts); a level of one service is done here. A child says its own error, as a
 * process that is its own top does (error.h); *said tells the caller not to say it again. */
static int bring_up_level(struct up *u, const struct compose_action *plan, size_t count,
			  const struct compose_plan_service *wanted, size_t level)
{
	size_t first = u->order.level_start[level], end = u->order.level_start[level + 1], selected = 0;
	for (size_t k = first; k < end; k++)
		selected += wanted[k].selected;
	if (selected <= 1) {
		for (size_t k = first; k < end; k++)
			if (wanted[k].selected && bring_up(u, plan, count, k) < 0)
				return -1;
		return 0;
	}
	pid_t children[end - first];
	fflush(stdout);
	fflush(stderr);
	int rc = 0;
	for (size_t k = first; k < end; k++) {
		children[k - first] = 0;
		if (!wanted[k].selected)
			continue;
		pid_t pid = fork();
		if (pid == 0) {
			int code = bring_up(u, plan, count, k) == 0 ? 0 : error_report(1);
			fflush(stdout);
			_exit(code);
		}
		if (pid < 0)
			rc = fail_sys("cannot fork to start service \"%s\"", wanted[k].name);
		children[k - first] = pid;
	}
	for (size_t k = first; k < end; k++) {
		int status;
		if (children[k - first] > 0 && waitpid(children[k - first], &status, 0) == children[k - first] &&
		    !(WIFEXITED(status) && WEXITSTATUS(status) == 0) && rc == 0) {
			u->said = true; /* the child said why */
			rc = -1;
		}
	}
	return rc == 0 ? refresh_ids(u) : -1;
}

static int run_plan(struct up *u)
{
	const struct compose_project *m = &u->project->model;
	size_t n = u->existing.mine_count;
	struct compose_existing *existing = calloc(n + 1, sizeof(*existing));
	struct compose_plan_service *wanted = calloc(m->service_count + 1, sizeof(*wanted));
	struct compose_action *plan = NULL;
	size_t count = 0;
	int rc = existing && wanted ? 0 : fail_errno(ENOMEM, "cannot plan the project");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct view *v = &u->existing.views[u->existing.mine[i]];
		const char *number = compose_view_label(v, COMPOSE_LABEL_NUMBER), *oneoff = compose_view_label(v, COMPOSE_LABEL_ONEOFF);
		const char *service = compose_view_label(v, COMPOSE_LABEL_SERVICE);
		existing[i] = (struct compose_existing){
			.service = service ? service : "",
			.number = number ? atoi(number) : 0,
			.hash = compose_view_label(v, COMPOSE_LABEL_CONFIG_HASH),
			.running = is_running(v),
			.oneoff = oneoff && strcmp(oneoff, "True") == 0,
		};
	}
	/* The services in start order, so the plan's actions come level by level. */
	for (size_t k = 0; rc == 0 && k < u->order.count; k++) {
		size_t i = u->order.order[k];
		wanted[k] = (struct compose_plan_service){ m->services[i].name, (int)m->services[i].replicas, u->services[i].hash,
							   u->services[i].selected };
	}
	if (rc == 0)
		rc = compose_plan_up(wanted, u->order.count, existing, n, u->flags.force_recreate, &plan, &count);
	/* Orphans first: reported, or removed with --remove-orphans. */
	bool orphans = false;
	for (size_t i = 0; rc == 0 && i < count; i++)
		if (plan[i].kind == COMPOSE_ORPHAN) {
			if (u->flags.remove_orphans)
				rc = act(u, &plan[i]);
			else
				orphans = true;
		}
	if (orphans)
		fprintf(stderr, "WARN[0000] Found orphan containers for this project. If you removed or renamed this service "
				"in your compose file, you can run this command with the --remove-orphans flag to clean it up.\n");
	for (size_t l = 0; rc == 0 && l < u->order.levels; l++)
		rc = bring_up_level(u, plan, count, wanted, l);
	free(plan);
	free(existing);
	free(wanted);
	return rc;
}

int compose_up(struct compose_loaded *project, int argc, char **argv)
{
	struct up u = { .project = project };
	if (parse_up(argc, argv, &u.flags) < 0)
		return usage_error("compose up", "%s", error_message());
	const struct compose_project *m = &project->model;
	u.services = calloc(m->service_count + 1, sizeof(*u.services));
	u.spec = calloc(1, sizeof(*u.spec));
	u.state = compose_secrets_folder(project->name);
	int rc = u.services && u.spec && u.state ? 0 : fail_errno(ENOMEM, "up");
	if (rc == 0)
		rc = compose_service_order(&project->model, &u.order);
	if (rc == 0)
		rc = select_services(&u, project->options);
	for (size_t i = 0; rc == 0 && i < m->service_count; i++)
		if (u.services[i].selected && m->services[i].container_name && m->services[i].replicas > 1)
			rc = fail_errno(0, "service \"%s\": container_name cannot be used with more than one replica",
					m->services[i].name);
	if (rc == 0)
		rc = compose_up_resources(project);
	if (rc == 0)
		rc = prepare_services(&u);
	if (rc == 0)
		rc = warn_ignored(&u);
	if (rc == 0)
		rc = compose_containers_load(project->name, &u.existing);
	if (rc == 0) {
		rc = run_plan(&u);
		compose_containers_free(&u.existing);
	}
	int code = 0;
	if (rc == 0 && !u.flags.detach) { /* attached: the logs, until the end or Ctrl-C */
		bool *selected = calloc(m->service_count + 1, sizeof(bool));
		for (size_t i = 0; selected && i < m->service_count; i++)
			selected[i] = u.services[i].selected;
		code = selected ? compose_attach(project, selected, u.flags.abort_on_exit, u.flags.no_color)
				: fail_errno(ENOMEM, "up");
		rc = code < 0 ? -1 : 0;
		free(selected);
	}
	for (size_t i = 0; u.services && i < m->service_count; i++) {
		free(u.services[i].image);
		compose_env_file_free(&u.services[i].env);
		compose_strings_free(&u.services[i].ids);
	}
	if (u.order.order)
		compose_start_order_free(&u.order);
	free(u.services);
	free(u.spec);
	free(u.state);
	return rc == 0 ? code : u.said ? 1 : error_report(1);
}
