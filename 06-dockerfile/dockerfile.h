/*
 * dockerfile.h - a Dockerfile, parsed: one instruction per entry, as the reference parser
 * (BuildKit's frontend/dockerfile/parser) reads it. Pure: no system calls; the builder
 * (build.h) gives it the file's bytes and walks the result.
 *
 * The Dockerfile reference is the specification: line continuations with the escape character,
 * the parser directives (`# escape=`, `# syntax=`) at the very top only, comments, heredocs,
 * the exec (JSON) form with its fallback to the shell form, and flags (`--from=build`).
 * Variables are NOT expanded here: which instructions expand, and with which values, depends on
 * the build (ARG and ENV seen so far), so the builder calls expand.h on the words it uses.
 */
#ifndef TINYDOCK_DOCKERFILE_H
#define TINYDOCK_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum instruction_kind {
	INSTRUCTION_FROM,
	INSTRUCTION_RUN,
	INSTRUCTION_CMD,
	INSTRUCTION_ENTRYPOINT,
	INSTRUCTION_COPY,
	INSTRUCTION_ADD,
	INSTRUCTION_ENV,
	INSTRUCTION_ARG,
	INSTRUCTION_WORKDIR,
	INSTRUCTION_USER,
	INSTRUCTION_LABEL,
	INSTRUCTION_EXPOSE,
	INSTRUCTION_VOLUME,
	INSTRUCTION_SHELL,
	INSTRUCTION_STOPSIGNAL,
	INSTRUCTION_HEALTHCHECK,
	INSTRUCTION_ONBUILD,
	INSTRUCTION_MAINTAINER,
};

/* A here-document of RUN or COPY (`<<EOF`, `<<-EOF`, `<<"EOF"`). */
struct heredoc {
	char *name;    /* the delimiter word, quotes removed: "EOF" */
	char *content; /* the lines up to the delimiter, each ending in '\n' (<<- strips leading tabs) */
	bool expand;   /* false when the delimiter was quoted: no variable expansion in content */
};

struct instruction {
	enum instruction_kind kind;
	char *keyword;   /* lower case, as Node.Dump prints it: "copy" */
	char *original;  /* the instruction as written, continuations joined (for `Step 2/5 : ...`) */
	int line;        /* first and last line in the file, counting from 1 */
	int end_line;
	char **flags;    /* "--from=build", "--chown=1:1", as written, before the arguments */
	size_t flag_count;
	/* The arguments, as the reference parser splits them for this instruction (Node.Next):
	 *   exec form (json true)     the JSON strings:                    CMD ["a", "b"] -> a, b
	 *   shell form of RUN/CMD/ENTRYPOINT/SHELL-less: one string, the rest of the line
	 *   ENV, LABEL                key, value pairs: ENV a=1 b=2 -> a, 1, b, 2; ENV a 1 2 -> a, "1 2"
	 *   ARG                       one NAME or NAME=default per argument
	 *   COPY, ADD, EXPOSE, VOLUME (non-JSON), USER, WORKDIR, FROM, STOPSIGNAL: whitespace-split words
	 *   HEALTHCHECK               "NONE", or "CMD" followed by CMD's arguments (json says which form)
	 *   ONBUILD                   none: the inner instruction is in onbuild
	 * Quotes are kept where the reference parser keeps them (words are expanded and unquoted by
	 * expand.h later), so Node.Dump shows what BuildKit's shows. */
	char **args;
	size_t arg_count;
	bool json;       /* the exec form: args are the strings of a JSON array */
	struct heredoc *heredocs;
	size_t heredoc_count;
	struct instruction *onbuild; /* ONBUILD's instruction (never itself ONBUILD, FROM or MAINTAINER) */
};

struct dockerfile {
	struct instruction *instructions;
	size_t count;
	char escape;       /* '\\', or '`' after `# escape=`` */
	char *syntax;      /* `# syntax=` as given, or NULL (recorded, not acted on) */
	char **warnings;   /* what the reference parser warns about (e.g. an empty continuation line) */
	size_t warning_count;
};

/* Parse text (length bytes, need not end in '\n' nor in '\0') into *out. Returns 0, or -1 with a
 * message naming the line and the problem ("Dockerfile line 3: unknown instruction: COPPY");
 * name is the file's name for messages. *out is zeroed first and is freed on failure. */
int dockerfile_parse(const char *name, const char *text, size_t length, struct dockerfile *out);

void dockerfile_free(struct dockerfile *d);

/* Write the parsed tree as BuildKit's parser.Node.Dump() does, one line per instruction:
 *   (from "busybox")
 *   (copy ["--chown=1:1"] "src/" "/var/www/html")
 * so `tinydock build --print FILE` can be compared line by line with the reference parser. */
void dockerfile_dump(const struct dockerfile *d, FILE *out);

/* "FROM" -> INSTRUCTION_FROM, case-insensitive; -1 when it is no instruction. Pure. */
int instruction_kind_of(const char *word);

#endif
