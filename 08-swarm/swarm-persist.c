/*
 * swarm-persist.c - a node's identity and its Raft state in files (swarm-persist.h).
 */
#include "swarm-persist.h"

#include "atomic-file.h"
#include "error.h"
#include "files.h"
#include "json.h"
#include "swarm-json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int swarm_persist_path(char *path, size_t size, const char *name)
{
	int n = snprintf(path, size, "%s/swarm%s%s", state_root(), *name ? "/" : "", name);
	if (n < 0 || (size_t)n >= size)
		return fail_errno(ENAMETOOLONG, "cannot name the swarm's file %s under \"%s\"", name, state_root());
	return 0;
}

/* Write tree to $TINYDOCK_ROOT/swarm/name, atomically and flushed; tree is freed. */
static int save_json(const char *name, struct json *tree)
{
	char folder[PATH_MAX], path[PATH_MAX];
	if (!tree)
		return fail_context("cannot write the swarm's %s", name);
	int rc = -1;
	size_t length;
	char *text = NULL;
	struct atomic_file file;
	if (swarm_persist_path(folder, sizeof folder, "") < 0 || swarm_persist_path(path, sizeof path, name) < 0)
		goto out;
	if (make_dirs(folder, 0700) < 0)
		goto out;
	if (!(text = json_write(tree, 0, &length)) || atomic_file_open(&file, path, 0600) < 0)
		goto out;
	if (write_all(file.fd, text, length) < 0) {
		atomic_file_abort(&file);
		goto out;
	}
	rc = atomic_file_commit(&file);
out:
	free(text);
	json_free(tree);
	return rc;
}

/* Parse $TINYDOCK_ROOT/swarm/name: 1 with *tree, 0 when missing, -1 recorded. */
static int load_json(const char *name, struct json **tree)
{
	char path[PATH_MAX];
	if (swarm_persist_path(path, sizeof path, name) < 0)
		return -1;
	if (access(path, F_OK) < 0)
		return errno == ENOENT ? 0 : fail_sys("cannot read \"%s\"", path);
	*tree = json_parse_file(path);
	return *tree ? 1 : -1;
}

/* --- node.json --------------------------------------------------------------------------------- */

int swarm_identity_save(const struct swarm_identity *id)
{
	struct json *obj = json_new_object(), *managers = NULL;
	bool ok = obj && json_add_string(obj, "node", id->node) && json_add_string(obj, "hostname", id->hostname) &&
		  json_add_string(obj, "role", swarm_role_name(id->role)) && json_add_int(obj, "raft", id->raft) &&
		  json_add_string(obj, "address", id->address) && json_add_string(obj, "listen", id->listen) &&
		  json_add_string(obj, "token", id->token) && json_add_string(obj, "worker_token", id->worker_token) &&
		  json_add_string(obj, "manager_token", id->manager_token) && json_add_bool(obj, "founder", id->founder) &&
		  (managers = json_add(obj, "managers", json_new_array()));
	for (size_t i = 0; ok && i < id->manager_count; i++) {
		struct json *m = json_append(managers, json_new_object());
		ok = m && json_add_string(m, "node", id->managers[i].node) &&
		     json_add_string(m, "address", id->managers[i].address) && json_add_int(m, "raft", id->managers[i].raft);
	}
	if (!ok) {
		json_free(obj);
		obj = NULL;
	}
	return save_json("node.json", obj);
}

