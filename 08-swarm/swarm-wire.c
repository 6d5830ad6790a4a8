/*
 * swarm-wire.c - the node-to-node messages as JSON, both ways (swarm-wire.h).
 *
 * Writing builds one JSON tree per message with the json_add chain of swarm-json.h (one
 * failure anywhere makes the whole build fail). Reading checks every member it uses and
 * bounds every list before allocating for it: the bytes are a peer's, and a peer may be
 * broken or hostile.
 */
#include "swarm-wire.h"

#include "error.h"
#include "json.h"
#include "swarm-json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
	[SWARM_WIRE_HELLO] = "hello",
	[SWARM_WIRE_WELCOME] = "welcome",
	[SWARM_WIRE_REFUSED] = "refused",
	[SWARM_WIRE_RAFT] = "raft",
	[SWARM_WIRE_JOIN] = "join",
	[SWARM_WIRE_JOIN_ANSWER] = "join-answer",
	[SWARM_WIRE_REDIRECT] = "redirect",
	[SWARM_WIRE_HEARTBEAT] = "heartbeat",
	[SWARM_WIRE_ASSIGNMENTS] = "assignments",
	[SWARM_WIRE_REPORT] = "report",
	[SWARM_WIRE_CONTROL] = "control",
	[SWARM_WIRE_CONTROL_REPLY] = "control-reply",
};

static const char *const raft_kind_names[] = {
	[RAFT_REQUEST_VOTE] = "request-vote",
	[RAFT_REQUEST_VOTE_REPLY] = "request-vote-reply",
	[RAFT_APPEND_ENTRIES] = "append-entries",
	[RAFT_APPEND_ENTRIES_REPLY] = "append-entries-reply",
	[RAFT_INSTALL_SNAPSHOT] = "install-snapshot",
	[RAFT_INSTALL_SNAPSHOT_REPLY] = "install-snapshot-reply",
};

static const char *const entry_kind_names[] = {
	[RAFT_ENTRY_COMMAND] = "command",
	[RAFT_ENTRY_NOOP] = "noop",
	[RAFT_ENTRY_CONFIG] = "config",
};

const char *swarm_wire_type_name(enum swarm_wire_type type)
{
	return (size_t)type < SWARM_NAMES(type_names) ? type_names[type] : "?";
}

void swarm_wire_init(struct swarm_wire_message *message, enum swarm_wire_type type)
{
	memset(message, 0, sizeof *message);
	message->type = type;
}

void swarm_wire_free(struct swarm_wire_message *message)
{
	raft_message_free(&message->raft_message);
	swarm_node_spec_free(&message->join);
	for (size_t i = 0; message->specs && i < message->assignment_count; i++)
		swarm_service_spec_free(&message->specs[i]);
	free(message->specs);
	free(message->tasks);
	free(message->assignments);
	free(message->mesh);
	free(message->reports);
	free(message->control);
	message->specs = NULL;
	message->tasks = NULL;
	message->assignments = NULL;
	message->assignment_count = 0;
	message->mesh = NULL;
	message->reports = NULL;
	message->report_count = 0;
	message->control = NULL;
}

/* --- writing ------------------------------------------------------------------------------ */

static struct json *add_config(struct json *obj, const char *key, const struct raft_config *config)
{
	struct json *array = json_add(obj, key, json_new_array());
	for (size_t i = 0; array && i < config->count; i++)
		if (!json_append(array, json_new_int(config->members[i])))
			return NULL;
	return array;
}

/* Bytes that are the JSON text of commands go as a string: readable in a dump of the wire. */
static struct json *add_bytes(struct json *obj, const char *key, const unsigned char *data, size_t size)
{
	return json_add(obj, key, json_new_stringn((const char *)(data ? data : (const unsigned char *)""), size));
}

