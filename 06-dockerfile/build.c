/*
 * build.c - `tinydock build`: a Dockerfile, step by step, into an image.
 *
 * Lecture: "docker build -t hello-world ." reads the Dockerfile in the current folder and makes
 * an image of it. Each instruction is one step, and each step makes a new image from the one
 * before:
 *
 *   FROM       the first image: one from the store, an earlier stage, or scratch (nothing)
 *   RUN        a container of the image so far runs the command; what it changed becomes a
 *              layer on top (build-run.c)
 *   COPY, ADD  files of the context written as a layer (build-copy.c)
 *   the rest   a change of the config and a history entry, no layer (build-config.c)
 *
 * Every step first asks the cache (build-cache.c): same parent image and same step (for COPY,
 * the same files) means the same result, reused (" ---> Using cache"). The key chains: a
 * step's result is the next step's parent, so once one step misses, every step after it
 * misses too. That is why a Dockerfile copies the files that change often as late as it can.
 *
 * Output is the classic builder's (docker build with DOCKER_BUILDKIT=0), so lecture
 * screenshots match:
 *     Step 2/4 : COPY src/ /var/www/html
 *      ---> Using cache
 *      ---> 3f2a1c3b5d6e
 *     Successfully built 3f2a1c3b5d6e
 *     Successfully tagged hello-world:latest
 * The image is written and named only once every step succeeded: a failed build leaves no
 * half image tagged (layers it stored stay as cache, until `image prune`).
 *
 * Multi-stage builds (build-plan.c): only the stages the target needs are built.
 *
 * The steps that make layers have files of their own: build-step-run.c (RUN) and
 * build-step-copy.c (COPY, ADD, WORKDIR's folder); what they share is build-state.h.
 *
 * Read next: build-plan.c, build-context.c, build-cache.c, build-step-copy.c, build-copy.c,
 * build-step-run.c, build-run.c.
 */
#include "build.h"
#include "build-state.h"
#include "build-stdin.h"
#include "registry-commands.h"
#include "build-cache.h"
#include "build-config.h"
#include "build-context.h"
#include "build-plan.h"
#include "build-rootfs.h"
#include "cli.h"
#include "dockerfile.h"
#include "dockerignore.h"
#include "error.h"
#include "expand.h"
#include "explain.h"
#include "files.h"
#include "image-base.h"
#include "image-store.h"
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char CHAPTER[] = "06-dockerfile";

/* --- variables -------------------------------------------------------------------------------- */

/* The value a build arg gives name, marking it used; NULL when --build-arg does not name it. */
static const char *build_arg(struct build_options *o, const char *name)
{
	size_t n = strlen(name);
	const char *value = NULL;
	for (size_t i = 0; i < o->build_arg_count; i++) {
		const char *a = o->build_args[i];
		if (strncmp(a, name, n) == 0 && (a[n] == '=' || a[n] == '\0')) {
			value = a[n] == '=' ? a + n + 1 : getenv(name);
			o->arg_used[i] = true;
		}
	}
	return value;
}

