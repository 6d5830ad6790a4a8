/*
 * swarm-executor-logs.c - a task's output, for `service logs` (swarm-executor.h).
 *
 * A task's container keeps its output as any container does (chapter 03's container.log, in
 * Docker's json-file format), on the node that runs it. So the logs of a service are read
 * where its tasks are: each node finds the container of a task by its labels (the task's id
 * and the node's), also once it has ended (its container is kept until the swarm lets go of
 * the task), and gives its lines; the node process carries them to whoever asked.
 */
#include "swarm-executor.h"

#include "container-log.h"
#include "container-store.h"
#include "error.h"
#include "files.h"
#include "swarm-task-spec.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The id of the container of task on node node_id: 0, or -1 with the message. */
static int find_task_container(const char *node_id, uint64_t task, char id[CONTAINER_ID_LENGTH + 1])
{
	char **ids;
	size_t count;
	if (container_list(&ids, &count) < 0)
		return -1;
	int rc = -1;
	for (size_t i = 0; rc < 0 && i < count; i++) {
		struct container_record r;
		if (container_record_load(ids[i], &r) < 0) {
			error_clear(); /* removed meanwhile */
			continue;
		}
		uint64_t found;
		if (swarm_task_of_labels(r.labels.items, r.labels.count, node_id, &found) == 1 && found == task) {
			snprintf(id, CONTAINER_ID_LENGTH + 1, "%s", r.id);
			rc = 0;
		}
		container_record_free(&r);
	}
	container_list_free(ids, count);
	if (rc < 0)
		fail_errno(ENOENT, "task %" PRIu64 " has no container on node %s", task, node_id);
	return rc;
}

int swarm_task_logs(const char *node_id, uint64_t task, long tail, struct swarm_strings *lines)
{
	char id[CONTAINER_ID_LENGTH + 1], dir[PATH_MAX], path[PATH_MAX + 16];
	if (find_task_container(node_id, task, id) < 0)
		return -1;
	container_dir(id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/container.log", dir);
	size_t size;
	char *text = read_file(path, &size);
	if (!text) {
		if (error_errno() != ENOENT)
			return fail_context("task %" PRIu64, task);
		error_clear(); /* nothing written yet */
		return 0;
	}
	int rc = 0;
	for (size_t offset = log_tail_start(text, size, tail); rc == 0 && offset < size;) {
		const char *newline = memchr(text + offset, '\n', size - offset);
		if (!newline)
			break; /* a line the logger is still writing */
		struct log_entry e;
		if (log_line_decode(text + offset, (size_t)(newline - text - offset), &e) == 0) {
			size_t length = e.length && e.text[e.length - 1] == '\n' ? e.length - 1 : e.length;
			char *line = strndup(e.text, length);
			rc = line ? swarm_strings_add(lines, line) : fail_errno(ENOMEM, "task %" PRIu64 ": logs", task);
			free(line);
			log_entry_free(&e);
		} else {
			error_clear(); /* not a log entry: skipped, as `logs` does */
		}
		offset = (size_t)(newline - text) + 1;
	}
	free(text);
	return rc;
}
