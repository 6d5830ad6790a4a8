/*
 * swarm-command.h - the changes to the swarm's store, and the bytes that carry them.
 *
 * A manager never edits the store in place. It writes down what should change as a command
 * ("task 42 is RUNNING", "node w3 is down", "service web wants 5 replicas"), hands the
 * command's bytes to Raft, and only once Raft has committed them does every manager apply
 * them (swarm_store_apply). This is state machine replication: the same commands, in the
 * same order, into the same deterministic function, give the same store on every manager,
 * so any of them can take over as leader with nothing lost.
 *
 * The bytes are one JSON object (RFC 8259) a command, compact, members in a fixed order:
 *
 *     {"op":"task-state","at":5200,"task":42,"state":"running","message":"started","endpoints":[]}
 *
 * "op" names the command, "at" is the proposer's time in milliseconds (the only clock
 * the store ever sees), the other members are the command's fields, named as below. JSON
 * because it can be read in a log dump and has a parser in this project already (03-cgroups).
 *
 * Read next: swarm-apply.c (what each command does to the store).
 */
#ifndef TINYDOCK_SWARM_COMMAND_H
#define TINYDOCK_SWARM_COMMAND_H

#include "swarm-store.h"

enum swarm_command_kind {
	SWARM_SERVICE_CREATE,        /* spec */
	SWARM_SERVICE_UPDATE,        /* spec (the whole new spec; the name says which service) */
	SWARM_SERVICE_REMOVE,        /* name */
	SWARM_SERVICE_UPDATE_STATE,  /* name, update_state, message: a rolling update's progress */
	SWARM_SERVICE_ROLLBACK,      /* name, message: the previous spec becomes the spec again */
	SWARM_NODE_JOIN,             /* node */
	SWARM_NODE_UPDATE,           /* node (availability, role, labels of node.id) */
	SWARM_NODE_STATUS,           /* name (the node), node_status, message */
	SWARM_TASK_CREATE,           /* task (service, slot, node, service_version, attempt, window_start) */
	SWARM_TASK_ASSIGN,           /* task_id, name (the node) */
	SWARM_TASK_STATE,            /* task_id, state (observed), message, endpoints */
	SWARM_TASK_DESIRED,          /* task_id, state (desired), message */
	SWARM_NODE_REMOVE,           /* name (the node): `node rm`; its tasks are orphaned */
};

struct swarm_command {
	enum swarm_command_kind kind;
	uint64_t at;
	char name[SWARM_NAME_MAX];
	char message[SWARM_MESSAGE_MAX];
	struct swarm_service_spec spec;
	struct swarm_node_spec node;
	struct swarm_task task;
	uint64_t task_id;
	enum swarm_task_state state;
	enum swarm_node_status node_status;
	enum swarm_update_state update_state;
	struct swarm_endpoint endpoints[SWARM_MAX_ENDPOINTS]; /* TASK_STATE: where it is reachable */
	size_t endpoint_count;
};

const char *swarm_command_name(enum swarm_command_kind kind);

/* A command of kind with every other field zero. */
void swarm_command_init(struct swarm_command *command, enum swarm_command_kind kind, uint64_t at);
void swarm_command_free(struct swarm_command *command);

/* The command as its JSON bytes (malloc'd, NUL-terminated; *size without the NUL), or NULL
 * (recorded) when out of memory. */
char *swarm_command_encode(const struct swarm_command *command, size_t *size);

/* A command back from its bytes; -1 with "swarm command: <problem>" recorded for bytes that
 * are not one (the log is read back from disk and from other managers: check everything). */
int swarm_command_decode(const void *bytes, size_t size, struct swarm_command *command);

/*
 * Apply one command to the store. A command that would break the store's rules (a task state
 * moving backwards, a task for a service that is gone, a second node with the same id) is
 * refused: -1 with the reason recorded, the store unchanged. Refusing is deterministic too, so
 * every manager refuses the same commands. The command stays the caller's.
 */
int swarm_store_apply(struct swarm_store *store, const struct swarm_command *command);

/* A growing list of commands: what a control loop hands out. */
struct swarm_commands {
	struct swarm_command *items;
	size_t count, capacity;
};

/* A new command of kind at the end of list (zeroed but for kind and at); NULL when out of
 * memory (recorded). */
struct swarm_command *swarm_commands_add(struct swarm_commands *list, enum swarm_command_kind kind, uint64_t at);
/* Free every command and empty the list (keep it for reuse). */
void swarm_commands_clear(struct swarm_commands *list);
void swarm_commands_free(struct swarm_commands *list);

#endif
