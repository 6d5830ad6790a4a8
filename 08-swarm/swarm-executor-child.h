/*
 * swarm-executor-child.h - the executor's slow work, each piece in a child process of the node.
 *
 * Starting a task means finding its image (and pulling it: seconds, or a timeout), then
 * creating and starting its container; stopping one means SIGTERM and up to a grace period
 * before SIGKILL. The node process must go on heartbeating and answering meanwhile, so each
 * runs in a child of its own, forked from the node. The child says how far it got in notes,
 * each one whole write(2) on a pipe (pipe(7): a write of at most PIPE_BUF bytes is atomic, so
 * a note is never split or mixed with another). The node learns the child's end from a pidfd
 * of it, which poll(2) reports readable when the child exits.
 *
 * The child dies with the node (a node that restarts finds and adopts what it left, and must
 * not race a start of its former self), and starts clean of the node: its signals back to their defaults and unblocked
 * (a signal ignored or blocked by the node would stay so in the container's processes: an
 * ignored disposition survives execve(2)), stdin and stdout on /dev/null, and every file
 * descriptor of the node closed but stderr (the node's log) and the note pipe. That matters
 * beyond the child: the container's monitor is forked from it and outlives the node, and a
 * monitor holding the node's listening socket would keep the node's port taken after the
 * node died. The note pipe is close-on-exec, so the container's own processes never hold it.
 */
#ifndef TINYDOCK_SWARM_EXECUTOR_CHILD_H
#define TINYDOCK_SWARM_EXECUTOR_CHILD_H

#include "container.h"
#include "swarm-dispatcher.h"

#include <stdbool.h>
#include <sys/types.h>

/* One step of a child's work, as it tells the executor. */
struct swarm_executor_note {
	uint64_t task;
	enum swarm_task_state state;                          /* PREPARING, STARTING, RUNNING, FAILED,
								 REJECTED; SHUTDOWN when a stop is done */
	char message[SWARM_MESSAGE_MAX];
	char container[CONTAINER_ID_LENGTH + 1];              /* RUNNING: its id */
	struct swarm_endpoint endpoints[SWARM_MAX_ENDPOINTS]; /* RUNNING: where its ports are */
	size_t endpoint_count;
};

/* A child at work, as its parent holds it. */
struct swarm_executor_child {
	pid_t pid;          /* 0: none */
	int notes;          /* the pipe's read end, non-blocking */
	int exited;         /* a pidfd of the child (readable once it exited), or -1 */
};

/* Fork a child that starts assignment a's task on node node_id: the image found or pulled,
 * the container created and started under its monitor, its endpoints read back. Its notes:
 * PREPARING, STARTING, then RUNNING, or REJECTED ("No such image: NAME", or why the task
 * cannot be run here) or FAILED ("starting container failed: ..."), with nothing left behind.
 * 0 with *out, or -1 with the message. */
int swarm_executor_start_child(const struct swarm_assignment *a, const char *node_id, struct swarm_executor_child *out);

/* Fork a child that stops container (SIGTERM, SIGKILL after SWARM_STOP_GRACE_SECONDS) and
 * removes it; its one note, SHUTDOWN, says it is done. 0 with *out, or -1 with the message. */
int swarm_executor_stop_child(uint64_t task, const char *container, struct swarm_executor_child *out);

/* The next note of the child: 1 with *note, 0 when none is waiting. Never blocks. */
int swarm_executor_child_note(struct swarm_executor_child *child, struct swarm_executor_note *note);

/* Has the child exited? When it has, it is reaped (its notes can still be read). Never blocks. */
bool swarm_executor_child_done(struct swarm_executor_child *child);

/* Close what is left of a child (its pipe, its pidfd) once its notes are read. */
void swarm_executor_child_close(struct swarm_executor_child *child);

#endif
