/*
 * build-plan.h - the decisions of a build that need no files: which stages a target needs,
 * what a shell-form command becomes, how a step's cache key is made, Go durations. Pure and
 * unit-tested (tests/unit/test_build_plan.c); the builder (build.c) does the system calls.
 */
#ifndef TINYDOCK_BUILD_PLAN_H
#define TINYDOCK_BUILD_PLAN_H

#include "dockerfile.h"
#include "expand.h"
#include "sha256.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One stage: a FROM and the instructions up to the next FROM. */
struct build_stage {
	size_t first, end; /* instructions [first, end) of the Dockerfile; first is the FROM */
	char *base;        /* FROM's image, expanded with the global ARGs: "busybox", "build", "scratch" */
	char *name;        /* AS name, lower case as Docker compares them; NULL without one */
	long base_stage;   /* the earlier stage that base names, or -1 for an image */
	bool needed;       /* the target depends on it */
};

struct build_plan {
	struct build_stage *stages;
	size_t count;
	size_t target;       /* index of the stage built last */
	size_t global_args;  /* instructions before the first FROM (ARGs only) */
};

/* Split d into stages, resolve FROM and COPY --from between them, and mark the stages the
 * target (a stage name, or NULL for the last stage) needs. globals holds the global ARGs'
 * values (for FROM). 0, or -1 with a message ("failed to reach build target X in Dockerfile",
 * "Dockerfile line 3: ..."). */
int build_plan_make(const struct dockerfile *d, const struct expand_env *globals, const char *target,
		    struct build_plan *plan);
void build_plan_free(struct build_plan *plan);

/* The stage that name ("build" or "0") refers to among the stages before `before`; -1 if none. */
long build_plan_find_stage(const struct build_plan *plan, const char *name, size_t before);

/* The value of a flag of in ("--from=build" for "from"), or NULL. */
const char *instruction_flag(const struct instruction *in, const char *name);

/* A shell-form command as the argv it runs: the SHELL (default /bin/sh -c) then the text.
 * shell is a NULL-terminated vector or NULL. *argv is a NULL-terminated malloc'd vector whose
 * strings point into shell and text (free only the vector). */
int build_shell_form(const char *const *shell, const char *text, const char ***argv);

/* Docker's created_by of a config step: "/bin/sh -c #(nop)  CMD [\"sh\"]" (two spaces). */
char *build_nop_text(const char *what);

/* A step's cache key: sha256 over the parent image's ID and the step's description (its
 * instruction expanded, the build args it sees, and for COPY/ADD the files' digests). Fed
 * piece by piece, each piece length-prefixed so that no two descriptions collide. */
struct cache_key {
	struct sha256 hash;
};
void cache_key_begin(struct cache_key *k, const char *parent_id);
void cache_key_add(struct cache_key *k, const char *piece);
void cache_key_add_bytes(struct cache_key *k, const void *data, size_t size);
void cache_key_end(struct cache_key *k, char hex[SHA256_HEX_SIZE]);

/* The key of a step described by one text (its created_by), on top of parent_id: what every
 * step but COPY/ADD uses. */
void cache_key_of_step(const char *parent_id, const char *text, char hex[SHA256_HEX_SIZE]);

/* A Go duration ("30s", "1m30s", "500ms", "1h") in nanoseconds, as HEALTHCHECK's flags take
 * them. 0, or -1 with a message. */
int go_duration_parse(const char *text, int64_t *nanoseconds);

#endif
