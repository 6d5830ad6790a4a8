/*
 * swarm-vip-hosts.c - the services' block in a task's hosts files (swarm-vip-hosts.h).
 *
 * The extra-hosts file is written before the hosts file: if chapter 02 rewrites the hosts file
 * in between (a container joined the network), it reads the new block already. The one case
 * left, a rewrite that read extra-hosts just before this write and writes the hosts file just
 * after, loses the block from the hosts file until the next change of the services or of the
 * network puts it back.
 */
#include "swarm-vip-hosts.h"

#include "error.h"
#include "files.h"
#include "hosts.h"
#include "network.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *swarm_vip_hosts_replace(const char *text, const char *lines)
{
	const char *begin = strstr(text, SWARM_VIP_HOSTS_BEGIN);
	const char *end = begin ? strstr(begin, SWARM_VIP_HOSTS_END) : NULL;
	size_t before = begin ? (size_t)(begin - text) : strlen(text);
	const char *after = end ? end + strlen(SWARM_VIP_HOSTS_END) : "";
	if (begin && !end)
		after = ""; /* a block cut short (a crash mid-write): it ran to the end */
	/* a last line without its newline gets one, so that the block starts on a line of its own */
	bool newline = before > 0 && text[before - 1] != '\n';
	char *out;
	int n;
	if (lines[0])
		n = asprintf(&out, "%.*s%s%s%s%s%s", (int)before, text, newline ? "\n" : "", after,
		             SWARM_VIP_HOSTS_BEGIN, lines, SWARM_VIP_HOSTS_END);
	else
		n = asprintf(&out, "%.*s%s%s", (int)before, text, newline ? "\n" : "", after);
	if (n < 0) {
		fail_errno(ENOMEM, "cannot write the services' hosts lines");
		return NULL;
	}
	return out;
}

/* path's text with the block replaced; a missing file reads as "". */
static char *replaced(const char *path, const char *lines, bool *existed)
{
	char *text = read_file(path, NULL);
	*existed = text != NULL;
	if (!text) {
		if (error_errno() != ENOENT)
			return NULL;
		error_clear();
	}
	char *out = swarm_vip_hosts_replace(text ? text : "", lines);
	free(text);
	return out;
}

int swarm_vip_hosts_install(const char *container_id, const char *lines)
{
	char extra[PATH_MAX], hosts[PATH_MAX], folder[PATH_MAX];
	network_container_file(container_id, "extra-hosts", extra, sizeof(extra));
	network_container_file(container_id, "hosts", hosts, sizeof(hosts));
	network_container_file(container_id, "", folder, sizeof(folder));
	bool existed;
	char *text = replaced(extra, lines, &existed);
	int rc = text && make_dirs(folder, 0755) == 0 ? write_file_atomic_nosync(extra, text, strlen(text), 0644) : -1;
	free(text);
	if (rc == 0 && (text = replaced(hosts, lines, &existed)) != NULL) {
		/* in place: the container's /etc/hosts is a bind mount of this very inode */
		rc = existed ? hosts_write(hosts, text) : 0;
		free(text);
	} else if (rc == 0) {
		rc = -1;
	}
	if (rc < 0)
		fail_context("cannot name the services in container %.12s", container_id);
	return rc;
}
