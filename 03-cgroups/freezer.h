/*
 * freezer.h - stopping every process of a cgroup where it stands, and letting it go on: `pause`
 * and `unpause` (freezer.c).
 */
#ifndef TINYDOCK_FREEZER_H
#define TINYDOCK_FREEZER_H

#include "cgroup.h"

#include <stdbool.h>

enum freezer_kind {
	FREEZER_NONE, /* the container is in no freezer (no v1 freezer tree, no v2 folder) */
	FREEZER_V1,   /* the v1 freezer tree: freezer.state FROZEN / THAWED */
	FREEZER_V2,   /* the v2 folder: cgroup.freeze 1 / 0, cgroup.events "frozen 1" once done */
};

/* The freezer that holds the container: the v1 freezer tree when it joined one (v1, and
 * hybrid, where runc uses the v1 freezer too), else its v2 folder. */
enum freezer_kind freezer_of(const struct cgroup *cg);

/* "v1 freezer" or "v2 cgroup.freeze", for messages. */
const char *freezer_name(enum freezer_kind kind);

/* Pure: the value of "frozen" in the text of a v2 cgroup.events ("populated 1\nfrozen 1\n"):
 * 1 or 0, -1 when the key is missing (a kernel before 5.2 has no freezer in v2). */
int freezer_events_frozen(const char *events);

/* Freeze (frozen) or thaw the cgroup with that freezer, and wait until the kernel says it is
 * done (v1: freezer.state reads FROZEN or THAWED; v2: cgroup.events says frozen 1 or 0), at
 * most timeout_ms. 0, or -1 with the message (naming the file that did not change). */
int freezer_set(const struct cgroup *cg, enum freezer_kind kind, bool frozen, long timeout_ms);

/* Whether the cgroup was asked to be frozen (Docker's "paused": also while still freezing).
 * 0 with *frozen, or -1 with the message. */
int freezer_get(const struct cgroup *cg, enum freezer_kind kind, bool *frozen);

#endif
