/*
 * swarm-fixtures.h - small swarms for the swarm tests (not a suite): nodes, services, and
 * control loops run by hand, every command through its bytes as Raft will carry it.
 */
#ifndef TINYDOCK_SWARM_FIXTURES_H
#define TINYDOCK_SWARM_FIXTURES_H

#include "swarm-command.h"

/* Encode command, decode the bytes, apply the result to store; the command is freed. Returns
 * what swarm_store_apply returned. */
int swarm_fixture_apply(struct swarm_store *store, struct swarm_command *command);

/* Apply every command of list (asserting each is accepted) and empty it. */
void swarm_fixture_apply_all(struct swarm_store *store, struct swarm_commands *list);

/* A node id joins: 4 CPUs, 8 GiB, active, ready. */
void swarm_fixture_join(struct swarm_store *store, const char *id, enum swarm_role role);

/* Spec for a service named name with replicas (default otherwise; image name:v1). */
struct swarm_service_spec swarm_fixture_spec(const char *name, uint32_t replicas);

/* Create (or update) the service from spec at time at; spec is freed. */
void swarm_fixture_create(struct swarm_store *store, struct swarm_service_spec *spec, uint64_t at);
void swarm_fixture_update(struct swarm_store *store, struct swarm_service_spec *spec, uint64_t at);

/* Node gets availability at time at. */
void swarm_fixture_availability(struct swarm_store *store, const char *node, enum swarm_availability availability);

/* One round of the orchestrator then the scheduler at now, commands applied. Returns how
 * many commands there were. */
size_t swarm_fixture_round(struct swarm_store *store, uint64_t now);

/* Ideal workers at now: every assigned task desired RUNNING becomes RUNNING, every task told to
 * stop becomes SHUTDOWN. Returns how many tasks changed. */
size_t swarm_fixture_workers(struct swarm_store *store, uint64_t now);

/* Rounds and ideal workers at now until nothing changes. */
void swarm_fixture_settle(struct swarm_store *store, uint64_t now);

/* Report task's observed state at time at. */
int swarm_fixture_report(struct swarm_store *store, uint64_t task, enum swarm_task_state state, uint64_t at);

/* Tasks of service (NULL: any) in observed state (or any state with -1) and desired RUNNING
 * when live is true, on node (NULL: any). */
size_t swarm_fixture_count(const struct swarm_store *store, const char *service, int state, const char *node,
                           bool live);

/* The newest task of a service's slot, or NULL. */
const struct swarm_task *swarm_fixture_latest(const struct swarm_store *store, const char *service, uint32_t slot);

#endif
