/*
 * swarm-executor.c - the worker's bookkeeping: which task is where, what the children said,
 * which monitors ended, and the reports for the dispatcher (swarm-executor.h).
 *
 * One entry per task the executor knows, in one of the phases of swarm-executor-plan.h:
 *
 *   sync: START -> STARTING --child: RUNNING--> RUNNING --its monitor exits--> ENDED
 *                     |                           |                               |
 *                     | child: FAILED, REJECTED   | sync: STOP, REMOVE            | sync: REMOVE
 *                     v                           v                               |
 *                   GONE <---child: stopped--- STOPPING <-------------------------'
 *
 * A GONE task is forgotten once the swarm no longer assigns it here.
 *
 * A RUNNING task's /etc/hosts also gets the services' names (swarm_executor_name_services):
 * each entry remembers which version of the names it has, so a task that comes to run, or a
 * new set of names, is written once, right after the poll or the call that brought it.
 *
 * Everything slow happens in children (swarm-executor-child.h); every end is noticed through
 * a file descriptor (a child's pidfd, a monitor's pidfd: swarm-executor-watch.h), so the
 * executor needs no timer of its own and never blocks the node, except in stop_all, which
 * the node calls when it is going away anyway.
 */
#include "swarm-executor.h"

#include "container-store.h"
#include "error.h"
#include "explain.h"
#include "grow.h"
#include "swarm-executor-child.h"
#include "swarm-executor-plan.h"
#include "swarm-executor-watch.h"
#include "swarm-task-spec.h"
#include "swarm-vip-hosts.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CHAPTER[] = "08-swarm";

struct task_entry {
	uint64_t task;
	enum swarm_executor_phase phase;
	char name[CONTAINER_NAME_MAX + 1];        /* its container's name (known from the start) */
	char container[CONTAINER_ID_LENGTH + 1];  /* its container's id, "" until there is one */
	struct swarm_executor_child child;        /* the child at work for it (pid 0: none) */
	bool final_note;                          /* the child said how its work ended */
	struct swarm_watch watch;                 /* RUNNING: its monitor */
	bool assigned;                            /* in the last set of assignments */
	bool stop_wanted;                         /* a stop came while its start was under way */
	bool say_shutdown;                        /* stopped because desired SHUTDOWN: report it */
	bool forget;                              /* nothing more to do: drop the entry */
	unsigned named;                           /* the version of the services' names it has */
};

struct swarm_executor {
	char node[SWARM_NAME_MAX];
	char host[SWARM_NAME_MAX];
	struct task_entry *tasks;
	size_t task_count, task_capacity;
	struct swarm_task_report *reports;
	size_t report_count, report_capacity;
	char *service_hosts;                      /* the services' hosts lines (NULL: none known yet) */
	unsigned service_hosts_version;           /* one more at each change: 0 before the first */
};

/* --- entries and reports ------------------------------------------------------------------------ */

/* A failure that must not stop the node's loop (one task's trouble is not the others'): said
 * in the node's log (its stderr), as the node's other lines are, and forgotten. */
static void log_failure(const struct swarm_executor *ex)
{
	fprintf(stderr, "tinydock: node %s: %s\n", ex->node, error_message());
	error_clear();
}

static struct task_entry *find_task(struct swarm_executor *ex, uint64_t task)
{
	for (size_t i = 0; i < ex->task_count; i++)
		if (ex->tasks[i].task == task)
			return &ex->tasks[i];
	return NULL;
}

static struct task_entry *add_task(struct swarm_executor *ex, uint64_t task, enum swarm_executor_phase phase)
{
	if (grow_array((void **)&ex->tasks, &ex->task_capacity, ex->task_count + 1, sizeof(*ex->tasks),
		       "the executor's tasks") < 0)
		return NULL;
	struct task_entry *e = &ex->tasks[ex->task_count++];
	*e = (struct task_entry){ .task = task, .phase = phase };
	e->child = (struct swarm_executor_child){ .notes = -1, .exited = -1 };
	e->watch = (struct swarm_watch){ .fd = -1 };
	return e;
}

