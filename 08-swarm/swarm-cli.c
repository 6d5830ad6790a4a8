/*
 * swarm-cli.c - what the swarm's commands share: reading the state, proposing a command,
 * finding a service, and watching a service converge.
 */
#include "swarm-cli.h"
#include "error.h"
#include "json.h"
#include "swarm-constraint.h"
#include "swarm-control.h"
#include "swarm-print.h"

#include "cli.h"
#include "swarm-frame.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t swarm_cli_now_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/* This machine's node id, from {"op":"info"}: a worker relays `state` from a manager, whose
 * answer names the manager as "self", while `node ls` marks the node it was asked on. */
static void take_own_id(struct swarm_state *state)
{
	char *reply;
	if (swarm_control_call("{\"op\":\"info\"}", &reply, SWARM_CLI_STATE_TIMEOUT_MS) < 0) {
		error_clear(); /* the state's own "self" stays */
		return;
	}
	struct json *root = json_parse(reply, strlen(reply));
	const char *id = json_get_string(root, "node");
	if (id && id[0])
		swarm_copy_name(state->self, sizeof(state->self), id);
	json_free(root);
	free(reply);
	error_clear();
}

int swarm_cli_state(struct swarm_state *state)
{
	char *reply;
	if (swarm_control_call("{\"op\":\"state\"}", &reply, SWARM_CLI_STATE_TIMEOUT_MS) < 0)
		return -1;
	int rc = swarm_state_read(reply, strlen(reply), state);
	free(reply);
	if (rc == 0)
		take_own_id(state);
	return rc;
}

/* The leader answers a proposal once it applied it; this machine's node, when it is another
 * manager, applies it a heartbeat later. Wait (a few seconds at most) until its state holds
 * entry index, so that what the command reads next, and the next command, sees the change:
 * `service create` watching a service its node does not know yet, or `service update` right
 * after `rollback` changing a copy of the spec from before it. A node that does not say what it
 * applied is not waited for; one that falls behind longer is read as it is (the change is
 * committed all the same). */
static void wait_until_applied_here(uint64_t index)
{
	uint64_t deadline = swarm_monotonic_ms() + SWARM_CLI_STATE_TIMEOUT_MS;
	for (;;) {
		struct swarm_state state;
		if (swarm_cli_state(&state) < 0) {
			error_clear();
			return;
		}
		bool here = state.applied_index == 0 || state.applied_index >= index;
		swarm_state_free(&state);
		if (here || swarm_monotonic_ms() > deadline)
			return;
		struct timespec pause = { 0, 20 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
}

int swarm_cli_propose(const struct swarm_command *command)
{
	size_t size;
	char *bytes = swarm_command_encode(command, &size);
	if (!bytes)
		return -1;
	static const char head[] = "{\"op\":\"propose\",\"command\":";
	char *request = malloc(sizeof(head) + size + 2);
	if (!request) {
		free(bytes);
		return fail_errno(ENOMEM, "cannot write the request");
	}
	snprintf(request, sizeof(head) + size + 2, "%s%s}", head, bytes);
	free(bytes);
	char *reply;
	int rc = swarm_control_call(request, &reply, SWARM_CLI_PROPOSE_TIMEOUT_MS);
	free(request);
	if (rc < 0)
		return -1;
	rc = swarm_control_reply_ok(reply);
	int64_t index = 0;
	struct json *answer = rc == 0 ? json_parse(reply, strlen(reply)) : NULL;
	if (answer && json_int64(json_get(answer, "index"), &index) < 0)
		index = 0;
	json_free(answer);
	free(reply);
	if (rc == 0 && index > 0)
		wait_until_applied_here((uint64_t)index);
	return rc;
}

const struct swarm_service *swarm_cli_find_service(const struct swarm_state *state, const char *ref)
{
	const struct swarm_store *s = &state->store;
	const struct swarm_service *found = swarm_store_service(s, ref);
	if (found)
		return found;
	size_t length = strlen(ref), matches = 0;
	for (size_t i = 0; length && i < s->service_count; i++) {
		char id[SWARM_SERVICE_ID_SIZE];
		swarm_service_id(s->services[i].spec.name, id);
		if (strncmp(id, ref, length) == 0) {
			found = &s->services[i];
			matches++;
		}
	}
	if (matches == 1)
		return found;
	fail_errno(0, matches ? "service %s is ambiguous (%zu matches)" : "service %s not found", ref, matches);
	return NULL;
}

int swarm_cli_listing_flags(const char *command, int argc, char **argv, const char *const *filter_keys,
			    struct swarm_cli_listing *l, int *first)
{
	static const struct option options[] = { { "quiet", no_argument, NULL, 'q' },
						 { "no-trunc", no_argument, NULL, 'T' },
						 { "format", required_argument, NULL, 'F' },
						 { "filter", required_argument, NULL, 'f' },
						 { "pretty", no_argument, NULL, 'P' },
						 { NULL, 0, NULL, 0 } };
	*l = (struct swarm_cli_listing){ 0 };
	optind = 0;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "qf:", options, NULL)) != -1;) {
		if (opt == 'q') {
			l->list.quiet = cli_flag_on(optarg);
		} else if (opt == 'T') {
			l->list.no_trunc = cli_flag_on(optarg);
		} else if (opt == 'F' || (opt == 'f' && !filter_keys)) {
			l->list.format = optarg;
		} else if (opt == 'f') {
			if (filters_add(&l->filters, optarg, filter_keys) < 0) {
				int code = usage_error(command, "%s", error_message());
				swarm_cli_listing_free(l);
				return code;
			}
			l->list.filters = &l->filters;
		} else if (opt == 'P') {
			l->pretty = cli_flag_on(optarg);
		} else {
			swarm_cli_listing_free(l);
			return usage_error(command, "unknown flag, or a flag without its value: %s", argv[optind - 1]);
		}
	}
	*first = optind;
	return 0;
}

