/*
 * compose-images.c - a project's images: named, built, pulled, pushed and listed.
 *
 * A service runs `image:` when it has one. With `build:` and no `image:`, Compose v2 names
 * what it builds PROJECT-SERVICE ("shop-product-service"), so the same file always builds to
 * the same name; with both, the build is tagged with `image:` (and `push` sends it there).
 * Building is chapter 06's builder, called in this process as `tinydock build` would be;
 * pulling and pushing are chapter 05's registry client.
 */
#include "compose.h"
#include "build.h"
#include "cli.h"
#include "compose-labels.h"
#include "error.h"
#include "humanize.h"
#include "image-commands.h"
#include "image-store.h"
#include "ps-format.h"
#include "registry-commands.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *compose_service_image(const struct compose_loaded *project, const struct compose_service *s)
{
	char *image = NULL;
	if (!s->image && !s->build.context) {
		fail_errno(0, "service \"%s\" has neither an image nor a build context specified", s->name);
		return NULL;
	}
	if (s->image)
		image = strdup(s->image);
	else if (asprintf(&image, "%s-%s", project->name, s->name) < 0)
		image = NULL;
	if (!image)
		fail_errno(ENOMEM, "cannot name the image of \"%s\"", s->name);
	return image;
}

/* path relative to the project folder (or absolute) into out. */
static void project_path(const struct compose_loaded *project, const char *path, char *out, size_t size)
{
	if (path[0] == '/')
		snprintf(out, size, "%s", path);
	else
		snprintf(out, size, "%s/%s", project->directory, path);
}

int compose_build_service(const struct compose_loaded *project, const struct compose_service *s, const char *image)
{
	const struct compose_build *b = &s->build;
	char context[PATH_MAX], dockerfile[PATH_MAX * 2];
	project_path(project, b->context, context, sizeof(context));
	const char *file = b->dockerfile ? b->dockerfile : "Dockerfile";
	if (file[0] == '/')
		snprintf(dockerfile, sizeof(dockerfile), "%s", file);
	else /* the specification: dockerfile is relative to the build context */
		snprintf(dockerfile, sizeof(dockerfile), "%s/%s", context, file);
	char **argv = calloc(9 + 2 * b->args.count, sizeof(char *));
	if (!argv)
		return fail_errno(ENOMEM, "cannot build service \"%s\"", s->name);
	int argc = 0;
	argv[argc++] = "build";
	argv[argc++] = "-t";
	argv[argc++] = (char *)image;
	argv[argc++] = "-f";
	argv[argc++] = dockerfile;
	for (size_t i = 0; i < b->args.count; i++) {
		argv[argc++] = "--build-arg";
		argv[argc++] = b->args.items[i];
	}
	if (b->target) {
		argv[argc++] = "--target";
		argv[argc++] = b->target;
	}
	argv[argc++] = context;
	printf(" Service %s  Building\n", s->name);
	fflush(stdout);
	optind = 0;
	int code = cmd_build(argc, argv);
	free(argv);
	if (code != 0)
		return fail_errno(0, "service \"%s\" failed to build", s->name);
	printf(" Service %s  Built\n", s->name);
	return 0;
}

/* Run action on each service named (all when none) that passes want. */
static int each_service(struct compose_loaded *p, int argc, char **argv,
			bool (*want)(const struct compose_service *s),
			int (*action)(struct compose_loaded *p, const struct compose_service *s))
{
	optind = 1;
	if (argc > 1 && argv[1][0] == '-')
		return usage_error("compose", "%s: unknown flag: %s", argv[0], argv[1]);
	if (compose_check_services(p, argv + 1, argc - 1) < 0)
		return error_report(1);
	int rc = 0;
	for (size_t i = 0; i < p->model.service_count; i++) {
		const struct compose_service *s = &p->model.services[i];
		bool named = argc == 1;
		for (int n = 1; n < argc; n++)
			named = named || strcmp(argv[n], s->name) == 0;
		if (named && want(s) && action(p, s) < 0)
			rc = error_report(1);
	}
	return rc;
}

