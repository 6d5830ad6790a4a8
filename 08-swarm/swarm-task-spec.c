/*
 * swarm-task-spec.c - a task and its service's spec into a container's spec
 * (swarm-task-spec.h), each field as the `docker run` flag of the same meaning fills it.
 */
#include "swarm-task-spec.h"

#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int swarm_task_container_name(const struct swarm_task *task, const char *node_id, char *out, size_t size)
{
	int n = task->slot ? snprintf(out, size, "%s.%" PRIu32 ".%" PRIu64, task->service, task->slot, task->id)
			   : snprintf(out, size, "%s.%s.%" PRIu64, task->service, node_id, task->id);
	if (n < 0 || (size_t)n >= size)
		return fail_errno(ENAMETOOLONG, "task %" PRIu64 " of service \"%s\": container name too long", task->id,
				  task->service);
	return 0;
}

/* The service's command replaces the image's CMD (`docker service create IMAGE CMD...`, like
 * `docker run IMAGE CMD...`); without one, the image's CMD runs. */
static int command_of(const struct swarm_service_spec *service, struct swarm_task_spec *out)
{
	if (service->command.count == 0)
		return 0;
	out->command = calloc(service->command.count + 1, sizeof(char *));
	if (!out->command)
		return fail_errno(ENOMEM, "cannot build the command of service \"%s\"", service->name);
	for (size_t i = 0; i < service->command.count; i++)
		out->command[i] = service->command.items[i];
	out->spec.image.runtime.container.command = out->command;
	return 0;
}

static int env_of(const struct swarm_service_spec *service, struct container *c)
{
	if (service->env.count > MAX_ENV)
		return fail_errno(0, "too many environment variables (%zu, at most %d)", service->env.count, MAX_ENV);
	for (size_t i = 0; i < service->env.count; i++)
		c->env[c->env_count++] = service->env.items[i];
	return 0;
}

/* Each port's target published on this node. An ingress port (the default mode) goes through
 * the routing mesh, which listens on PUBLISHED on every node and forwards to the tasks'
 * endpoints: so the task's own host port is any free one, and two tasks of a service share a
 * node without a conflict. A mode=host port is the node's PUBLISHED port itself. */
static int ports_of(const struct swarm_service_spec *service, struct container *c)
{
	if (service->port_count > SWARM_MAX_ENDPOINTS)
		return fail_errno(0, "too many published ports (%zu, at most %d)", service->port_count, SWARM_MAX_ENDPOINTS);
	for (size_t i = 0; i < service->port_count; i++) {
		const struct swarm_port *p = &service->ports[i];
		if (p->udp)
			return fail_errno(0, "port %u/udp cannot be published here: the port proxy carries TCP only",
					  (unsigned)p->target);
		c->ports[c->port_count++] = (struct port_mapping){
			.host_ip = { .s_addr = htonl(INADDR_ANY) },
			.host_port = p->host_mode ? p->published : 0,
			.container_port = p->target,
		};
	}
	return 0;
}

static int labels_of(const struct swarm_task *task, const struct swarm_service_spec *service, const char *node_id,
		     struct swarm_task_spec *out)
{
	struct runtime_spec *r = &out->spec.image.runtime;
	if (service->labels.count + SWARM_TASK_LABELS > RUNTIME_MAX_LABELS)
		return fail_errno(0, "too many labels (%zu, at most %d)", service->labels.count,
				  RUNTIME_MAX_LABELS - SWARM_TASK_LABELS);
	/* The service's first, so that the swarm's own keys win over a service label of the same key. */
	for (size_t i = 0; i < service->labels.count; i++)
		if (runtime_add_label(r, service->labels.items[i]) < 0)
			return fail_context("label \"%s\"", service->labels.items[i]);
	snprintf(out->labels[0], sizeof(out->labels[0]), SWARM_LABEL_SERVICE_NAME "=%s", task->service);
	snprintf(out->labels[1], sizeof(out->labels[1]), SWARM_LABEL_TASK_ID "=%" PRIu64, task->id);
	snprintf(out->labels[2], sizeof(out->labels[2]), SWARM_LABEL_TASK_NAME "=%s", out->name);
	snprintf(out->labels[3], sizeof(out->labels[3]), SWARM_LABEL_NODE_ID "=%s", node_id);
	for (size_t i = 0; i < SWARM_TASK_LABELS; i++)
		if (runtime_add_label(r, out->labels[i]) < 0)
			return -1;
	return 0;
}

int swarm_task_spec(const struct swarm_task *task, const struct swarm_service_spec *service, const char *node_id,
                    struct swarm_task_spec *out)
{
	memset(out, 0, sizeof(*out));
	struct runtime_spec *r = &out->spec.image.runtime;
	struct container *c = &r->container;
	container_init(c); /* the default bridge network, Docker's confinement, in place (c->command
			      points into c) */
	if (swarm_task_container_name(task, node_id, out->name, sizeof(out->name)) < 0)
		return -1;
	c->name = out->name;
	r->detach = true;
	r->image = service->image;
	out->spec.image.name = service->image;
	/* restart "no": a task that ends is over; the orchestrator decides whether its slot gets a
	 * new task (the service's restart policy), and where. */
	r->restart = (struct restart_policy){ .mode = RESTART_NO };
	r->limits.nano_cpus = service->limit_nano_cpus;
	r->limits.memory = service->limit_memory_bytes;
	if (command_of(service, out) < 0 || env_of(service, c) < 0 || ports_of(service, c) < 0 ||
	    labels_of(task, service, node_id, out) < 0) {
		swarm_task_spec_free(out);
		return -1;
	}
	return 0;
}

void swarm_task_spec_free(struct swarm_task_spec *out)
{
	free(out->command);
	out->command = NULL;
}

int swarm_task_of_labels(char *const *labels, size_t count, const char *node_id, uint64_t *task)
{
	static const char NODE[] = SWARM_LABEL_NODE_ID "=", TASK[] = SWARM_LABEL_TASK_ID "=";
	bool ours = false, found = false;
	for (size_t i = 0; i < count; i++) {
		if (strncmp(labels[i], NODE, sizeof(NODE) - 1) == 0)
			ours = strcmp(labels[i] + sizeof(NODE) - 1, node_id) == 0;
		else if (strncmp(labels[i], TASK, sizeof(TASK) - 1) == 0) {
			const char *digits = labels[i] + sizeof(TASK) - 1;
			char *end;
			errno = 0;
			unsigned long long id = strtoull(digits, &end, 10);
			found = digits[0] >= '1' && digits[0] <= '9' && *end == '\0' && errno == 0;
			*task = id;
		}
	}
	return ours && found ? 1 : 0;
}