void swarm_cli_listing_free(struct swarm_cli_listing *l)
{
	filters_free(&l->filters);
	l->list.filters = NULL;
}

/* --- converging ----------------------------------------------------------------------------- */

/* Where a service's tasks stand: how many of its current spec run, how many are wanted, and
 * whether tasks of an older spec still run (a rolling update not done). */
struct progress {
	size_t running, wanted;
	bool old_running;
};

static struct progress progress_of(const struct swarm_store *store, const struct swarm_service *service)
{
	struct progress p = { 0 };
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *t = &store->tasks[i];
		if (strcmp(t->service, service->spec.name) != 0 || t->desired != SWARM_TASK_RUNNING)
			continue;
		if (t->service_version != service->version) {
			p.old_running = p.old_running || t->observed == SWARM_TASK_RUNNING;
			continue;
		}
		p.running += t->observed == SWARM_TASK_RUNNING;
	}
	if (service->spec.mode == SWARM_REPLICATED) {
		p.wanted = service->spec.replicas;
		return p;
	}
	/* global: one task on every node that may take it (ready, active, within the constraints) */
	for (size_t i = 0; i < store->node_count; i++) {
		const struct swarm_node *n = &store->nodes[i];
		p.wanted += n->status == SWARM_NODE_READY && n->spec.availability == SWARM_ACTIVE &&
			    swarm_constraints_match(&service->spec.constraints, &n->spec);
	}
	return p;
}

/* The newest task of slot that runs the service's current spec, or NULL (during an update, a
 * slot not replaced yet). */
static const struct swarm_task *slot_task(const struct swarm_store *store, const struct swarm_service *service,
					  uint32_t slot)
{
	const struct swarm_task *newest = NULL;
	for (size_t i = 0; i < store->task_count; i++) {
		const struct swarm_task *t = &store->tasks[i];
		if (t->slot == slot && t->service_version == service->version &&
		    strcmp(t->service, service->spec.name) == 0 && (!newest || t->id > newest->id))
			newest = t;
	}
	return newest;
}

/* Docker's progress, one line per change (a terminal or not, nothing is redrawn):
 *     overall progress: 1 out of 3 tasks
 *     1/3: running
 *     verify: Service converged */
int swarm_cli_converge(const char *name, int timeout_ms, FILE *out)
{
	uint64_t deadline = swarm_monotonic_ms() + (uint64_t)timeout_ms;
	size_t shown_running = SIZE_MAX;
	enum swarm_task_state *shown = NULL;
	size_t shown_count = 0;
	int rc = -1;
	for (;;) {
		struct swarm_state state;
		if (swarm_cli_state(&state) < 0)
			break;
		const struct swarm_service *service = swarm_store_service(&state.store, name);
		if (!service) {
			fail_errno(0, "service %s was removed while its tasks were watched", name);
			swarm_state_free(&state);
			break;
		}
		struct progress p = progress_of(&state.store, service);
		if (p.running != shown_running) {
			fprintf(out, "overall progress: %zu out of %zu tasks\n", p.running, p.wanted);
			shown_running = p.running;
		}
		if (service->spec.mode == SWARM_REPLICATED && p.wanted != shown_count) {
			enum swarm_task_state *grown = realloc(shown, (p.wanted + 1) * sizeof(*grown));
			if (!grown) {
				fail_errno(ENOMEM, "cannot follow the tasks");
				swarm_state_free(&state);
				break;
			}
			shown = grown;
			for (size_t i = shown_count; i < p.wanted; i++)
				shown[i] = (enum swarm_task_state)-1;
			shown_count = p.wanted;
		}
		for (uint32_t slot = 1; service->spec.mode == SWARM_REPLICATED && slot <= p.wanted; slot++) {
			const struct swarm_task *t = slot_task(&state.store, service, slot);
			if (t && t->observed != shown[slot - 1]) {
				bool why = t->observed == SWARM_TASK_FAILED || t->observed == SWARM_TASK_REJECTED;
				fprintf(out, "%" PRIu32 "/%zu: %s%s%s\n", slot, p.wanted, swarm_task_state_name(t->observed),
					why ? ": " : "", why ? t->message : "");
				shown[slot - 1] = t->observed;
			}
		}
		fflush(out);
		swarm_state_free(&state);
		if (p.running == p.wanted && !p.old_running) {
			fprintf(out, "verify: Service %s converged\n", name);
			rc = 0;
			break;
		}
		if (swarm_monotonic_ms() >= deadline) {
			fail_errno(0, "service %s did not converge in %d s (%zu of %zu tasks running): it stays as asked; "
				      "`tinydock service ps %s` shows its tasks", name, timeout_ms / 1000, p.running, p.wanted, name);
			break;
		}
		poll(NULL, 0, 100); /* the next look at the tasks: a state costs a few ms */
	}
	free(shown);
	return rc;
}