/* Drop the entries marked forget, once their child is reaped (a child that has said its last
 * note may not have exited yet: its entry keeps its pid and fds until then). */
static void drop_forgotten(struct swarm_executor *ex)
{
	size_t kept = 0;
	for (size_t i = 0; i < ex->task_count; i++) {
		struct task_entry *e = &ex->tasks[i];
		if (e->forget && e->child.pid <= 0 && e->child.notes < 0)
			swarm_watch_end(&e->watch);
		else
			ex->tasks[kept++] = *e;
	}
	ex->task_count = kept;
}

static int report(struct swarm_executor *ex, uint64_t task, enum swarm_task_state state, const char *message,
		  const struct swarm_endpoint *endpoints, size_t endpoint_count)
{
	if (grow_array((void **)&ex->reports, &ex->report_capacity, ex->report_count + 1, sizeof(*ex->reports),
		       "the executor's reports") < 0)
		return -1;
	struct swarm_task_report *r = &ex->reports[ex->report_count++];
	*r = (struct swarm_task_report){ .task = task, .state = state };
	snprintf(r->message, sizeof(r->message), "%s", message);
	for (size_t i = 0; i < endpoint_count && i < SWARM_MAX_ENDPOINTS; i++)
		r->endpoints[r->endpoint_count++] = endpoints[i];
	return 0;
}

/* The end of a task whose container ended: reported as its record says (COMPLETE, FAILED). */
static int report_end(struct swarm_executor *ex, struct task_entry *e)
{
	enum swarm_task_state state;
	char message[SWARM_MESSAGE_MAX];
	if (swarm_watch_outcome(e->container, &state, message) < 0) {
		state = SWARM_TASK_FAILED;
		snprintf(message, sizeof(message), "task: its container was removed: %s", error_message());
		error_clear();
		e->container[0] = '\0';
	}
	e->phase = e->container[0] ? SWARM_EXEC_ENDED : SWARM_EXEC_GONE;
	return report(ex, e->task, state, message, NULL, 0);
}

/* Watch e's running container; if it has ended already, report how. */
static int watch(struct swarm_executor *ex, struct task_entry *e)
{
	e->phase = SWARM_EXEC_RUNNING;
	int rc = swarm_watch_begin(e->container, &e->watch);
	if (rc == 0)
		return 0;
	if (rc < 0)
		log_failure(ex); /* what the record says is reported all the same */
	return report_end(ex, e);
}

/* --- stopping ----------------------------------------------------------------------------------- */

/* e is over here: reported SHUTDOWN if the swarm asked for that, forgotten once unassigned. */
static int stopped(struct swarm_executor *ex, struct task_entry *e)
{
	e->phase = SWARM_EXEC_GONE;
	e->container[0] = '\0';
	e->forget = !e->assigned;
	if (e->say_shutdown && e->assigned)
		return report(ex, e->task, SWARM_TASK_SHUTDOWN, "shutdown", NULL, 0);
	return 0;
}

/* Stop and remove e's container, in a child. A start under way finishes first, and so does a
 * start child that has said RUNNING but is not reaped yet: one child per task at a time. */
static int begin_stop(struct swarm_executor *ex, struct task_entry *e)
{
	if (e->phase == SWARM_EXEC_STARTING || e->child.pid > 0 || e->child.notes >= 0) {
		e->stop_wanted = true;
		return 0;
	}
	if (!e->container[0])
		return stopped(ex, e);
	if (swarm_executor_stop_child(e->task, e->container, &e->child) < 0)
		return -1; /* left as it is: the next sync asks again */
	swarm_watch_end(&e->watch); /* the end to come is ours: not reported as the task's */
	e->phase = SWARM_EXEC_STOPPING;
	e->final_note = false;
	return 0;
}