/* The reference's predefined ARGs: usable without an ARG line, never kept in the image. */
bool build_predefined_arg(const char *name)
{
	static const char *const names[] = { "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

static int set_var(char **vars, size_t *count, const char *name, const char *value)
{
	size_t n = strlen(name);
	char *entry = malloc(n + strlen(value) + 2);
	if (!entry)
		return fail_errno(ENOMEM, "ARG");
	sprintf(entry, "%s=%s", name, value);
	for (size_t i = 0; i < *count; i++)
		if (strncmp(vars[i], name, n) == 0 && vars[i][n] == '=') {
			free(vars[i]);
			vars[i] = entry;
			return 0;
		}
	if (*count == MAX_VARS) {
		free(entry);
		return fail_errno(0, "more than %d ARGs", MAX_VARS);
	}
	vars[(*count)++] = entry;
	return 0;
}

const char *build_var_value(char *const *vars, size_t count, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < count; i++)
		if (strncmp(vars[i], name, n) == 0 && vars[i][n] == '=')
			return vars[i] + n + 1;
	return NULL;
}

/* ARG NAME[=default] -> *name, *value (the build arg, else the default, else the global's). */
static int declare_arg(struct build *b, const char *word, char *const *globals, size_t global_count, char **name,
		       char **value)
{
	const char *eq = strchr(word, '=');
	*name = strndup(word, eq ? (size_t)(eq - word) : strlen(word));
	*value = NULL;
	if (!*name)
		return fail_errno(ENOMEM, "ARG");
	const char *given = build_arg(b->options, *name);
	const char *global = globals ? build_var_value(globals, global_count, *name) : NULL;
	const char *chosen = given ? given : eq ? eq + 1 : global;
	if (chosen && !(*value = strdup(chosen)))
		return fail_errno(ENOMEM, "ARG");
	return 0;
}

/* The variables an instruction sees: the ARGs in scope, then the config's Env (ENV wins over
 * ARG, the reference says). Pointers into both; vars has room for MAX_VARS + Env. */
size_t build_step_vars(const struct stage_state *st, const char **vars, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < st->arg_count && n < size; i++)
		vars[n++] = st->args[i];
	json_for_each(e, json_get(json_get(st->image->config, "config"), "Env"))
		if (n < size && json_is(e, JSON_STRING))
			vars[n++] = e->text;
	return n;
}

/* --- the image after a step ------------------------------------------------------------------- */

static int image_id_of(struct stage_image *img)
{
	size_t length;
	char *text = json_write(img->config, 0, &length);
	if (!text)
		return -1;
	uint8_t digest[SHA256_SIZE];
	sha256(text, length, digest);
	sha256_digest_string(digest, img->id);
	free(text);
	return 0;
}

void build_stage_image_free(struct stage_image *img)
{
	json_free(img->config);
	free(img->layers);
	memset(img, 0, sizeof(*img));
}

static int stage_image_copy(struct stage_image *to, const struct stage_image *from)
{
	memset(to, 0, sizeof(*to));
	to->config = json_copy(from->config);
	to->layers = calloc(from->layer_count + 1, sizeof(*to->layers));
	if (!to->config || !to->layers) {
		build_stage_image_free(to);
		return fail_errno(ENOMEM, "build");
	}
	memcpy(to->layers, from->layers, from->layer_count * sizeof(*to->layers));
	to->layer_count = from->layer_count;
	memcpy(to->id, from->id, sizeof(to->id));
	return 0;
}

/* Take a step's result: its config, and its layer on top. */
static int stage_image_take(struct stage_image *img, struct cache_result *result)
{
	if (result->has_layer) {
		struct oci_layer *layers = realloc(img->layers, (img->layer_count + 1) * sizeof(*layers));
		if (!layers)
			return fail_errno(ENOMEM, "build");
		img->layers = layers;
		layers[img->layer_count++] = result->layer;
	}
	json_free(img->config);
	img->config = result->config;
	result->config = NULL;
	return image_id_of(img);
}

/* " ---> 3f2a1c3b5d6e": the short ID of the image after a step. */
static void print_id(const char *id)
{
	printf(" ---> %.12s\n", id + strlen("sha256:"));
}

/* --- the cache around a step ------------------------------------------------------------------ */

/* Look the key up: on a hit, take the result and say so. 1 hit, 0 miss, -1 error. */
int build_from_cache(struct build *b, const char *key, struct stage_image *img)
{
	if (b->options->no_cache)
		return 0;
	struct cache_result result;
	int hit = build_cache_get(key, &result);
	explain(CHAPTER, "cache key %.16s...: %s", key, hit == 1 ? "hit, the step's result is reused" : "miss, the step runs");
	if (hit == 1) {
		printf(" ---> Using cache\n");
		hit = stage_image_take(img, &result) < 0 ? -1 : 1;
	}
	cache_result_free(&result);
	return hit;
}

/* Record a step's result made now: config (with its history entry) and maybe a layer. */
int build_finish_step(struct stage_image *img, struct json *config, const char *created_by,
		       const struct oci_layer *layer, const char *key)
{
	struct cache_result result = { .config = config, .has_layer = layer != NULL };
	if (layer)
		result.layer = *layer;
	if (oci_config_add_layer(config, layer ? layer->diff_id : NULL, time(NULL), created_by, NULL) < 0) {
		json_free(config);
		return -1;
	}
	if (build_cache_put(key, &result) < 0)
		error_clear(); /* the cache is an optimisation: a failed write costs a rebuild later */
	return stage_image_take(img, &result);
}

