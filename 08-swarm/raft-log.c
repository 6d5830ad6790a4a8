/*
 * raft-log.c - the replicated log of a Raft node: entries after a snapshot.
 *
 * Entry i lives at entries[i - snapshot.index - 1]. The rest is bookkeeping that must be
 * exact: which term an index has (the consistency check of AppendEntries compares terms,
 * section 5.3), which managers are in effect (section 6: a configuration is used as soon as
 * it is in the log, committed or not), and how a snapshot replaces a prefix (section 7).
 *
 * Read next: raft.c, the node that decides what is appended, truncated and compacted.
 */
#include "raft-log.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool raft_config_has(const struct raft_config *config, raft_id id)
{
	for (size_t i = 0; i < config->count; i++)
		if (config->members[i] == id)
			return true;
	return false;
}

size_t raft_config_quorum(const struct raft_config *config)
{
	return config->count / 2 + 1;
}

static int copy_bytes(unsigned char **dst, const unsigned char *src, size_t size)
{
	*dst = NULL;
	if (size == 0)
		return 0;
	*dst = malloc(size);
	if (!*dst)
		return fail_errno(ENOMEM, "cannot copy %zu bytes of a raft entry", size);
	memcpy(*dst, src, size);
	return 0;
}

int raft_entry_copy(struct raft_entry *dst, const struct raft_entry *src)
{
	*dst = *src;
	return copy_bytes(&dst->data, src->data, src->size);
}

void raft_entry_free(struct raft_entry *entry)
{
	free(entry->data);
	entry->data = NULL;
	entry->size = 0;
}

int raft_snapshot_copy(struct raft_snapshot *dst, const struct raft_snapshot *src)
{
	*dst = *src;
	return copy_bytes(&dst->data, src->data, src->size);
}

void raft_snapshot_free(struct raft_snapshot *snapshot)
{
	free(snapshot->data);
	snapshot->data = NULL;
	snapshot->size = 0;
}

void raft_log_init(struct raft_log *log)
{
	memset(log, 0, sizeof(*log));
}

void raft_log_free(struct raft_log *log)
{
	for (size_t i = 0; i < log->count; i++)
		raft_entry_free(&log->entries[i]);
	free(log->entries);
	raft_snapshot_free(&log->snapshot);
	raft_log_init(log);
}

int raft_log_copy(struct raft_log *dst, const struct raft_log *src)
{
	raft_log_init(dst);
	if (raft_snapshot_copy(&dst->snapshot, &src->snapshot) < 0)
		return -1;
	for (size_t i = 0; i < src->count; i++) {
		if (raft_log_append(dst, &src->entries[i]) < 0) {
			raft_log_free(dst);
			return -1;
		}
	}
	return 0;
}

raft_index raft_log_last_index(const struct raft_log *log)
{
	return log->snapshot.index + log->count;
}

raft_term raft_log_last_term(const struct raft_log *log)
{
	return log->count ? log->entries[log->count - 1].term : log->snapshot.term;
}

const struct raft_entry *raft_log_entry(const struct raft_log *log, raft_index index)
{
	if (index <= log->snapshot.index || index > raft_log_last_index(log))
		return NULL;
	return &log->entries[index - log->snapshot.index - 1];
}

bool raft_log_term_at(const struct raft_log *log, raft_index index, raft_term *term)
{
	if (index == log->snapshot.index) {
		*term = log->snapshot.term; /* 0 at index 0: the empty log matches any leader's */
		return true;
	}
	const struct raft_entry *entry = raft_log_entry(log, index);
	if (!entry)
		return false;
	*term = entry->term;
	return true;
}

int raft_log_append(struct raft_log *log, const struct raft_entry *entry)
{
	if (log->count == log->capacity) {
		size_t capacity = log->capacity ? 2 * log->capacity : 16;
		struct raft_entry *grown = realloc(log->entries, capacity * sizeof(*grown));
		if (!grown)
			return fail_errno(ENOMEM, "cannot grow the raft log to %zu entries", capacity);
		log->entries = grown;
		log->capacity = capacity;
	}
	if (raft_entry_copy(&log->entries[log->count], entry) < 0)
		return -1;
	log->count++;
	return 0;
}

void raft_log_truncate(struct raft_log *log, raft_index from)
{
	while (raft_log_last_index(log) >= from && log->count > 0)
		raft_entry_free(&log->entries[--log->count]);
}

raft_index raft_log_last_config_index(const struct raft_log *log)
{
	for (size_t i = log->count; i > 0; i--)
		if (log->entries[i - 1].kind == RAFT_ENTRY_CONFIG)
			return log->snapshot.index + i;
	return 0;
}

const struct raft_config *raft_log_config(const struct raft_log *log)
{
	raft_index index = raft_log_last_config_index(log);
	return index ? &raft_log_entry(log, index)->config : &log->snapshot.config;
}

/* The managers in effect at index (within the log): the last config entry up to it. */
static struct raft_config config_at(const struct raft_log *log, raft_index index)
{
	for (raft_index i = index; i > log->snapshot.index; i--) {
		const struct raft_entry *entry = raft_log_entry(log, i);
		if (entry->kind == RAFT_ENTRY_CONFIG)
			return entry->config;
	}
	return log->snapshot.config;
}

/* Drop entries up to index (snapshot.index < index <= last) and make snapshot the log's. */
static void replace_prefix(struct raft_log *log, raft_index index, struct raft_snapshot *snapshot)
{
	size_t dropped = index - log->snapshot.index;
	for (size_t i = 0; i < dropped; i++)
		raft_entry_free(&log->entries[i]);
	memmove(log->entries, log->entries + dropped, (log->count - dropped) * sizeof(*log->entries));
	log->count -= dropped;
	raft_snapshot_free(&log->snapshot);
	log->snapshot = *snapshot;
}

int raft_log_compact(struct raft_log *log, raft_index index, const void *data, size_t size)
{
	if (index <= log->snapshot.index || index > raft_log_last_index(log))
		return fail_errno(EINVAL, "cannot take a raft snapshot at index %llu: the log holds %llu to %llu",
				  (unsigned long long)index, (unsigned long long)log->snapshot.index + 1,
				  (unsigned long long)raft_log_last_index(log));
	struct raft_snapshot snapshot = {
		.index = index,
		.term = raft_log_entry(log, index)->term,
		.config = config_at(log, index),
		.size = size,
	};
	if (copy_bytes(&snapshot.data, data, size) < 0)
		return -1;
	replace_prefix(log, index, &snapshot);
	return 0;
}

int raft_log_install(struct raft_log *log, const struct raft_snapshot *received)
{
	struct raft_snapshot snapshot;
	if (raft_snapshot_copy(&snapshot, received) < 0)
		return -1;
	raft_term term;
	if (raft_log_term_at(log, snapshot.index, &term) && term == snapshot.term &&
	    snapshot.index > log->snapshot.index) {
		replace_prefix(log, snapshot.index, &snapshot); /* keep what follows it */
		return 0;
	}
	raft_log_truncate(log, log->snapshot.index + 1);
	raft_snapshot_free(&log->snapshot);
	log->snapshot = snapshot;
	return 0;
}
