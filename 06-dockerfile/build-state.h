/*
 * build-state.h - what the steps of one build share (build.c, build-step-run.c,
 * build-step-copy.c): the options, the image each stage has made so far, the ARGs in scope,
 * and the cache around a step. Internal to the builder: the command is build.h.
 */
#ifndef TINYDOCK_BUILD_STATE_H
#define TINYDOCK_BUILD_STATE_H

#include "build-cache.h"
#include "build-config.h"
#include "build-context.h"
#include "build-plan.h"
#include "container.h"
#include "dockerfile.h"
#include "image-store.h"

#include <stdbool.h>
#include <stddef.h>

#define MAX_TAGS 16
#define MAX_BUILD_ARGS 64
#define MAX_VARS 512

/* The exit code of a failed build, as docker build's. */
enum { EXIT_BUILD_FAILED = 1 };

struct build_options {
	const char *tags[MAX_TAGS];
	size_t tag_count;
	const char *dockerfile; /* -f; NULL: CONTEXT/Dockerfile */
	const char *build_args[MAX_BUILD_ARGS]; /* "K=V" (or "K": from our environment) */
	size_t build_arg_count;
	bool arg_used[MAX_BUILD_ARGS];
	const char *labels[MAX_BUILD_ARGS];
	size_t label_count;
	const char *target;
	bool no_cache, quiet;
	bool pull; /* --pull: fetch every FROM image from its registry first */
	enum network_mode network;
	const char *context; /* the folder; NULL for "-" (no context) */
	const char *stdin_text; /* the Dockerfile read from stdin (dockerfile "-") */
	size_t stdin_length;
	char built[SHA256_DIGEST_SIZE]; /* the image made */
};

/* What a stage has made so far: the image after the last step. */
struct stage_image {
	struct json *config;
	struct oci_layer *layers;
	size_t layer_count;
	char id[SHA256_DIGEST_SIZE]; /* the config's digest: the image ID after this step */
	bool built;
};

/* The whole build, for the steps. */
struct build {
	struct build_options *options;
	struct dockerfile file;
	struct build_plan plan;
	struct image_store store;
	struct build_context context;
	struct stage_image *stages;
	char *globals[MAX_VARS]; /* "NAME=value" of the ARGs before the first FROM */
	size_t global_count;
	size_t step_count;
	unsigned mounts; /* COPY --from views made, for their names */
};

/* One stage being built. */
struct stage_state {
	struct stage_image *image;
	char *args[MAX_VARS]; /* "NAME=value" of the ARGs in scope (declared and with a value) */
	size_t arg_count;
	struct config_step_state config;
};

/* --- shared by the steps (build.c) ------------------------------------------------------------ */

/* Free what img holds and zero it. */
void build_stage_image_free(struct stage_image *img);

/* Is name one of the reference's predefined ARGs (HTTP_PROXY, ...)? */
bool build_predefined_arg(const char *name);

/* The value of name among "NAME=value" vars, or NULL. */
const char *build_var_value(char *const *vars, size_t count, const char *name);

/* The variables an instruction sees: the ARGs in scope, then the config's Env (ENV wins over
 * ARG, the reference says). Pointers into both, at most size; returns the count. */
size_t build_step_vars(const struct stage_state *st, const char **vars, size_t size);

/* Look a step's key up: on a hit, take its result into img and print " ---> Using cache".
 * 1 hit, 0 miss (or --no-cache), -1 error. */
int build_from_cache(struct build *b, const char *key, struct stage_image *img);

/* A step made now: its history entry added to config (taken), remembered under key, and taken
 * into img with its layer (may be NULL). 0, or -1 with the message. */
int build_finish_step(struct stage_image *img, struct json *config, const char *created_by,
		      const struct oci_layer *layer, const char *key);

/* --- the steps that make layers ------------------------------------------------------------- */

/* RUN (build-step-run.c). */
int build_step_run(struct build *b, struct stage_state *st, const struct instruction *in);

/* COPY and ADD (build-step-copy.c), in stage stage_index. */
int build_step_copy(struct build *b, size_t stage_index, struct stage_state *st, const struct instruction *in);

/* WORKDIR's folder as a layer when img has none (*made false when it has it). */
int build_make_workdir(struct build *b, const struct stage_image *img, const char *dir, struct oci_layer *layer,
		       bool *made);

#endif
