/*
 * swarm-store.h - the swarm's state: nodes, services and tasks, changed only by commands.
 *
 * The lecture's swarm runs on one idea: you write down the desired state of each service
 * ("run 10 replicas of this image"), and the managers keep comparing it with the actual
 * state and reconciling the two. Both live here, in one store:
 *   - the desired state: the services (what should run, how many, where it may run);
 *   - the actual state: the nodes (who is up, with what resources) and the tasks (one task
 *     is one container of a service in a slot, with the state its worker last reported).
 *
 * The store never changes by itself. Every change is a command (swarm-command.h) applied by
 * swarm_store_apply, a pure function: no clock (a command carries the time its proposer
 * stamped on it), no randomness (task ids are counted), no I/O. So the managers that apply
 * the same commands in the same order, which is what Raft guarantees them, hold the same
 * store, byte for byte. The control loops (orchestrator, scheduler, dispatcher) read the
 * store and answer with commands; they never write it.
 *
 * Read next: swarm-command.h (the commands and their bytes), swarm-orchestrator.h.
 */
#ifndef TINYDOCK_SWARM_STORE_H
#define TINYDOCK_SWARM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A service or node name is a DNS label (RFC 1035: at most 63 bytes), as Docker requires of
 * service names, since each is also the name other services resolve. */
#define SWARM_NAME_MAX 64
/* An image reference: a repository name of at most 255 bytes, a tag or a digest. */
#define SWARM_IMAGE_MAX 384
/* A state's explanation, as `docker service ps` shows in its ERROR column. */
#define SWARM_MESSAGE_MAX 160
/* The most replicas a service may ask for. Every replica is a task in the store of every
 * manager; a command asking for billions (a typo, or bytes from a broken disk) must be refused,
 * not make every manager allocate them. Swarm has been run with 100,000 tasks. */
#define SWARM_MAX_REPLICAS 100000
/* Swarm keeps the last 5 tasks of a slot (`docker swarm update --task-history-limit`,
 * default 5): enough to see why a slot keeps restarting, bounded so the store does not grow. */
#define SWARM_TASK_HISTORY 5

/* --- nodes ---------------------------------------------------------------------------------- */

enum swarm_role { SWARM_WORKER, SWARM_MANAGER };
/* active: takes new tasks; pause: keeps its tasks, takes no new ones; drain: its tasks move. */
enum swarm_availability { SWARM_ACTIVE, SWARM_PAUSE, SWARM_DRAIN };
enum swarm_node_status { SWARM_NODE_READY, SWARM_NODE_DOWN };

/* A list of strings that owns them (a command's arguments, env, labels, constraints). */
struct swarm_strings {
	char **items;
	size_t count;
};

struct swarm_node_spec {
	char id[SWARM_NAME_MAX];
	char hostname[SWARM_NAME_MAX];
	char address[SWARM_NAME_MAX];          /* where its agent listens, "10.0.0.7:2377" */
	enum swarm_role role;
	enum swarm_availability availability;
	int64_t nano_cpus;                      /* CPUs in billionths, as Docker counts them */
	int64_t memory_bytes;
	struct swarm_strings labels;            /* "key=value" */
};

struct swarm_node {
	struct swarm_node_spec spec;
	enum swarm_node_status status;
	uint64_t status_at;                     /* when the status last changed */
};

/* --- services ------------------------------------------------------------------------------- */

/* The label `stack deploy` puts on each service of a stack, as Docker's: its value is the
 * stack's name, and the service is named STACK_SERVICE. */
#define SWARM_STACK_LABEL "com.docker.stack.namespace"

enum swarm_mode { SWARM_REPLICATED, SWARM_GLOBAL };
enum swarm_restart_condition { SWARM_RESTART_NONE, SWARM_RESTART_ON_FAILURE, SWARM_RESTART_ANY };
enum swarm_failure_action { SWARM_UPDATE_PAUSE, SWARM_UPDATE_CONTINUE, SWARM_UPDATE_ROLLBACK };
enum swarm_update_order { SWARM_STOP_FIRST, SWARM_START_FIRST };

struct swarm_port {
	uint16_t published, target;
	bool udp;
	/* mode=host publishes on the node itself, so two tasks with the same port cannot share a
	 * node; the default, mode=ingress, goes through the routing mesh and never conflicts. */
	bool host_mode;
};

