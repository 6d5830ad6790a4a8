/*
 * swarm-json.h - the swarm's records as JSON, and back: the pieces the commands' bytes
 * (swarm-command.c) and the store's snapshot (swarm-snapshot.c) are made of.
 *
 * Writing: json_add and friends take ownership and return NULL on failure, so one failure
 * anywhere makes the whole tree's build fail, collected in one chain of &&.
 * Reading trusts nothing, since the bytes come from a disk or another manager: every member
 * is checked for its type, every name for its length, every number for its range, every enum
 * for a known word; a failure records "\"member\" <problem>" and returns -1.
 */
#ifndef TINYDOCK_SWARM_JSON_H
#define TINYDOCK_SWARM_JSON_H

#include "json.h"
#include "swarm-store.h"

/* --- writing (NULL, recorded, when out of memory) --- */
struct json *swarm_json_add_strings(struct json *obj, const char *key, const struct swarm_strings *list);
struct json *swarm_json_from_spec(const struct swarm_service_spec *spec);
struct json *swarm_json_from_node(const struct swarm_node_spec *node);

/* --- reading (-1, recorded, when a member is missing or wrong) --- */
int swarm_json_bad(const char *key, const char *problem);
int swarm_json_get_text(const struct json *obj, const char *key, char *dst, size_t size);
int swarm_json_get_int(const struct json *obj, const char *key, int64_t min, int64_t max, int64_t *value);
int swarm_json_get_enum(const struct json *obj, const char *key, const char *const *names, size_t count, int *value);
/* Append the strings of the array member key to list. */
int swarm_json_get_strings(const struct json *obj, const char *key, struct swarm_strings *list);
/* Fill spec (or node), which starts zeroed; on failure what was filled is the caller's to free. */
int swarm_json_to_spec(const struct json *obj, struct swarm_service_spec *spec);
int swarm_json_to_node(const struct json *obj, struct swarm_node_spec *node);

/* An unsigned member of at most max into field; an enum member named by table into field.
 * Both are expressions worth 0 or -1. */
#define SWARM_JSON_UINT(obj, key, max, field) \
	({ int64_t value_; int rc_ = swarm_json_get_int(obj, key, 0, max, &value_); if (rc_ == 0) field = value_; rc_; })
#define SWARM_JSON_ENUM(obj, key, table, field) \
	({ int value_; int rc_ = swarm_json_get_enum(obj, key, table, SWARM_NAMES(table), &value_); if (rc_ == 0) field = value_; rc_; })

/* A task's endpoints as the member "endpoints" of obj ([{"target":80,"published":30001,
 * "protocol":"tcp"}]), and back (at most SWARM_MAX_ENDPOINTS). */
struct json *swarm_json_add_endpoints(struct json *obj, const struct swarm_endpoint *endpoints, size_t count);
int swarm_json_get_endpoints(const struct json *obj, struct swarm_endpoint *endpoints, size_t *count);

#endif