/* --- the steps ---------------------------------------------------------------------------------- */

static int step_config(struct build *b, struct stage_state *st, const struct instruction *in)
{
	const char *vars[MAX_VARS * 2];
	struct expand_env env = { vars, build_step_vars(st, vars, MAX_VARS * 2) };
	struct json *config = json_copy(st->image->config);
	char *what = NULL, *created_by = NULL;
	int rc = config ? 0 : -1;
	if (rc == 0)
		rc = build_config_apply(config, in, &env, b->file.escape, &st->config, &what);
	if (rc == 0 && !(created_by = build_nop_text(what)))
		rc = fail_errno(ENOMEM, "build");
	char hex[SHA256_HEX_SIZE];
	if (rc == 0) {
		cache_key_of_step(st->image->id, created_by, hex);
		rc = build_from_cache(b, hex, st->image);
	}
	if (rc == 0) {
		/* WORKDIR makes its folder when the image has none (the reference: "it will be
		 * created even if it's not used in any subsequent Dockerfile instruction"). */
		struct oci_layer layer;
		bool made = false;
		if (in->kind == INSTRUCTION_WORKDIR)
			rc = build_make_workdir(b, st->image, json_get_string(json_get(config, "config"), "WorkingDir"), &layer,
					  &made);
		if (rc == 0) {
			rc = build_finish_step(st->image, config, created_by, made ? &layer : NULL, hex);
			config = NULL;
		}
	}
	json_free(config);
	free(what);
	free(created_by);
	return rc < 0 ? -1 : 0;
}

static int step_arg(struct build *b, struct stage_state *st, const struct instruction *in)
{
	char text[4096] = "ARG";
	for (size_t i = 0; i < in->arg_count; i++) {
		char *name, *value;
		if (declare_arg(b, in->args[i], b->globals, b->global_count, &name, &value) < 0) {
			free(name);
			return -1;
		}
		int rc = value ? set_var(st->args, &st->arg_count, name, value) : 0;
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " %s", in->args[i]);
		free(name);
		free(value);
		if (rc < 0)
			return -1;
	}
	/* As Docker: a history entry, no config change; the values do not stay in the image. */
	char *created_by = build_nop_text(text);
	struct json *config = json_copy(st->image->config);
	char hex[SHA256_HEX_SIZE];
	int rc = created_by && config ? 0 : fail_errno(ENOMEM, "ARG");
	if (rc == 0) {
		cache_key_of_step(st->image->id, created_by, hex);
		rc = build_from_cache(b, hex, st->image);
		if (rc == 0) {
			rc = build_finish_step(st->image, config, created_by, NULL, hex);
			config = NULL;
		}
	}
	json_free(config);
	free(created_by);
	return rc < 0 ? -1 : 0;
}

/* --- stages ----------------------------------------------------------------------------------- */

static int run_step(struct build *b, size_t stage_index, struct stage_state *st, const struct instruction *in);

/* ONBUILD triggers of the base image: run right after FROM, as if they were written there
 * (the reference, ONBUILD), then dropped from the config (a grandchild does not run them). */
static int run_triggers(struct build *b, size_t stage_index, struct stage_state *st)
{
	struct json *settings = json_get(st->image->config, "config");
	struct json *triggers = json_get(settings, "OnBuild");
	if (!json_is(triggers, JSON_ARRAY) || triggers->count == 0)
		return 0;
	printf("# Executing %zu build trigger%s\n", triggers->count, triggers->count == 1 ? "" : "s");
	struct json *list = json_copy(triggers);
	if (!list || !json_set(settings, "OnBuild", json_new_null()) || image_id_of(st->image) < 0) {
		json_free(list);
		return -1;
	}
	int rc = 0;
	json_for_each(t, list) {
		struct dockerfile one;
		if (dockerfile_parse("ONBUILD", t->text, t->length, &one) < 0) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < one.count && rc == 0; i++)
			rc = run_step(b, stage_index, st, &one.instructions[i]);
		dockerfile_free(&one);
		if (rc < 0)
			break;
	}
	json_free(list);
	return rc;
}