struct json *swarm_wire_entry_json(const struct raft_entry *e)
{
	struct json *entry = json_new_object();
	if (!entry || !json_add_int(entry, "term", (int64_t)e->term) ||
	    !json_add_string(entry, "kind", entry_kind_names[e->kind]) || !add_config(entry, "config", &e->config) ||
	    !add_bytes(entry, "data", e->data, e->size)) {
		json_free(entry);
		return NULL;
	}
	return entry;
}

struct json *swarm_wire_snapshot_json(const struct raft_snapshot *s)
{
	struct json *snapshot = json_new_object();
	if (!snapshot || !json_add_int(snapshot, "index", (int64_t)s->index) ||
	    !json_add_int(snapshot, "term", (int64_t)s->term) || !add_config(snapshot, "config", &s->config) ||
	    !add_bytes(snapshot, "data", s->data, s->size)) {
		json_free(snapshot);
		return NULL;
	}
	return snapshot;
}

static struct json *add_entries(struct json *obj, const struct raft_message *m)
{
	struct json *array = json_add(obj, "entries", json_new_array());
	for (size_t i = 0; array && i < m->entry_count; i++)
		if (!json_append(array, swarm_wire_entry_json(&m->entries[i])))
			return NULL;
	return array;
}

static struct json *add_raft(struct json *obj, const struct raft_message *m)
{
	bool ok = json_add_string(obj, "kind", raft_kind_names[m->kind]) &&
		json_add_int(obj, "from", m->from) &&
		json_add_int(obj, "to", m->to) &&
		json_add_int(obj, "term", (int64_t)m->term) &&
		json_add_int(obj, "last_log_index", (int64_t)m->last_log_index) &&
		json_add_int(obj, "last_log_term", (int64_t)m->last_log_term) &&
		json_add_bool(obj, "pre_vote", m->pre_vote) &&
		json_add_bool(obj, "granted", m->granted) &&
		json_add_int(obj, "prev_index", (int64_t)m->prev_index) &&
		json_add_int(obj, "prev_term", (int64_t)m->prev_term) &&
		add_entries(obj, m) &&
		json_add_int(obj, "leader_commit", (int64_t)m->leader_commit) &&
		json_add_bool(obj, "success", m->success) &&
		json_add_int(obj, "match_index", (int64_t)m->match_index) &&
		json_add_int(obj, "conflict_index", (int64_t)m->conflict_index) &&
		json_add_int(obj, "conflict_term", (int64_t)m->conflict_term);
	if (ok && m->snapshot)
		ok = json_add(obj, "snapshot", swarm_wire_snapshot_json(m->snapshot)) != NULL;
	return ok ? obj : NULL;
}

static struct json *task_json(const struct swarm_task *task)
{
	struct json *obj = json_new_object();
	bool ok = obj && json_add_int(obj, "id", (int64_t)task->id) &&
		json_add_string(obj, "service", task->service) &&
		json_add_int(obj, "slot", task->slot) &&
		json_add_string(obj, "node", task->node) &&
		json_add_int(obj, "service_version", (int64_t)task->service_version) &&
		json_add_string(obj, "observed", swarm_task_state_name(task->observed));
	if (!ok) {
		json_free(obj);
		return NULL;
	}
	return obj;
}

static struct json *add_assignments(struct json *obj, const struct swarm_wire_message *m)
{
	struct json *array = json_add(obj, "assignments", json_new_array());
	for (size_t i = 0; array && i < m->assignment_count; i++) {
		const struct swarm_assignment *a = &m->assignments[i];
		struct json *item = json_append(array, json_new_object());
		if (!item || !json_add_string(item, "desired", swarm_task_state_name(a->desired)) ||
		    !json_add(item, "task", task_json(a->record)) ||
		    (a->spec && !json_add(item, "spec", swarm_json_from_spec(a->spec))))
			return NULL;
	}
	if (array && m->mesh) {
		struct json *mesh = json_parse(m->mesh, strlen(m->mesh));
		if (!mesh || !json_add(obj, "mesh", mesh))
			return NULL;
	}
	return array;
}

