/*
 * raft-message.c - the names of Raft's messages, and copies that own their contents.
 *
 * Read next: raft.c, which sends and receives them.
 */
#include "raft-message.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>

const char *raft_message_name(enum raft_message_kind kind)
{
	switch (kind) {
	case RAFT_REQUEST_VOTE: return "RequestVote";
	case RAFT_REQUEST_VOTE_REPLY: return "RequestVoteReply";
	case RAFT_APPEND_ENTRIES: return "AppendEntries";
	case RAFT_APPEND_ENTRIES_REPLY: return "AppendEntriesReply";
	case RAFT_INSTALL_SNAPSHOT: return "InstallSnapshot";
	case RAFT_INSTALL_SNAPSHOT_REPLY: return "InstallSnapshotReply";
	}
	return "?";
}

int raft_message_copy(struct raft_message *dst, const struct raft_message *src)
{
	*dst = *src;
	dst->entries = NULL;
	dst->snapshot = NULL;
	if (src->entry_count) {
		struct raft_entry *entries = calloc(src->entry_count, sizeof(*entries));
		if (!entries)
			return fail_errno(ENOMEM, "cannot copy a raft message of %zu entries", src->entry_count);
		dst->entries = entries;
		for (size_t i = 0; i < src->entry_count; i++) {
			if (raft_entry_copy(&entries[i], &src->entries[i]) < 0) {
				dst->entry_count = i;
				raft_message_free(dst);
				return -1;
			}
		}
	}
	if (src->snapshot) {
		struct raft_snapshot *snapshot = malloc(sizeof(*snapshot));
		if (!snapshot || raft_snapshot_copy(snapshot, src->snapshot) < 0) {
			free(snapshot);
			raft_message_free(dst);
			return fail_errno(ENOMEM, "cannot copy a raft snapshot message");
		}
		dst->snapshot = snapshot;
	}
	return 0;
}

void raft_message_free(struct raft_message *message)
{
	struct raft_entry *entries = (struct raft_entry *)message->entries;
	for (size_t i = 0; entries && i < message->entry_count; i++)
		raft_entry_free(&entries[i]);
	free(entries);
	if (message->snapshot) {
		raft_snapshot_free((struct raft_snapshot *)message->snapshot);
		free((struct raft_snapshot *)message->snapshot);
	}
	message->entries = NULL;
	message->snapshot = NULL;
}