static int start_stage(struct build *b, size_t index)
{
	const struct build_stage *stage = &b->plan.stages[index];
	struct stage_image *img = &b->stages[index];
	if (stage->base_stage >= 0)
		return stage_image_copy(img, &b->stages[stage->base_stage]);
	if (strcmp(stage->base, "scratch") == 0) {
		/* Nothing: no layers, an empty config (its ID is the same in every build). */
		if (!(img->config = oci_config_new(0)))
			return -1;
		json_remove(img->config, "created");
		return oci_config_settings(img->config) && image_id_of(img) == 0 ? 0 : -1;
	}
	struct image base;
	if (image_resolve_or_base(&b->store, stage->base, &base) < 0)
		return -1;
	img->config = base.config;
	base.config = NULL;
	img->layers = base.parts.layers;
	img->layer_count = base.parts.layer_count;
	base.parts.layers = NULL;
	snprintf(img->id, sizeof(img->id), "%s", base.id);
	image_free(&base);
	return 0;
}

static int run_step(struct build *b, size_t stage_index, struct stage_state *st, const struct instruction *in)
{
	switch (in->kind) {
	case INSTRUCTION_RUN:
		return build_step_run(b, st, in);
	case INSTRUCTION_COPY:
	case INSTRUCTION_ADD:
		return build_step_copy(b, stage_index, st, in);
	case INSTRUCTION_ARG:
		return step_arg(b, st, in);
	case INSTRUCTION_FROM:
		return fail_errno(0, "Dockerfile line %d: FROM is not allowed here", in->line);
	default:
		return step_config(b, st, in);
	}
}

static int build_stage(struct build *b, size_t index)
{
	const struct build_stage *stage = &b->plan.stages[index];
	struct stage_state st = { .image = &b->stages[index] };
	printf("Step %zu/%zu : %s\n", stage->first + 1, b->step_count, b->file.instructions[stage->first].original);
	int rc = start_stage(b, index);
	if (rc == 0) {
		print_id(st.image->id);
		rc = run_triggers(b, index, &st);
	}
	for (size_t i = stage->first + 1; i < stage->end && rc == 0; i++) {
		const struct instruction *in = &b->file.instructions[i];
		printf("Step %zu/%zu : %s\n", i + 1, b->step_count, in->original);
		fflush(stdout);
		rc = run_step(b, index, &st, in);
		if (rc == 0)
			print_id(st.image->id);
	}
	for (size_t i = 0; i < st.arg_count; i++)
		free(st.args[i]);
	st.image->built = rc == 0;
	return rc;
}

/* --- the whole build -------------------------------------------------------------------------- */

/* The global ARGs (before the first FROM): their values, for FROM and for ARGs that redeclare
 * them in a stage. */