/* --- sync --------------------------------------------------------------------------------------- */

static int start(struct swarm_executor *ex, const struct swarm_assignment *a)
{
	struct task_entry *e = add_task(ex, a->task, SWARM_EXEC_STARTING);
	if (!e)
		return -1;
	e->assigned = true;
	if (report(ex, a->task, SWARM_TASK_ACCEPTED, "accepted", NULL, 0) < 0)
		return -1;
	if (swarm_task_container_name(a->record, ex->node, e->name, sizeof(e->name)) < 0 ||
	    swarm_executor_start_child(a, ex->node, &e->child) < 0) {
		char message[SWARM_MESSAGE_MAX];
		snprintf(message, sizeof(message), "starting container failed: %s", error_message());
		error_clear();
		e->phase = SWARM_EXEC_GONE;
		return report(ex, a->task, SWARM_TASK_FAILED, message, NULL, 0);
	}
	return 0;
}

static int act(struct swarm_executor *ex, const struct swarm_assignment *assignments,
	       const struct swarm_executor_action *action)
{
	struct task_entry *e = find_task(ex, action->task);
	switch (action->kind) {
	case SWARM_EXEC_START:
		return start(ex, &assignments[action->assignment]);
	case SWARM_EXEC_STOP:
		e->say_shutdown = true;
		return begin_stop(ex, e);
	case SWARM_EXEC_REMOVE:
		e->say_shutdown = false;
		return begin_stop(ex, e);
	case SWARM_EXEC_FORGET:
		e->forget = true;
		return 0;
	case SWARM_EXEC_SAY_SHUTDOWN:
		return report(ex, action->task, SWARM_TASK_SHUTDOWN, "shutdown", NULL, 0);
	case SWARM_EXEC_SAY_LOST:
		/* Remembered as gone, so that it is said once, not at every sync until the swarm
		 * has heard it. */
		if (!(e = add_task(ex, action->task, SWARM_EXEC_GONE)))
			return -1;
		e->assigned = true;
		return report(ex, action->task, SWARM_TASK_FAILED, "task: its container is gone from this node", NULL, 0);
	}
	return 0;
}

int swarm_executor_sync(struct swarm_executor *ex, const struct swarm_assignment *assignments, size_t count)
{
	struct swarm_executor_known *known = calloc(ex->task_count + 1, sizeof(*known));
	if (!known)
		return fail_errno(ENOMEM, "cannot reconcile the node's tasks");
	for (size_t i = 0; i < ex->task_count; i++) {
		struct task_entry *e = &ex->tasks[i];
		known[i] = (struct swarm_executor_known){ e->task, e->phase };
		e->assigned = false;
		for (size_t j = 0; j < count && !e->assigned; j++)
			e->assigned = assignments[j].task == e->task;
		if (e->assigned)
			e->forget = false; /* assigned again before its entry was dropped: kept */
	}
	struct swarm_executor_action *actions;
	size_t action_count;
	int rc = swarm_executor_plan(assignments, count, known, ex->task_count, &actions, &action_count);
	free(known);
	/* Each action finds its entry by task id: a START may move the table (it grows). */
	for (size_t i = 0; rc == 0 && i < action_count; i++)
		if (act(ex, assignments, &actions[i]) < 0)
			log_failure(ex); /* the others still get done; the next sync tries again */
	free(actions);
	drop_forgotten(ex);
	return rc;
}

/* --- the services' names ------------------------------------------------------------------------ */

/* Every running task that has not the latest names gets them. A task whose container cannot
 * be written (removed meanwhile) is said in the log once, not at every poll: the next change
 * of the names tries it again. */
