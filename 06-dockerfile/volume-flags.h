/*
 * volume-flags.h - `run -v`, `--mount` and `--tmpfs` read into what the user asked for
 * (volume-flags.c). Pure: nothing is looked up or made here (volume-run.c does that).
 */
#ifndef TINYDOCK_VOLUME_FLAGS_H
#define TINYDOCK_VOLUME_FLAGS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Docker's local volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (and at most this long). */
#define VOLUME_NAME_MAX 255

enum volume_kind {
	VOLUME_BIND,      /* a host path: -v /srv:/data, --mount type=bind */
	VOLUME_NAMED,     /* a volume by name, made on first use: -v site:/data */
	VOLUME_ANONYMOUS, /* a new volume with a random name: -v /data, an image's VOLUME */
	VOLUME_TMPFS,     /* --tmpfs /run, --mount type=tmpfs */
};

/* One -v, --mount or --tmpfs, as given. */
struct volume_request {
	enum volume_kind kind;
	char source[PATH_MAX];        /* VOLUME_BIND: the host path as given (may be relative: "./site");
					 VOLUME_NAMED: the name; else "" */
	char target[PATH_MAX];        /* the path inside the container: absolute */
	bool read_only;
	char mode[32];                /* -v's third field as given ("ro", "rw,z"), for inspect's Mode */
	char options[256];            /* VOLUME_TMPFS: mount(8)'s words ("size=64m,mode=1777") */
	bool source_must_exist;       /* --mount type=bind refuses a missing source (-v makes it) */
	bool no_copy;                 /* volume-nocopy / nocopy: no copy-up of the image's folder */
};

/* -v SPEC: "/host:/ctr[:MODE]", "name:/ctr[:MODE]", "/ctr". 0, or -1 with Docker's message. */
int parse_volume_flag(const char *text, struct volume_request *out);

/* --mount type=bind|volume|tmpfs,source=,target=,readonly,... (with Docker's aliases src,
 * dst, destination, ro). 0, or -1 with the message. */
int parse_mount_flag(const char *text, struct volume_request *out);

/* --tmpfs PATH[:OPTIONS]. 0, or -1 with the message. */
int parse_tmpfs_flag(const char *text, struct volume_request *out);

/* true if name is a valid local volume name. */
bool volume_name_valid(const char *name);

#endif