static int read_globals(struct build *b)
{
	for (size_t i = 0; i < b->file.count && b->file.instructions[i].kind == INSTRUCTION_ARG; i++) {
		const struct instruction *in = &b->file.instructions[i];
		for (size_t j = 0; j < in->arg_count; j++) {
			char *name, *value;
			int rc = declare_arg(b, in->args[j], NULL, 0, &name, &value);
			if (rc == 0 && value)
				rc = set_var(b->globals, &b->global_count, name, value);
			free(name);
			free(value);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

/* The finished image: labels of --label, stored, then named. */
static int store_image(struct build *b, struct stage_image *img, char digest[SHA256_DIGEST_SIZE])
{
	struct json *settings = oci_config_settings(img->config);
	for (size_t i = 0; i < b->options->label_count; i++) {
		const char *l = b->options->labels[i], *eq = strchr(l, '=');
		char key[512];
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - l) : (int)strlen(l), l);
		struct json *labels = json_get(settings, "Labels");
		if (!json_is(labels, JSON_OBJECT) && !(labels = json_set(settings, "Labels", json_new_object())))
			return -1;
		if (!json_set(labels, key, json_new_string(eq ? eq + 1 : "")))
			return -1;
	}
	if (b->options->label_count && image_id_of(img) < 0)
		return -1;
	/* A fully cached build made the image its tags already name: nothing to write (no fsync). */
	bool named = b->options->tag_count > 0;
	for (size_t i = 0; named && i < b->options->tag_count; i++) {
		struct image current = { 0 };
		named = image_resolve(&b->store, b->options->tags[i], &current) == 0 && strcmp(current.id, img->id) == 0;
		if (named)
			snprintf(digest, SHA256_DIGEST_SIZE, "%s", current.digest);
		image_free(&current);
	}
	error_clear();
	if (named)
		return 0;
	uint64_t size;
	if (image_store_put(&b->store, img->config, img->layers, img->layer_count, digest, &size) < 0)
		return -1;
	if (b->options->tag_count == 0)
		return image_store_tag(&b->store, NULL, digest, size);
	for (size_t i = 0; i < b->options->tag_count; i++)
		if (image_store_tag(&b->store, b->options->tags[i], digest, size) < 0)
			return -1;
	return 0;
}

/* Read the Dockerfile (-f FILE, "-" for stdin, else CONTEXT/Dockerfile) and the ignore rules
 * (FILE.dockerignore beside it first, else CONTEXT/.dockerignore). */
static int read_inputs(struct build *b, struct ignore_rules *rules)
{
	struct build_options *o = b->options;
	char path[PATH_MAX];
	char *text = NULL;
	size_t length = 0;
	if (o->dockerfile && strcmp(o->dockerfile, "-") == 0) {
		if (!(text = malloc(o->stdin_length + 1)))
			return fail_errno(ENOMEM, "reading the Dockerfile from stdin");
		memcpy(text, o->stdin_text, o->stdin_length);
		length = o->stdin_length;
		snprintf(path, sizeof(path), "Dockerfile");
	} else {
		if (o->dockerfile)
			snprintf(path, sizeof(path), "%s", o->dockerfile);
		else
			snprintf(path, sizeof(path), "%s/Dockerfile", o->context ? o->context : ".");
		if (!(text = read_regular_file(path, 1 << 20, &length)))
			return fail_context("unable to read the Dockerfile");
	}
	int rc = dockerfile_parse(path, text, length, &b->file);
	free(text);
	if (rc < 0)
		return -1;
	char ignore[PATH_MAX + 16];
	snprintf(ignore, sizeof(ignore), "%s.dockerignore", path);
	if (!o->dockerfile || access(ignore, F_OK) < 0)
		snprintf(ignore, sizeof(ignore), "%s/.dockerignore", o->context ? o->context : ".");
	text = o->context ? read_regular_file(ignore, 1 << 20, &length) : NULL;
	error_clear();
	rc = text ? ignore_rules_parse(text, length, rules) : 0;
	if (rc < 0)
		fail_context("%s", ignore);
	free(text);
	return rc;
}

/* The stat cache's file for this context: named by the digest of its absolute path. */
static void stat_cache_file(const char *root, char path[PATH_MAX])
{
	uint8_t digest[SHA256_SIZE];
	char hex[SHA256_HEX_SIZE], folder[PATH_MAX];
	sha256(root, strlen(root), digest);
	sha256_hex(digest, hex);
	build_cache_folder(folder);
	snprintf(path, PATH_MAX, "%.*s/contexts/%s", PATH_MAX - 100, folder, hex);
}

/* --pull: every image a needed stage starts FROM, fetched again from its registry before the
 * first step (docker build's --pull), so that a tag moved there is seen here; without it a FROM
 * image is looked up in the store, as `run` looks its image up. */
static int pull_bases(const struct build_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		const struct build_stage *stage = &plan->stages[i];
		if (!stage->needed || stage->base_stage >= 0 || strcmp(stage->base, "scratch") == 0)
			continue;
		bool seen = false; /* once per image */
		for (size_t j = 0; j < i && !seen; j++)
			seen = plan->stages[j].needed && plan->stages[j].base_stage < 0 &&
			       strcmp(plan->stages[j].base, stage->base) == 0;
		if (!seen && image_pull(state_root(), stage->base) < 0)
			return fail_context("--pull: FROM %s", stage->base);
	}
	return 0;
}