static struct json *add_reports(struct json *obj, const struct swarm_wire_message *m)
{
	struct json *array = json_add(obj, "reports", json_new_array());
	for (size_t i = 0; array && i < m->report_count; i++) {
		const struct swarm_wire_report *r = &m->reports[i];
		struct json *item = json_append(array, json_new_object());
		if (!item || !json_add_int(item, "task", (int64_t)r->task) ||
		    !json_add_string(item, "state", swarm_task_state_name(r->state)) ||
		    !json_add_string(item, "message", r->message) ||
		    !swarm_json_add_endpoints(item, r->endpoints, r->endpoint_count))
			return NULL;
	}
	return array;
}

static struct json *add_managers(struct json *obj, const struct swarm_wire_message *m)
{
	struct json *array = json_add(obj, "managers", json_new_array());
	for (size_t i = 0; array && i < m->manager_count; i++) {
		struct json *item = json_append(array, json_new_object());
		if (!item || !json_add_string(item, "node", m->managers[i].node) ||
		    !json_add_string(item, "address", m->managers[i].address) ||
		    !json_add_int(item, "raft", m->managers[i].raft))
			return NULL;
	}
	return array;
}

/* The members of each type, after "v" and "type". */
static bool add_body(struct json *obj, const struct swarm_wire_message *m)
{
	struct json *control;
	switch (m->type) {
	case SWARM_WIRE_HELLO:
		return json_add_string(obj, "token", m->token) && json_add_string(obj, "node", m->node) &&
		       json_add_string(obj, "address", m->address) &&
		       json_add_string(obj, "role", swarm_role_name(m->role)) && json_add_int(obj, "raft", m->raft);
	case SWARM_WIRE_REFUSED:
		return json_add_string(obj, "error", m->error);
	case SWARM_WIRE_RAFT:
		return add_raft(obj, &m->raft_message);
	case SWARM_WIRE_JOIN:
		return json_add(obj, "node", swarm_json_from_node(&m->join));
	case SWARM_WIRE_JOIN_ANSWER:
		return json_add_string(obj, "error", m->error) && add_managers(obj, m) &&
		       json_add_string(obj, "worker_token", m->worker_token) &&
		       json_add_string(obj, "manager_token", m->manager_token);
	case SWARM_WIRE_REDIRECT:
		return json_add_string(obj, "node", m->node) && json_add_string(obj, "address", m->address);
	case SWARM_WIRE_ASSIGNMENTS:
		return json_add_string(obj, "role", swarm_role_name(m->role)) &&
		       json_add_string(obj, "worker_token", m->worker_token) &&
		       json_add_string(obj, "manager_token", m->manager_token) && add_assignments(obj, m);
	case SWARM_WIRE_REPORT:
		return add_reports(obj, m);
	case SWARM_WIRE_CONTROL:
	case SWARM_WIRE_CONTROL_REPLY:
		control = m->control ? json_parse(m->control, strlen(m->control)) : NULL;
		return control && json_add(obj, m->type == SWARM_WIRE_CONTROL ? "request" : "reply", control);
	case SWARM_WIRE_WELCOME:
		return json_add_string(obj, "role", swarm_role_name(m->role));
	case SWARM_WIRE_HEARTBEAT:
		return add_reports(obj, m);
	}
	return false;
}

char *swarm_wire_encode(const struct swarm_wire_message *m, size_t *size)
{
	if (m->raft_message.entry_count > SWARM_WIRE_MAX_ENTRIES || m->assignment_count > SWARM_WIRE_MAX_ASSIGNMENTS ||
	    m->report_count > SWARM_WIRE_MAX_REPORTS || m->manager_count > RAFT_MAX_MEMBERS) {
		fail_errno(E2BIG, "swarm wire: a %s message holds more than it may", swarm_wire_type_name(m->type));
		return NULL;
	}
	struct json *obj = json_new_object();
	char *text = NULL;
	if (obj && json_add_int(obj, "v", SWARM_WIRE_VERSION) && json_add_string(obj, "type", swarm_wire_type_name(m->type)) &&
	    add_body(obj, m))
		text = json_write(obj, 0, size);
	else if (obj)
		fail_context("swarm wire: cannot write a %s message", swarm_wire_type_name(m->type));
	json_free(obj);
	return text;
}