static bool has_build(const struct compose_service *s)
{
	return s->build.context != NULL;
}

static bool has_image(const struct compose_service *s)
{
	return s->image != NULL;
}

static int build_one(struct compose_loaded *p, const struct compose_service *s)
{
	char *image = compose_service_image(p, s);
	int rc = image ? compose_build_service(p, s, image) : -1;
	free(image);
	return rc;
}

/* chapter 05's pull or push of a service's image, in this process. */
static int registry(const char *verb, int (*command)(int, char **), const struct compose_service *s)
{
	char *argv[] = { (char *)verb, s->image, NULL };
	printf(" %s %s  %s\n", "Service", s->name, strcmp(verb, "pull") == 0 ? "Pulling" : "Pushing");
	fflush(stdout);
	optind = 0;
	int code = command(2, argv);
	fflush(stdout); /* its progress before any message on stderr, as it happened */
	if (code != 0)
		return fail_errno(0, "service \"%s\": cannot %s %s", s->name, verb, s->image);
	return 0;
}

/* A service with `build:` as well as `image:` is pulled too, as Compose v2 does (hence its
 * --ignore-buildable): another machine built it and pushed it under that name. When its pull
 * fails, `up` can still build it here: a warning, as Compose v2 gives, not an error. */
static int pull_one(struct compose_loaded *p, const struct compose_service *s)
{
	(void)p;
	if (registry("pull", cmd_pull, s) == 0)
		return 0;
	if (!has_build(s))
		return -1;
	fprintf(stderr, "WARN[0000] %s; it can be built from source: tinydock compose build %s\n", error_message(),
		s->name);
	error_clear();
	return 0;
}

static int push_one(struct compose_loaded *p, const struct compose_service *s)
{
	(void)p;
	return registry("push", cmd_push, s);
}

/* Pull every service named by `image:`: one with only `build:` has nothing to pull. */
static bool pullable(const struct compose_service *s)
{
	return has_image(s);
}

/* Push what is built here under a name of the user's (`image:` with `build:`). */
static bool pushable(const struct compose_service *s)
{
	return has_image(s) && has_build(s);
}

int compose_build(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	(void)c;
	return each_service(p, argc, argv, has_build, build_one);
}

int compose_pull(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	(void)c;
	return each_service(p, argc, argv, pullable, pull_one);
}

int compose_push(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	(void)c;
	return each_service(p, argc, argv, pushable, push_one);
}

/* CONTAINER REPOSITORY TAG IMAGE ID SIZE, as `docker compose images`. */
int compose_images(struct compose_loaded *p, struct compose_containers *c, int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-')
		return usage_error("compose images", "unknown flag: %s", argv[1]);
	if (compose_check_services(p, argv + 1, argc - 1) < 0)
		return error_report(1);
	struct image_store store = { .gc_fd = -1 };
	if (image_store_open(&store) < 0)
		return error_report(1);
	struct table t = { .columns = 5 };
	const char *header[] = { "CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE" };
	table_add_row(&t, header);
	for (size_t i = 0; i < c->mine_count; i++) {
		const struct view *v = &c->views[c->mine[i]];
		if (!compose_view_named(v, argv + 1, argc - 1))
			continue;
		char repository[PATH_MAX], id[16] = "", size[32] = "";
		snprintf(repository, sizeof(repository), "%s", v->r.image);
		char *colon = strrchr(repository, ':');
		const char *tag = "latest";
		if (colon && !strchr(colon, '/')) {
			*colon = '\0';
			tag = colon + 1;
		}
		struct image img = { 0 };
		if (image_resolve(&store, v->r.image, &img) == 0) {
			snprintf(id, sizeof(id), "%.12s", img.id + strlen("sha256:"));
			human_size(image_size(&img), size, sizeof(size));
			image_free(&img);
		}
		error_clear();
		const char *row[] = { v->r.name, repository, tag, id, size };
		table_add_row(&t, row);
	}
	table_print(&t, stdout);
	table_free(&t);
	image_store_close(&store);
	return 0;
}