static void name_running_tasks(struct swarm_executor *ex)
{
	if (!ex->service_hosts)
		return;
	for (size_t i = 0; i < ex->task_count; i++) {
		struct task_entry *e = &ex->tasks[i];
		if (e->phase != SWARM_EXEC_RUNNING || !e->container[0] || e->named == ex->service_hosts_version)
			continue;
		e->named = ex->service_hosts_version;
		explain(CHAPTER, "task %" PRIu64 ": the services' names into the /etc/hosts of container %.12s", e->task,
			e->container);
		if (swarm_vip_hosts_install(e->container, ex->service_hosts) < 0)
			log_failure(ex);
	}
}

int swarm_executor_name_services(struct swarm_executor *ex, const char *lines)
{
	if (ex->service_hosts && strcmp(ex->service_hosts, lines) == 0)
		return 0;
	char *copy = strdup(lines);
	if (!copy)
		return fail_errno(ENOMEM, "cannot keep the services' names");
	free(ex->service_hosts);
	ex->service_hosts = copy;
	ex->service_hosts_version++;
	name_running_tasks(ex);
	return 0;
}

/* --- poll --------------------------------------------------------------------------------------- */

size_t swarm_executor_pollfds(struct swarm_executor *ex, struct pollfd *fds, size_t room)
{
	size_t n = 0;
	for (size_t i = 0; i < ex->task_count; i++) {
		const struct task_entry *e = &ex->tasks[i];
		int watched[] = { e->child.notes, e->child.exited, e->watch.fd };
		for (size_t k = 0; k < sizeof(watched) / sizeof(watched[0]); k++) {
			if (watched[k] < 0)
				continue;
			if (n < room)
				fds[n] = (struct pollfd){ .fd = watched[k], .events = POLLIN };
			n++;
		}
	}
	return n;
}

/* One note of e's child. */
static int take_note(struct swarm_executor *ex, struct task_entry *e, const struct swarm_executor_note *n)
{
	switch (n->state) {
	case SWARM_TASK_RUNNING:
		e->final_note = true;
		snprintf(e->container, sizeof(e->container), "%s", n->container);
		for (size_t i = 0; i < n->endpoint_count; i++)
			explain(CHAPTER, "task %" PRIu64 " runs in container %.12s: its port %u/tcp is %s:%u", e->task,
				e->container, (unsigned)n->endpoints[i].target, ex->host, (unsigned)n->endpoints[i].published);
		if (report(ex, e->task, SWARM_TASK_RUNNING, n->message, n->endpoints, n->endpoint_count) < 0)
			return -1;
		return watch(ex, e);
	case SWARM_TASK_FAILED:
	case SWARM_TASK_REJECTED:
		e->final_note = true;
		e->phase = SWARM_EXEC_GONE; /* the child removed what it made */
		return report(ex, e->task, n->state, n->message, NULL, 0);
	case SWARM_TASK_SHUTDOWN:
		e->final_note = true;
		return stopped(ex, e);
	default: /* PREPARING, STARTING */
		return report(ex, e->task, n->state, n->message, NULL, 0);
	}
}

/* e's child has exited (its notes all read). */
static int child_ended(struct swarm_executor *ex, struct task_entry *e)
{
	swarm_executor_child_close(&e->child);
	bool said = e->final_note;
	e->final_note = false;
	if (e->phase == SWARM_EXEC_STOPPING && !said) {
		/* the stop failed (the child said why in the node's log): as it was, for the next
		 * sync to stop it again */
		return watch(ex, e);
	}
	if (e->phase == SWARM_EXEC_STARTING && !said) {
		/* The child died before it said how the start ended: what it left, if anything, is
		 * found by the container's name and removed with the task. */
		char id[CONTAINER_ID_LENGTH + 1];
		if (container_resolve(e->name, id) == 0)
			snprintf(e->container, sizeof(e->container), "%s", id);
		error_clear();
		e->phase = e->container[0] ? SWARM_EXEC_ENDED : SWARM_EXEC_GONE;
		if (report(ex, e->task, SWARM_TASK_FAILED, "task: its start was interrupted", NULL, 0) < 0)
			return -1;
	}
	if (e->stop_wanted) {
		/* asked to stop while it started: stopped now (a start that failed has ended already,
		 * and said so) */
		e->stop_wanted = false;
		if (e->phase == SWARM_EXEC_RUNNING || e->phase == SWARM_EXEC_ENDED)
			return begin_stop(ex, e);
	}
	if (e->phase == SWARM_EXEC_GONE && !e->assigned)
		e->forget = true;
	return 0;
}