/* --- reading ------------------------------------------------------------------------------ */

#define GET_UINT(obj, key, max, field) SWARM_JSON_UINT(obj, key, max, field)

static int get_bool(const struct json *obj, const char *key, bool *value)
{
	if (json_bool(json_get(obj, key), value) < 0)
		return swarm_json_bad(key, "is missing or not a boolean");
	return 0;
}

static int get_config(const struct json *obj, const char *key, struct raft_config *config)
{
	const struct json *array = json_get(obj, key);
	if (!json_is(array, JSON_ARRAY) || array->count > RAFT_MAX_MEMBERS)
		return swarm_json_bad(key, "is missing, not an array or longer than the most managers");
	config->count = 0;
	json_for_each(item, array) {
		int64_t id;
		if (json_int64(item, &id) < 0 || id < 1 || id > UINT32_MAX)
			return swarm_json_bad(key, "holds something that is not a Raft id");
		config->members[config->count++] = (raft_id)id;
	}
	return 0;
}

/* A string member as malloc'd bytes (*data NULL when empty). */
static int get_bytes(const struct json *obj, const char *key, unsigned char **data, size_t *size)
{
	const struct json *node = json_get(obj, key);
	if (!json_is(node, JSON_STRING))
		return swarm_json_bad(key, "is missing or not a string");
	*data = NULL;
	*size = node->length;
	if (!node->length)
		return 0;
	if (!(*data = malloc(node->length)))
		return fail_errno(ENOMEM, "swarm wire: cannot hold %zu bytes of \"%s\"", node->length, key);
	memcpy(*data, node->text, node->length);
	return 0;
}

int swarm_wire_entry_read(const struct json *item, struct raft_entry *e)
{
	int kind = 0;
	memset(e, 0, sizeof *e);
	if (!json_is(item, JSON_OBJECT))
		return swarm_json_bad("entries", "holds something that is not an object");
	if (GET_UINT(item, "term", INT64_MAX, e->term) < 0 ||
	    swarm_json_get_enum(item, "kind", entry_kind_names, SWARM_NAMES(entry_kind_names), &kind) < 0 ||
	    get_config(item, "config", &e->config) < 0 || get_bytes(item, "data", &e->data, &e->size) < 0)
		return -1;
	e->kind = kind;
	return 0;
}

int swarm_wire_snapshot_read(const struct json *obj, struct raft_snapshot *s)
{
	memset(s, 0, sizeof *s);
	if (!json_is(obj, JSON_OBJECT))
		return swarm_json_bad("snapshot", "is not an object");
	if (GET_UINT(obj, "index", INT64_MAX, s->index) < 0 || GET_UINT(obj, "term", INT64_MAX, s->term) < 0 ||
	    get_config(obj, "config", &s->config) < 0 || get_bytes(obj, "data", &s->data, &s->size) < 0)
		return -1;
	return 0;
}

static int get_entries(const struct json *obj, struct raft_message *m)
{
	const struct json *array = json_get(obj, "entries");
	if (!json_is(array, JSON_ARRAY) || array->count > SWARM_WIRE_MAX_ENTRIES)
		return swarm_json_bad("entries", "is missing, not an array or too long");
	if (!array->count)
		return 0;
	struct raft_entry *entries = calloc(array->count, sizeof *entries);
	if (!entries)
		return fail_errno(ENOMEM, "swarm wire: cannot hold %zu entries", array->count);
	m->entries = entries;
	json_for_each(item, array) {
		if (swarm_wire_entry_read(item, &entries[m->entry_count]) < 0) {
			raft_entry_free(&entries[m->entry_count]);
			return -1;
		}
		m->entry_count++;
	}
	return 0;
}

