/*
 * swarm-task-spec.h - one task of a service, as the spec of one container on its node.
 *
 * A task is the swarm's unit of work: "run one container of service web, in slot 2, on this
 * node". The worker that is given it runs it as any other container: the same spec that
 * `run`'s flags fill (chapter 06's volume_spec, which embeds chapters 05, 03 and 02), filled
 * from the service's spec as `docker service create`'s flags describe it:
 *
 *     the service's           the container's                       `docker run` flag
 *     image                   image_spec.name, runtime_spec.image   IMAGE
 *     command                 container.command                     CMD (the image's CMD replaced;
 *                                                                   its ENTRYPOINT kept, as Docker)
 *     env                     container.env                         -e
 *     limit_nano_cpus         runtime_spec.limits.nano_cpus         --cpus
 *     limit_memory_bytes      runtime_spec.limits.memory            -m
 *     labels                  runtime_spec.labels                   -l (with the swarm's, below)
 *     ports (target)          container.ports, host port 0          -p TARGET: a free port of this
 *                                                                   node, the kernel's pick, on all
 *                                                                   its addresses (other nodes come
 *                                                                   through its address, its own
 *                                                                   mesh through either); the task
 *                                                                   reports it (its endpoint)
 *     ports (mode=host)       container.ports, host port PUBLISHED  -p PUBLISHED:TARGET
 *     (none)                  restart policy "no"                   the swarm restarts a task by
 *                                                                   making a new one, never the runtime
 *     (none)                  the default bridge network            (no --network)
 *
 * Its name is SERVICE.SLOT.TASKID as Docker names task containers ("web.2.7"; a global
 * service's task has no slot: SERVICE.NODEID.TASKID), and its labels say whose it is, in
 * Docker's keys, so that a node finds its containers again after a restart and `ps --filter
 * label=com.docker.swarm.service.name=web` lists a service's containers on a node:
 *
 *     com.docker.swarm.service.name=web  com.docker.swarm.task.id=7
 *     com.docker.swarm.task.name=web.2.7 com.docker.swarm.node.id=NODE
 *
 * A UDP port is refused (chapter 02's port proxy carries TCP only): the task is rejected with
 * that reason rather than run without it.
 *
 * Pure: nothing is read or made, so the translation is unit-tested without root
 * (tests/unit/test_swarm_executor_spec.c). The executor (swarm-executor.h) runs the result.
 */
#ifndef TINYDOCK_SWARM_TASK_SPEC_H
#define TINYDOCK_SWARM_TASK_SPEC_H

#include "swarm-store.h"
#include "volume-run.h"

/* Docker's label keys for a task's container. */
#define SWARM_LABEL_SERVICE_NAME "com.docker.swarm.service.name"
#define SWARM_LABEL_TASK_ID "com.docker.swarm.task.id"
#define SWARM_LABEL_TASK_NAME "com.docker.swarm.task.name"
#define SWARM_LABEL_NODE_ID "com.docker.swarm.node.id"

/* The labels the swarm puts on every task container (the service's own come after them). */
#define SWARM_TASK_LABELS 4

/* One task's container spec and the strings it points into. The spec also points into the
 * service spec it was filled from (image, command, env, labels): keep that alive as long. */
struct swarm_task_spec {
	struct volume_spec spec;
	char name[CONTAINER_NAME_MAX + 1];
	char labels[SWARM_TASK_LABELS][CONTAINER_NAME_MAX + 64];
	char **command;                 /* the service's command, NULL-terminated (malloc'd) */
};

/* The container's name for task: SERVICE.SLOT.TASKID, or SERVICE.NODE.TASKID for a task of a
 * global service (slot 0). -1 (recorded) when it does not fit. */
int swarm_task_container_name(const struct swarm_task *task, const char *node_id, char *out, size_t size);

/* Fill out (zeroed or not: it is reset) for task, of service, on node node_id. 0, or -1 with
 * the message, worded for the task's ERROR column ("udp port 53/udp cannot be published
 * here: ...", too many ports, environment variables or labels). */
int swarm_task_spec(const struct swarm_task *task, const struct swarm_service_spec *service, const char *node_id,
                    struct swarm_task_spec *out);
void swarm_task_spec_free(struct swarm_task_spec *out);

/* The task id in the labels of a container (Config.Labels as "KEY=VALUE" strings) of node
 * node_id: 1 with *task, 0 when the container is not a task of that node. */
int swarm_task_of_labels(char *const *labels, size_t count, const char *node_id, uint64_t *task);

#endif