static int poll_task(struct swarm_executor *ex, struct task_entry *e)
{
	struct swarm_executor_note n;
	if (e->child.pid > 0 || e->child.notes >= 0) {
		bool done = swarm_executor_child_done(&e->child); /* before the notes: none comes after */
		while (swarm_executor_child_note(&e->child, &n) == 1)
			if (take_note(ex, e, &n) < 0)
				return -1;
		if (done && child_ended(ex, e) < 0)
			return -1;
	}
	if (e->phase == SWARM_EXEC_RUNNING && e->watch.monitor > 0 && swarm_watch_ended(&e->watch)) {
		explain(CHAPTER, "task %" PRIu64 ": the monitor %d of container %.12s has exited", e->task,
			(int)e->watch.monitor, e->container);
		swarm_watch_end(&e->watch);
		return report_end(ex, e);
	}
	return 0;
}

int swarm_executor_poll(struct swarm_executor *ex, uint64_t now, struct swarm_task_report **reports, size_t *count)
{
	(void)now; /* every change arrives through a file descriptor: no timer of ours is due */
	int rc = 0;
	for (size_t i = 0; i < ex->task_count; i++)
		if (poll_task(ex, &ex->tasks[i]) < 0) {
			rc = -1;
			break;
		}
	drop_forgotten(ex);
	name_running_tasks(ex); /* a task that has just come to run */
	*reports = ex->reports;
	*count = ex->report_count;
	ex->reports = NULL;
	ex->report_count = ex->report_capacity = 0;
	return rc;
}

int swarm_executor_logs(const struct swarm_executor *ex, uint64_t task, long tail, struct swarm_strings *lines)
{
	return swarm_task_logs(ex->node, task, tail, lines);
}

/* --- open, stop_all, close ---------------------------------------------------------------------- */

/* Call found(ex, record, task) for each container that is a task of this node. */
static int each_container(struct swarm_executor *ex,
			  int (*found)(struct swarm_executor *ex, const struct container_record *r, uint64_t task))
{
	char **ids;
	size_t count;
	if (container_list(&ids, &count) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < count; i++) {
		struct container_record r;
		if (container_record_load(ids[i], &r) < 0) {
			error_clear(); /* removed meanwhile */
			continue;
		}
		uint64_t task;
		if (swarm_task_of_labels(r.labels.items, r.labels.count, ex->node, &task) == 1)
			rc = found(ex, &r, task);
		container_record_free(&r);
	}
	container_list_free(ids, count);
	return rc;
}

/* A container of an earlier run of this node: watched again if it runs (and said RUNNING,
 * with its endpoints: a node that restarted may have died before it reported), else its end
 * said. The first sync stops and removes those the swarm no longer assigns here. */
static int adopt(struct swarm_executor *ex, const struct container_record *r, uint64_t task)
{
	if (find_task(ex, task))
		return 0; /* two containers of one task cannot be: names are unique */
	struct task_entry *e = add_task(ex, task, SWARM_EXEC_RUNNING);
	if (!e)
		return -1;
	snprintf(e->name, sizeof(e->name), "%s", r->name);
	snprintf(e->container, sizeof(e->container), "%s", r->id);
	int rc = swarm_watch_begin(r->id, &e->watch);
	if (rc != 0) {
		if (rc < 0)
			log_failure(ex);
		return report_end(ex, e);
	}
	struct swarm_endpoint endpoints[SWARM_MAX_ENDPOINTS];
	size_t n = 0;
	for (size_t i = 0; i < r->bound_count && n < SWARM_MAX_ENDPOINTS; i++)
		endpoints[n++] = (struct swarm_endpoint){ .target = r->bound[i].container_port,
							  .published = r->bound[i].host_port };
	return report(ex, task, SWARM_TASK_RUNNING, "started", endpoints, n);
}