static int get_snapshot(const struct json *obj, struct raft_message *m)
{
	const struct json *snap = json_get(obj, "snapshot");
	if (!snap)
		return 0;
	struct raft_snapshot *s = calloc(1, sizeof *s);
	if (!s)
		return fail_errno(ENOMEM, "swarm wire: cannot hold a snapshot");
	m->snapshot = s;
	return swarm_wire_snapshot_read(snap, s);
}

static int get_raft(const struct json *obj, struct raft_message *m)
{
	int kind = 0;
	if (swarm_json_get_enum(obj, "kind", raft_kind_names, SWARM_NAMES(raft_kind_names), &kind) < 0 ||
	    GET_UINT(obj, "from", UINT32_MAX, m->from) < 0 || GET_UINT(obj, "to", UINT32_MAX, m->to) < 0 ||
	    GET_UINT(obj, "term", INT64_MAX, m->term) < 0 ||
	    GET_UINT(obj, "last_log_index", INT64_MAX, m->last_log_index) < 0 ||
	    GET_UINT(obj, "last_log_term", INT64_MAX, m->last_log_term) < 0 ||
	    get_bool(obj, "pre_vote", &m->pre_vote) < 0 || get_bool(obj, "granted", &m->granted) < 0 ||
	    GET_UINT(obj, "prev_index", INT64_MAX, m->prev_index) < 0 ||
	    GET_UINT(obj, "prev_term", INT64_MAX, m->prev_term) < 0 ||
	    GET_UINT(obj, "leader_commit", INT64_MAX, m->leader_commit) < 0 ||
	    get_bool(obj, "success", &m->success) < 0 ||
	    GET_UINT(obj, "match_index", INT64_MAX, m->match_index) < 0 ||
	    GET_UINT(obj, "conflict_index", INT64_MAX, m->conflict_index) < 0 ||
	    GET_UINT(obj, "conflict_term", INT64_MAX, m->conflict_term) < 0)
		return -1;
	m->kind = kind;
	if (m->from == 0)
		return swarm_json_bad("from", "is not a Raft id");
	if (get_entries(obj, m) < 0 || get_snapshot(obj, m) < 0)
		return -1;
	if (m->kind == RAFT_INSTALL_SNAPSHOT && !m->snapshot)
		return swarm_json_bad("snapshot", "is missing from an install-snapshot");
	return 0;
}

static int get_task(const struct json *obj, struct swarm_task *task)
{
	if (!json_is(obj, JSON_OBJECT))
		return swarm_json_bad("task", "is missing or not an object");
	if (GET_UINT(obj, "id", INT64_MAX, task->id) < 0 ||
	    swarm_json_get_text(obj, "service", task->service, sizeof task->service) < 0 ||
	    GET_UINT(obj, "slot", UINT32_MAX, task->slot) < 0 ||
	    swarm_json_get_text(obj, "node", task->node, sizeof task->node) < 0 ||
	    GET_UINT(obj, "service_version", INT64_MAX, task->service_version) < 0 ||
	    SWARM_JSON_ENUM(obj, "observed", swarm_task_state_names, task->observed) < 0)
		return -1;
	return 0;
}