static int build(struct build_options *o)
{
	struct build b = { .options = o, .store = { .gc_fd = -1 }, .context = { .root_fd = -1 } };
	struct ignore_rules rules = { 0 };
	int rc = read_inputs(&b, &rules);
	if (rc == 0)
		rc = read_globals(&b);
	struct expand_env globals = { (const char *const *)b.globals, b.global_count };
	if (rc == 0)
		rc = build_plan_make(&b.file, &globals, o->target, &b.plan);
	if (rc == 0 && !(b.stages = calloc(b.plan.count, sizeof(*b.stages))))
		rc = fail_errno(ENOMEM, "build");
	if (rc == 0 && o->pull)
		rc = pull_bases(&b.plan);
	if (rc == 0)
		rc = image_store_open(&b.store);
	if (rc == 0) { /* the COPY --from views of a build that was killed */
		char folder[PATH_MAX];
		build_cache_folder(folder);
		build_rootfs_sweep(folder);
	}
	if (rc == 0 && o->context) {
		char root[PATH_MAX], cache[PATH_MAX];
		if (!realpath(o->context, root))
			rc = fail_sys("unable to prepare context: path \"%s\" not found", o->context);
		else {
			stat_cache_file(root, cache);
			rc = build_context_open(&b.context, root, &rules, cache);
		}
	}
	b.step_count = b.file.count;
	for (size_t i = 0; rc == 0 && i < b.plan.global_args; i++) /* the ARGs before FROM: values only */
		printf("Step %zu/%zu : %s\n", i + 1, b.step_count, b.file.instructions[i].original);
	for (size_t i = 0; i < b.plan.count && rc == 0; i++)
		if (b.plan.stages[i].needed)
			rc = build_stage(&b, i);
	char digest[SHA256_DIGEST_SIZE];
	if (rc == 0)
		rc = store_image(&b, &b.stages[b.plan.target], digest);
	if (b.context.root_fd >= 0 && build_context_save(&b.context) < 0)
		error_clear(); /* only a later build's speed depends on it */
	if (rc == 0) {
		for (size_t i = 0; i < o->build_arg_count; i++) {
			char name[256];
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(o->build_args[i], "="), o->build_args[i]);
			if (!o->arg_used[i] && !build_predefined_arg(name))
				printf("[Warning] One or more build-args [%s] were not consumed\n", name);
		}
		const char *id = b.stages[b.plan.target].id;
		printf("Successfully built %.12s\n", id + strlen("sha256:"));
		for (size_t i = 0; i < o->tag_count; i++) {
			char familiar[600], canonical[600];
			if (image_name_normalise(o->tags[i], familiar, canonical) == 0)
				printf("Successfully tagged %s\n", familiar);
		}
		explain(CHAPTER, "build context: %zu entries, %zu file(s) read for their digest (the others from the stat cache)",
		b.context.count, b.context.files_read);
	if (getenv("TINYDOCK_BUILD_STATS"))
			fprintf(stderr, "build context: %zu files, %zu read for their digest\n", b.context.count,
				b.context.files_read);
	}
	fflush(stdout);
	if (rc == 0)
		snprintf(o->built, sizeof(o->built), "%s", b.stages[b.plan.target].id);
	for (size_t i = 0; b.stages && i < b.plan.count; i++)
		build_stage_image_free(&b.stages[i]);
	free(b.stages);
	for (size_t i = 0; i < b.global_count; i++)
		free(b.globals[i]);
	build_context_close(&b.context);
	image_store_close(&b.store);
	build_plan_free(&b.plan);
	dockerfile_free(&b.file);
	ignore_rules_free(&rules);
	return rc;
}

/* --- the command ------------------------------------------------------------------------------ */