int swarm_executor_open(const char *node_id, const char *host, struct swarm_executor **out)
{
	struct swarm_executor *ex = calloc(1, sizeof(*ex));
	if (!ex)
		return fail_errno(ENOMEM, "cannot make the executor of node %s", node_id);
	swarm_copy_name(ex->node, sizeof(ex->node), node_id);
	swarm_copy_name(ex->host, sizeof(ex->host), host ? host : "");
	if (each_container(ex, adopt) < 0) {
		fail_context("node %s: cannot adopt its containers", node_id);
		swarm_executor_close(ex);
		return -1;
	}
	*out = ex;
	return 0;
}

/* For stop_all: a stop child for one container of this node. */
static int stop_one(struct swarm_executor *ex, const struct container_record *r, uint64_t task)
{
	struct task_entry *e = find_task(ex, task);
	if (!e && !(e = add_task(ex, task, SWARM_EXEC_ENDED)))
		return -1;
	if (e->phase == SWARM_EXEC_STOPPING)
		return 0; /* being stopped already */
	snprintf(e->container, sizeof(e->container), "%s", r->id);
	e->phase = SWARM_EXEC_ENDED; /* so begin_stop stops it now */
	return begin_stop(ex, e);
}

static void wait_for_child(struct task_entry *e)
{
	if (e->child.pid > 0)
		while (waitpid(e->child.pid, NULL, 0) < 0 && errno == EINTR)
			;
	e->child.pid = 0;
}

int swarm_executor_stop_all(struct swarm_executor *ex)
{
	/* Starts under way are abandoned (what they made is found by its labels below), and the
	 * start children that are done are reaped: only stop children are left. */
	for (size_t i = 0; i < ex->task_count; i++) {
		struct task_entry *e = &ex->tasks[i];
		if (e->phase != SWARM_EXEC_STOPPING) {
			if (e->phase == SWARM_EXEC_STARTING && e->child.pid > 0)
				kill(e->child.pid, SIGKILL);
			wait_for_child(e);
			swarm_executor_child_close(&e->child);
			e->stop_wanted = false;
		}
		swarm_watch_end(&e->watch);
		e->say_shutdown = true;
	}
	/* Every container with this node's label stopped at once, each in its own child. */
	struct error_saved failure = { 0 };
	int rc = each_container(ex, stop_one);
	if (rc < 0)
		error_save(&failure);
	for (size_t i = 0; i < ex->task_count; i++) {
		struct task_entry *e = &ex->tasks[i];
		wait_for_child(e);
		struct swarm_executor_note n;
		while (swarm_executor_child_note(&e->child, &n) == 1)
			if (take_note(ex, e, &n) < 0)
				log_failure(ex);
		swarm_executor_child_close(&e->child);
		if (e->phase == SWARM_EXEC_STOPPING && rc == 0) {
			rc = fail_errno(0, "task %" PRIu64 ": its container %.12s could not be stopped", e->task, e->container);
			error_save(&failure);
		}
		e->forget = true;
	}
	drop_forgotten(ex);
	return rc < 0 ? error_restore(&failure) : 0;
}

void swarm_executor_close(struct swarm_executor *ex)
{
	if (!ex)
		return;
	for (size_t i = 0; i < ex->task_count; i++) {
		swarm_watch_end(&ex->tasks[i].watch);
		swarm_executor_child_done(&ex->tasks[i].child); /* reaped if it has exited */
		swarm_executor_child_close(&ex->tasks[i].child);
	}
	free(ex->tasks);
	free(ex->reports);
	free(ex->service_hosts);
	free(ex);
}