static int get_assignments(const struct json *obj, struct swarm_wire_message *m)
{
	const struct json *array = json_get(obj, "assignments");
	if (!json_is(array, JSON_ARRAY) || array->count > SWARM_WIRE_MAX_ASSIGNMENTS)
		return swarm_json_bad("assignments", "is missing, not an array or too long");
	size_t n = array->count ? array->count : 1;
	m->assignments = calloc(n, sizeof *m->assignments);
	m->tasks = calloc(n, sizeof *m->tasks);
	m->specs = calloc(n, sizeof *m->specs);
	if (!m->assignments || !m->tasks || !m->specs)
		return fail_errno(ENOMEM, "swarm wire: cannot hold %zu assignments", array->count);
	json_for_each(item, array) {
		size_t i = m->assignment_count++; /* counted first: swarm_wire_free frees its spec */
		struct swarm_assignment *a = &m->assignments[i];
		if (!json_is(item, JSON_OBJECT))
			return swarm_json_bad("assignments", "holds something that is not an object");
		if (SWARM_JSON_ENUM(item, "desired", swarm_task_state_names, a->desired) < 0 ||
		    get_task(json_get(item, "task"), &m->tasks[i]) < 0)
			return -1;
		m->tasks[i].desired = a->desired;
		a->task = m->tasks[i].id;
		a->record = &m->tasks[i];
		const struct json *spec = json_get(item, "spec");
		if (spec) {
			if (!json_is(spec, JSON_OBJECT))
				return swarm_json_bad("spec", "is not an object");
			if (swarm_json_to_spec(spec, &m->specs[i]) < 0)
				return -1;
			a->spec = &m->specs[i];
		}
	}
	const struct json *mesh = json_get(obj, "mesh");
	if (mesh) {
		if (!json_is(mesh, JSON_OBJECT))
			return swarm_json_bad("mesh", "is not an object");
		if (!(m->mesh = json_write(mesh, 0, NULL)))
			return -1;
	}
	return 0;
}

static int get_reports(const struct json *obj, struct swarm_wire_message *m)
{
	const struct json *array = json_get(obj, "reports");
	if (!json_is(array, JSON_ARRAY) || array->count > SWARM_WIRE_MAX_REPORTS)
		return swarm_json_bad("reports", "is missing, not an array or too long");
	m->reports = calloc(array->count ? array->count : 1, sizeof *m->reports);
	if (!m->reports)
		return fail_errno(ENOMEM, "swarm wire: cannot hold %zu reports", array->count);
	json_for_each(item, array) {
		struct swarm_wire_report *r = &m->reports[m->report_count];
		if (!json_is(item, JSON_OBJECT))
			return swarm_json_bad("reports", "holds something that is not an object");
		if (GET_UINT(item, "task", INT64_MAX, r->task) < 0 ||
		    SWARM_JSON_ENUM(item, "state", swarm_task_state_names, r->state) < 0 ||
		    swarm_json_get_text(item, "message", r->message, sizeof r->message) < 0 ||
		    swarm_json_get_endpoints(item, r->endpoints, &r->endpoint_count) < 0)
			return -1;
		m->report_count++;
	}
	return 0;
}

static int get_managers(const struct json *obj, struct swarm_wire_message *m)
{
	const struct json *array = json_get(obj, "managers");
	if (!json_is(array, JSON_ARRAY) || array->count > RAFT_MAX_MEMBERS)
		return swarm_json_bad("managers", "is missing, not an array or longer than the most managers");
	json_for_each(item, array) {
		struct swarm_wire_manager *manager = &m->managers[m->manager_count];
		if (!json_is(item, JSON_OBJECT))
			return swarm_json_bad("managers", "holds something that is not an object");
		if (swarm_json_get_text(item, "node", manager->node, sizeof manager->node) < 0 ||
		    swarm_json_get_text(item, "address", manager->address, sizeof manager->address) < 0 ||
		    GET_UINT(item, "raft", UINT32_MAX, manager->raft) < 0)
			return -1;
		m->manager_count++;
	}
	return 0;
}

static int get_control(const struct json *obj, const char *key, struct swarm_wire_message *m)
{
	const struct json *control = json_get(obj, key);
	if (!json_is(control, JSON_OBJECT))
		return swarm_json_bad(key, "is missing or not an object");
	return (m->control = json_write(control, 0, NULL)) ? 0 : -1;
}