static const char BUILD_HELP[] =
	"Usage:  tinydock build [OPTIONS] PATH | -\n"
	"\n"
	"Build an image from a Dockerfile. PATH is the build context: the folder COPY and ADD\n"
	"read from; - reads stdin: a tar archive (plain or gzip) is the context, with the\n"
	"Dockerfile at its root (or -f PATH inside it); anything else is the Dockerfile, no context.\n"
	"\n"
	"Options:\n"
	"      --build-arg list      Set build-time variables (KEY=VALUE, or KEY from the environment)\n"
	"  -f, --file string         Name of the Dockerfile (default: PATH/Dockerfile; - : stdin)\n"
	"      --label list          Set metadata for an image\n"
	"      --network string      Network of the RUN containers: host (default here), none, bridge\n"
	"      --no-cache            Do not use cache when building the image\n"
	"      --print               Print the parsed Dockerfile (BuildKit's Node.Dump) and stop\n"
	"      --pull                Always pull a newer version of the FROM images from their registry\n"
	"  -q, --quiet               Suppress the build output and print image ID on success\n"
	"  -t, --tag list            Name and optionally a tag in the 'name:tag' format\n"
	"      --target string       Set the target build stage to build\n"
	"\n"
	"RUN steps use the host's network by default: tinydock's bridge has no NAT to the outside.\n";

enum { OPT_BUILD_ARG = 1601, OPT_LABEL, OPT_NETWORK, OPT_NO_CACHE, OPT_PULL, OPT_TARGET, OPT_PRINT };

/* `build -`: stdin is a tar context (the Dockerfile inside it, -f naming another path in it)
 * or the Dockerfile itself (no context). */
static int read_stdin(struct build_options *o, struct build_stdin *in, char dockerfile[PATH_MAX])
{
	char folder[PATH_MAX];
	build_cache_folder(folder);
	if (build_stdin_read(STDIN_FILENO, o->context ? NULL : folder, in) < 0)
		return -1;
	if (in->dockerfile) {
		if (o->dockerfile && strcmp(o->dockerfile, "-"))
			return fail_errno(0, "-f %s: stdin held a Dockerfile, not a context archive", o->dockerfile);
		o->dockerfile = "-";
		o->stdin_text = in->dockerfile;
		o->stdin_length = in->length;
		return 0;
	}
	o->context = in->context;
	const char *name = o->dockerfile ? o->dockerfile : "Dockerfile";
	char root[PATH_MAX], inside[PATH_MAX];
	snprintf(dockerfile, PATH_MAX, "%s/%s", in->context, name);
	/* -f names a file of the archive: resolved, it must still be inside it */
	if (!realpath(in->context, root) || !realpath(dockerfile, inside) || !context_path_within(inside + 1, root + 1))
		return fail_errno(0, "unable to read the Dockerfile: %s is not a file of the context on stdin", name);
	o->dockerfile = dockerfile;
	return 0;
}

static int print_tree(const char *path)
{
	size_t length;
	char *text = read_regular_file(path, 1 << 20, &length);
	struct dockerfile d;
	if (!text || dockerfile_parse(path, text, length, &d) < 0) {
		free(text);
		return command_failed("build");
	}
	dockerfile_dump(&d, stdout);
	dockerfile_free(&d);
	free(text);
	return 0;
}