/* Where a running task's target port is reachable from other nodes: the port its worker
 * published it on (the routing mesh of every node forwards a service's connections to these,
 * at the address of the task's node). */
#define SWARM_MAX_ENDPOINTS 16
struct swarm_endpoint {
	uint16_t target;        /* the port inside the container */
	uint16_t published;     /* the port on the task's node that reaches it */
	bool udp;
};

/* docker service create --restart-condition --restart-delay --restart-max-attempts
 * --restart-window; Swarm's defaults: any, 5 s, unlimited (0), unbounded window (0). */
struct swarm_restart_policy {
	enum swarm_restart_condition condition;
	uint64_t delay_ms;
	uint32_t max_attempts;  /* 0: no limit */
	uint64_t window_ms;     /* 0: attempts are counted forever */
};

/* docker service create --update-parallelism --update-delay --update-failure-action
 * --update-order; Swarm's defaults: 1, 0 s, pause, stop-first. */
struct swarm_update_config {
	uint32_t parallelism;   /* tasks replaced at once; 0: all at once */
	uint64_t delay_ms;      /* between one batch running and the next starting */
	enum swarm_failure_action failure_action;
	enum swarm_update_order order;
};

struct swarm_service_spec {
	char name[SWARM_NAME_MAX];
	char image[SWARM_IMAGE_MAX];
	struct swarm_strings command;
	struct swarm_strings env;               /* "NAME=value" */
	enum swarm_mode mode;
	uint32_t replicas;                      /* replicated mode */
	struct swarm_port *ports;
	size_t port_count;
	struct swarm_strings constraints;       /* "node.role==worker", "node.labels.zone==a" */
	int64_t reserve_nano_cpus, reserve_memory_bytes; /* what the scheduler sets aside */
	int64_t limit_nano_cpus, limit_memory_bytes;     /* the container's cgroup limits; 0: none */
	struct swarm_strings labels;            /* "key=value": com.docker.stack.namespace=shop */
	struct swarm_restart_policy restart;
	struct swarm_update_config update;
};

/* Where a rolling update stands (UpdateStatus.State of `docker service inspect`). */
enum swarm_update_state {
	SWARM_UPDATE_NONE,
	SWARM_UPDATE_UPDATING,
	SWARM_UPDATE_PAUSED,
	SWARM_UPDATE_COMPLETED,
	SWARM_UPDATE_ROLLBACK_STARTED,
	SWARM_UPDATE_ROLLBACK_COMPLETED,
};

struct swarm_service {
	struct swarm_service_spec spec;
	/* Each spec a task may run has a version number: 1 at creation, a new one at every update
	 * that changes what tasks run. A rollback makes the previous spec current again under its
	 * own number, so the tasks that still run it are up to date and stay. */
	uint64_t version;
	uint64_t versions;                      /* the highest number given so far */
	struct swarm_service_spec previous;     /* the spec before the last update (rollback) */
	uint64_t previous_version;
	bool has_previous;
	enum swarm_update_state update_state;
	char update_message[SWARM_MESSAGE_MAX];
	uint64_t updated_at;
};

/* --- tasks ---------------------------------------------------------------------------------- */

/* Swarm's task states, in the only order a task may go through them (a task may skip ahead,
 * never go back): created, waiting for resources, given to a node, accepted by its worker,
 * image pulled and container prepared, starting, running, then one of the ends. */
enum swarm_task_state {
	SWARM_TASK_NEW,
	SWARM_TASK_PENDING,
	SWARM_TASK_ASSIGNED,
	SWARM_TASK_ACCEPTED,
	SWARM_TASK_PREPARING,
	SWARM_TASK_STARTING,
	SWARM_TASK_RUNNING,
	SWARM_TASK_COMPLETE,    /* exited 0 */
	SWARM_TASK_SHUTDOWN,    /* stopped because the manager asked */
	SWARM_TASK_FAILED,      /* exited non-zero, or could not start */
	SWARM_TASK_REJECTED,    /* the worker refused it (no such image, ...) */
	SWARM_TASK_ORPHANED,    /* its node went down: nobody knows what became of it */
};

/* COMPLETE and everything after it: the container is gone for good. */
bool swarm_task_state_is_final(enum swarm_task_state state);