static int get_body(const struct json *obj, struct swarm_wire_message *m)
{
	switch (m->type) {
	case SWARM_WIRE_HELLO:
		if (SWARM_JSON_UINT(obj, "raft", UINT32_MAX, m->raft) < 0)
			return -1;
		return swarm_json_get_text(obj, "token", m->token, sizeof m->token) < 0 ||
		       swarm_json_get_text(obj, "node", m->node, sizeof m->node) < 0 ||
		       swarm_json_get_text(obj, "address", m->address, sizeof m->address) < 0 ||
		       SWARM_JSON_ENUM(obj, "role", swarm_role_names, m->role) < 0 ? -1 : 0;
	case SWARM_WIRE_REFUSED:
		return swarm_json_get_text(obj, "error", m->error, sizeof m->error);
	case SWARM_WIRE_RAFT:
		return get_raft(obj, &m->raft_message);
	case SWARM_WIRE_JOIN: {
		const struct json *node = json_get(obj, "node");
		if (!json_is(node, JSON_OBJECT))
			return swarm_json_bad("node", "is missing or not an object");
		return swarm_json_to_node(node, &m->join);
	}
	case SWARM_WIRE_JOIN_ANSWER:
		return swarm_json_get_text(obj, "error", m->error, sizeof m->error) < 0 || get_managers(obj, m) < 0 ||
		       swarm_json_get_text(obj, "worker_token", m->worker_token, sizeof m->worker_token) < 0 ||
		       swarm_json_get_text(obj, "manager_token", m->manager_token, sizeof m->manager_token) < 0 ? -1 : 0;
	case SWARM_WIRE_REDIRECT:
		return swarm_json_get_text(obj, "node", m->node, sizeof m->node) < 0 ||
		       swarm_json_get_text(obj, "address", m->address, sizeof m->address) < 0 ? -1 : 0;
	case SWARM_WIRE_ASSIGNMENTS:
		return SWARM_JSON_ENUM(obj, "role", swarm_role_names, m->role) < 0 ||
		       swarm_json_get_text(obj, "worker_token", m->worker_token, sizeof m->worker_token) < 0 ||
		       swarm_json_get_text(obj, "manager_token", m->manager_token, sizeof m->manager_token) < 0 ||
		       get_assignments(obj, m) < 0 ? -1 : 0;
	case SWARM_WIRE_REPORT:
		return get_reports(obj, m);
	case SWARM_WIRE_CONTROL:
		return get_control(obj, "request", m);
	case SWARM_WIRE_CONTROL_REPLY:
		return get_control(obj, "reply", m);
	case SWARM_WIRE_WELCOME:
		return SWARM_JSON_ENUM(obj, "role", swarm_role_names, m->role);
	case SWARM_WIRE_HEARTBEAT:
		return get_reports(obj, m);
	}
	return swarm_json_bad("type", "names no known message");
}

int swarm_wire_decode(const void *bytes, size_t size, struct swarm_wire_message *m)
{
	swarm_wire_init(m, SWARM_WIRE_HELLO);
	struct json *obj = json_parse(bytes, size);
	if (!obj)
		return fail_context("swarm wire");
	int64_t version;
	int type = 0;
	int rc = 0;
	if (!json_is(obj, JSON_OBJECT))
		rc = swarm_json_bad("message", "is not a JSON object");
	else if (swarm_json_get_int(obj, "v", 0, INT32_MAX, &version) < 0)
		rc = -1;
	else if (version != SWARM_WIRE_VERSION)
		rc = fail_errno(EPROTO, "version %lld is not this node's (%d)", (long long)version, SWARM_WIRE_VERSION);
	else if (swarm_json_get_enum(obj, "type", type_names, SWARM_NAMES(type_names), &type) < 0)
		rc = -1;
	if (rc == 0) {
		m->type = type;
		rc = get_body(obj, m);
	}
	json_free(obj);
	if (rc < 0) {
		swarm_wire_free(m);
		return fail_context("swarm wire");
	}
	return 0;
}
