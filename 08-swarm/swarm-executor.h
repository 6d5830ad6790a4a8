/*
 * swarm-executor.h - a node's tasks as real containers: the worker's half of the dispatcher.
 *
 * Every node runs tasks (managers too, as in Docker, unless drained). Its loop hands the
 * executor the full set of its assignments whenever they change (swarm_executor_sync); the
 * executor decides what to start and stop (swarm-executor-plan.h) and does it with the
 * container lifecycle of chapters 02-06, in process: the task's spec (swarm-task-spec.h) is
 * created and started under its own monitor, as `run -d` does, after its image is pulled
 * from its registry (chapter 05) when this node does not have it.
 *
 * The node's loop must never wait on a container: a pull takes seconds, a stop up to its
 * grace period. So each start and each stop runs in a child process
 * (swarm-executor-child.c), and what becomes of it, as of a container that ends by itself,
 * comes back through file descriptors the node polls with its own (swarm_executor_pollfds),
 * as reports for the dispatcher (swarm_executor_poll):
 *
 *   ACCEPTED     the executor took the task up (at once, in sync)
 *   PREPARING    the child looks for the image, and pulls it
 *   STARTING     the image is here; the container is being created and started
 *   RUNNING      it runs: "started", with where each of its ports was published (endpoints)
 *   COMPLETE     it exited 0 by itself: "finished"
 *   FAILED       it exited non-zero ("task: non-zero exit (1)", as Docker words it), or could
 *                not start, or its monitor died
 *   REJECTED     it could not be run here at all ("No such image: NAME")
 *   SHUTDOWN     it was stopped because the swarm asked
 *
 * A container that ends by itself is noticed through its monitor: the monitor exits when its
 * container has ended for good (the restart policy is "no"), after writing the exit code in
 * the record; a pidfd (pidfd_open(2), Linux 5.3) of the monitor becomes readable at that
 * moment, so the node's poll(2) wakes at once, with no timer and no polling. On a kernel
 * without pidfd_open the executor reads the monitor's liveness on each swarm_executor_poll.
 *
 * The executor keeps nothing on disk: the containers are the state. Their labels name the
 * node and the task (swarm-task-spec.h), so a node process that restarts finds its
 * containers again and adopts them (swarm_executor_open).
 */
#ifndef TINYDOCK_SWARM_EXECUTOR_H
#define TINYDOCK_SWARM_EXECUTOR_H

#include "swarm-dispatcher.h"

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

/* The grace period of a stop before SIGKILL: Docker's `--stop-grace-period` default. */
#define SWARM_STOP_GRACE_SECONDS 10

struct swarm_executor;

/* An executor for node node_id, whose tasks' published ports are reachable at host (the node's
 * address without the port). Finds the containers a previous run of the node left (by label)
 * and adopts them: a running one is watched again and reported RUNNING, an ended one reported
 * as it ended; the first sync removes those no longer assigned. 0, or -1 with the message. */
int swarm_executor_open(const char *node_id, const char *host, struct swarm_executor **out);

/* Reconcile with the full set of assignments (swarm-dispatcher.h): start what is desired
 * RUNNING and not running, stop what is desired SHUTDOWN, stop and remove containers of
 * tasks not in the set. Never blocks for long: pulling an image and starting or stopping a
 * container run in a child process; their outcome arrives through swarm_executor_poll. The
 * assignments are read during the call only. 0, or -1 with the message (out of memory, no
 * fork). */
int swarm_executor_sync(struct swarm_executor *ex, const struct swarm_assignment *assignments, size_t count);

/* The file descriptors the node's poll(2) should watch for the executor (POLLIN: a child's
 * progress, a child or a container's monitor ending): the first room of them into fds, and
 * how many there are in all (call again with more room when that is more). */
size_t swarm_executor_pollfds(struct swarm_executor *ex, struct pollfd *fds, size_t room);

/* One change of a task, for the dispatcher. */
struct swarm_task_report {
	uint64_t task;
	enum swarm_task_state state;
	char message[SWARM_MESSAGE_MAX];
	struct swarm_endpoint endpoints[SWARM_MAX_ENDPOINTS]; /* RUNNING: where its ports are */
	size_t endpoint_count;
};

/* What became of tasks since the last call (after one of the fds was ready, or a timer of the
 * node's passed; now is the node's clock in ms): one report per change, in order. *reports
 * malloc'd (free it; NULL when *count is 0). 0, or -1 with the message. */
int swarm_executor_poll(struct swarm_executor *ex, uint64_t now, struct swarm_task_report **reports, size_t *count);

/* The output of task's container on node node_id (its last tail lines; tail < 0: all), each
 * line without its newline, appended to lines: what `service logs` shows of the task. 0 (no
 * output yet: none added), or -1 with the message (no container of that task on the node). */
int swarm_task_logs(const char *node_id, uint64_t task, long tail, struct swarm_strings *lines);
/* The same for a task of the executor's node. */
int swarm_executor_logs(const struct swarm_executor *ex, uint64_t task, long tail, struct swarm_strings *lines);

/* The services' names for this node's tasks: lines ("VIP NAME" lines of hosts(5), from
 * swarm_mesh_hosts_lines) put into the /etc/hosts of every task that runs now, and of each
 * task that starts from now on, once it runs (swarm-vip-hosts.h). Lines equal to the last
 * ones change nothing; new ones replace the old ones in every task, so a task started before
 * a service was created finds it, and a service removed is gone from every task. Copied.
 * 0, or -1 with the message (out of memory); a container that cannot be written is said in
 * the node's log and skipped. */
int swarm_executor_name_services(struct swarm_executor *ex, const char *lines);

/* Stop and remove every task container of this node, and wait for it (leave, or the node was
 * asked to stop them): at most about SWARM_STOP_GRACE_SECONDS. Starts in progress are
 * abandoned first. 0, or -1 with the message (the others are still stopped). */
int swarm_executor_stop_all(struct swarm_executor *ex);

/* Let go of the executor: its containers go on under their monitors (a node that restarts
 * adopts them). A child still at work goes on while this process lives, and dies with it. */
void swarm_executor_close(struct swarm_executor *ex);

#endif