struct swarm_task {
	uint64_t id;                            /* counted by the store: 1, 2, 3, ... */
	char service[SWARM_NAME_MAX];
	uint32_t slot;                          /* replicated: 1..replicas; global: 0 */
	char node[SWARM_NAME_MAX];              /* "" until scheduled; global: set at creation */
	uint64_t service_version;               /* the spec it runs */
	enum swarm_task_state desired;          /* RUNNING, or SHUTDOWN when it should stop */
	enum swarm_task_state observed;
	char message[SWARM_MESSAGE_MAX];        /* why it is in its state */
	uint64_t created_at, observed_at;       /* observed_at: when observed last changed */
	/* The restart policy's count: restarts of this slot so far in the window that began at
	 * window_start (a new task inherits them from the one it replaces). */
	uint32_t attempt;
	uint64_t window_start;
	/* Once RUNNING: where its worker published each of the service's ports. */
	struct swarm_endpoint endpoints[SWARM_MAX_ENDPOINTS];
	size_t endpoint_count;
};

/* --- the store ------------------------------------------------------------------------------ */

struct swarm_store {
	struct swarm_node *nodes;               /* in order of joining */
	size_t node_count, node_capacity;
	struct swarm_service *services;         /* in order of creation */
	size_t service_count, service_capacity;
	struct swarm_task *tasks;               /* by id, ascending */
	size_t task_count, task_capacity;
	uint64_t next_task_id;
	uint64_t applied;                       /* commands applied, refused ones included */
};

void swarm_store_init(struct swarm_store *store);
void swarm_store_free(struct swarm_store *store);

struct swarm_node *swarm_store_node(const struct swarm_store *store, const char *id);
struct swarm_service *swarm_store_service(const struct swarm_store *store, const char *name);
struct swarm_task *swarm_store_task(const struct swarm_store *store, uint64_t id);

/* The names Docker shows ("worker", "drain", "ready", "on-failure", "start-first", ...), and
 * back: -1 for a name that is none of them. */
const char *swarm_role_name(enum swarm_role role);
const char *swarm_availability_name(enum swarm_availability availability);
const char *swarm_node_status_name(enum swarm_node_status status);
const char *swarm_mode_name(enum swarm_mode mode);
const char *swarm_restart_condition_name(enum swarm_restart_condition condition);
const char *swarm_failure_action_name(enum swarm_failure_action action);
const char *swarm_update_order_name(enum swarm_update_order order);
const char *swarm_update_state_name(enum swarm_update_state state);
const char *swarm_task_state_name(enum swarm_task_state state);
/* The same names as tables, indexed by the enums, for reading them back (swarm_name_lookup). */
extern const char *const swarm_role_names[2];
extern const char *const swarm_availability_names[3];
extern const char *const swarm_node_status_names[2];
extern const char *const swarm_mode_names[2];
extern const char *const swarm_restart_condition_names[3];
extern const char *const swarm_failure_action_names[3];
extern const char *const swarm_update_order_names[2];
extern const char *const swarm_update_state_names[6];
extern const char *const swarm_task_state_names[12];
#define SWARM_NAMES(table) (sizeof(table) / sizeof(table[0]))
int swarm_name_lookup(const char *const *names, size_t count, const char *name);

/* --- strings and specs ---------------------------------------------------------------------- */

/* Append a copy of text; -1 (recorded) when out of memory. */
int swarm_strings_add(struct swarm_strings *list, const char *text);
int swarm_strings_copy(struct swarm_strings *dst, const struct swarm_strings *src);
void swarm_strings_free(struct swarm_strings *list);

/* Swarm's defaults for a service spec named name (1 replica, restart any after 5 s, update
 * 1 at a time, pause on failure, stop-first). */
void swarm_service_spec_default(struct swarm_service_spec *spec, const char *name, const char *image);
int swarm_service_spec_copy(struct swarm_service_spec *dst, const struct swarm_service_spec *src);
void swarm_service_spec_free(struct swarm_service_spec *spec);
int swarm_node_spec_copy(struct swarm_node_spec *dst, const struct swarm_node_spec *src);
void swarm_node_spec_free(struct swarm_node_spec *spec);

/* The value of the node label key ("zone" of "zone=a"), or NULL. */
const char *swarm_node_label(const struct swarm_node_spec *node, const char *key);

/* A bounded copy of text into a fixed field (cut at size - 1 bytes). */
void swarm_copy_name(char *dst, size_t size, const char *text);

#endif