int swarm_identity_load(struct swarm_identity *id)
{
	struct json *obj;
	int found = load_json("node.json", &obj);
	if (found <= 0)
		return found;
	memset(id, 0, sizeof *id);
	bool founder = false;
	int rc = 0;
	const struct json *managers = json_get(obj, "managers");
	if (swarm_json_get_text(obj, "node", id->node, sizeof id->node) < 0 ||
	    swarm_json_get_text(obj, "hostname", id->hostname, sizeof id->hostname) < 0 ||
	    SWARM_JSON_ENUM(obj, "role", swarm_role_names, id->role) < 0 ||
	    SWARM_JSON_UINT(obj, "raft", UINT32_MAX, id->raft) < 0 ||
	    swarm_json_get_text(obj, "address", id->address, sizeof id->address) < 0 ||
	    swarm_json_get_text(obj, "listen", id->listen, sizeof id->listen) < 0 ||
	    swarm_json_get_text(obj, "token", id->token, sizeof id->token) < 0 ||
	    swarm_json_get_text(obj, "worker_token", id->worker_token, sizeof id->worker_token) < 0 ||
	    swarm_json_get_text(obj, "manager_token", id->manager_token, sizeof id->manager_token) < 0 ||
	    json_bool(json_get(obj, "founder"), &founder) < 0 || !json_is(managers, JSON_ARRAY) ||
	    managers->count > RAFT_MAX_MEMBERS)
		rc = -1;
	id->founder = founder;
	json_for_each(m, rc == 0 ? managers : NULL) {
		struct swarm_wire_manager *known = &id->managers[id->manager_count++];
		if (swarm_json_get_text(m, "node", known->node, sizeof known->node) < 0 ||
		    swarm_json_get_text(m, "address", known->address, sizeof known->address) < 0 ||
		    SWARM_JSON_UINT(m, "raft", UINT32_MAX, known->raft) < 0) {
			rc = -1;
			break;
		}
	}
	json_free(obj);
	return rc < 0 ? fail_context("cannot read the swarm's node.json under \"%s\"", state_root()) : 1;
}

/* --- raft.json --------------------------------------------------------------------------------- */

int swarm_raft_save(const struct raft_persisted *state)
{
	const struct raft_log *log = &state->log;
	struct json *obj = json_new_object(), *entries = NULL;
	bool ok = obj && json_add_int(obj, "term", (int64_t)state->term) &&
		  json_add_int(obj, "voted_for", state->voted_for) &&
		  json_add(obj, "snapshot", swarm_wire_snapshot_json(&log->snapshot)) &&
		  (entries = json_add(obj, "entries", json_new_array()));
	for (size_t i = 0; ok && i < log->count; i++)
		ok = json_append(entries, swarm_wire_entry_json(&log->entries[i])) != NULL;
	if (!ok) {
		json_free(obj);
		obj = NULL;
	}
	return save_json("raft.json", obj);
}

int swarm_raft_load(struct raft_persisted *state)
{
	struct json *obj;
	int found = load_json("raft.json", &obj);
	if (found <= 0)
		return found;
	memset(state, 0, sizeof *state);
	raft_log_init(&state->log);
	int rc = 0;
	const struct json *entries = json_get(obj, "entries");
	if (SWARM_JSON_UINT(obj, "term", INT64_MAX, state->term) < 0 ||
	    SWARM_JSON_UINT(obj, "voted_for", UINT32_MAX, state->voted_for) < 0 ||
	    swarm_wire_snapshot_read(json_get(obj, "snapshot"), &state->log.snapshot) < 0 ||
	    !json_is(entries, JSON_ARRAY))
		rc = -1;
	json_for_each(item, rc == 0 ? entries : NULL) {
		struct raft_entry entry;
		rc = swarm_wire_entry_read(item, &entry);
		if (rc == 0)
			rc = raft_log_append(&state->log, &entry);
		raft_entry_free(&entry);
		if (rc < 0)
			break;
	}
	json_free(obj);
	if (rc < 0) {
		raft_persisted_free(state);
		return fail_context("cannot read the swarm's raft.json under \"%s\"", state_root());
	}
	return 1;
}

int swarm_persist_remove(void)
{
	static const char *const names[] = { "raft.json", "node.json" };
	for (size_t i = 0; i < 2; i++) {
		char path[PATH_MAX];
		if (swarm_persist_path(path, sizeof path, names[i]) < 0)
			return -1;
		if (unlink(path) < 0 && errno != ENOENT)
			return fail_sys("cannot remove \"%s\"", path);
	}
	return 0;
}