int cmd_build(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(BUILD_HELP);
	static const struct option options[] = {
		{ "tag", required_argument, NULL, 't' },	   { "file", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },		   { "build-arg", required_argument, NULL, OPT_BUILD_ARG },
		{ "label", required_argument, NULL, OPT_LABEL },   { "network", required_argument, NULL, OPT_NETWORK },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },   { "pull", no_argument, NULL, OPT_PULL },
		{ "target", required_argument, NULL, OPT_TARGET }, { "print", no_argument, NULL, OPT_PRINT },
		{ NULL, 0, NULL, 0 },
	};
	struct build_options *o = calloc(1, sizeof(*o));
	if (!o) {
		fail_errno(ENOMEM, "build");
		return command_failed("build");
	}
	o->network = NETWORK_HOST;
	bool print = false;
	int code = -1;
	optind = 1;
	opterr = 0;
	for (int opt; code < 0 && (opt = cli_getopt(argc, argv, "+t:f:q", options, NULL)) != -1;) {
		switch (opt) {
		case 't':
			if (o->tag_count == MAX_TAGS)
				code = usage_error("build", "at most %d tags", MAX_TAGS);
			else
				o->tags[o->tag_count++] = optarg;
			break;
		case 'f':
			o->dockerfile = optarg;
			break;
		case 'q':
			o->quiet = cli_flag_on(optarg);
			break;
		case OPT_BUILD_ARG:
		case OPT_LABEL:
			if (o->build_arg_count == MAX_BUILD_ARGS || o->label_count == MAX_BUILD_ARGS)
				code = usage_error("build", "at most %d of each", MAX_BUILD_ARGS);
			else if (opt == OPT_BUILD_ARG)
				o->build_args[o->build_arg_count++] = optarg;
			else
				o->labels[o->label_count++] = optarg;
			break;
		case OPT_NETWORK:
			if (strcmp(optarg, "host") == 0 || strcmp(optarg, "default") == 0)
				o->network = NETWORK_HOST;
			else if (strcmp(optarg, "none") == 0)
				o->network = NETWORK_NONE;
			else if (strcmp(optarg, "bridge") == 0)
				o->network = NETWORK_BRIDGE;
			else
				code = usage_error("build", "--network: host, none or bridge, not \"%s\"", optarg);
			break;
		case OPT_NO_CACHE:
			o->no_cache = cli_flag_on(optarg);
			break;
		case OPT_PULL:
			o->pull = cli_flag_on(optarg);
			break;
		case OPT_TARGET:
			o->target = optarg;
			break;
		case OPT_PRINT:
			print = cli_flag_on(optarg);
			break;
		default:
			code = usage_error("build", opt == ':' ? "flag needs an argument: %s" : "unknown flag: %s",
					   argv[optind - 1]);
		}
	}
	if (code < 0 && print)
		code = optind + 1 == argc ? print_tree(argv[optind]) : usage_error("build", "--print takes one FILE");
	else if (code < 0 && optind + 1 != argc)
		code = arguments_error("build", "requires exactly 1 argument: PATH | -");
	for (size_t i = 0; code < 0 && i < o->tag_count; i++) {
		char familiar[600], canonical[600];
		if (image_name_normalise(o->tags[i], familiar, canonical) < 0)
			code = usage_error("build", "invalid argument \"%s\" for \"-t, --tag\" flag: %s", o->tags[i],
					   error_message());
	}
	struct build_stdin from_stdin = { 0 };
	char dockerfile[PATH_MAX];
	if (code < 0 && strcmp(argv[optind], "-") == 0 && o->dockerfile && strcmp(o->dockerfile, "-") == 0)
		code = usage_error("build", "stdin cannot be both the context and the Dockerfile (-f -)");
	if (code < 0) {
		o->context = strcmp(argv[optind], "-") == 0 ? NULL : argv[optind];
		bool reads_stdin = !o->context || (o->dockerfile && strcmp(o->dockerfile, "-") == 0);
		if (reads_stdin && read_stdin(o, &from_stdin, dockerfile) < 0) {
			fprintf(stderr, "tinydock: %s\n", error_message());
			code = EXIT_BUILD_FAILED;
		}
	}
	if (code < 0) {
		int saved = -1;
		if (o->quiet) { /* the steps and RUN's output go nowhere; the ID is printed at the end */
			fflush(stdout);
			saved = dup(STDOUT_FILENO);
			int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (null >= 0) {
				dup2(null, STDOUT_FILENO);
				close(null);
			}
		}
		int rc = build(o);
		if (saved >= 0) {
			fflush(stdout);
			dup2(saved, STDOUT_FILENO);
			close(saved);
		}
		if (rc < 0) {
			fflush(stdout);
			fprintf(stderr, "tinydock: %s\n", error_message());
			code = EXIT_BUILD_FAILED;
		} else {
			if (o->quiet)
				printf("%s\n", o->built);
			code = 0;
		}
	}
	if (build_stdin_release(&from_stdin) < 0) {
		fprintf(stderr, "tinydock: %s\n", error_message());
		code = code ? code : EXIT_BUILD_FAILED;
	}
	free(o);
	return code;
}
