/*
 * swarm-control-client.c - the CLI's side of the control socket (swarm-control.h).
 *
 * connect(2) to $TINYDOCK_RUN/swarm/control.sock, one frame out, one frame back. A missing
 * socket (ENOENT) or one nobody listens on any more (ECONNREFUSED: the node died and left
 * the file) both mean the same to the user: there is no node process on this machine.
 */
#include "swarm-control.h"

#include "error.h"
#include "files.h"
#include "json.h"
#include "swarm-frame.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NOT_IN_A_SWARM "this node is not part of a swarm: run `tinydock swarm init` or `tinydock swarm join`"

int swarm_control_path(char *buffer, size_t size)
{
	int n = snprintf(buffer, size, "%s/swarm/control.sock", state_run());
	if (n < 0 || (size_t)n >= size)
		return fail_errno(ENAMETOOLONG, "cannot name the control socket under \"%s\"", state_run());
	return 0;
}

/* A connected, non-blocking socket to the node process; -1 recorded. */
static int connect_control(void)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	if (swarm_control_path(address.sun_path, sizeof address.sun_path) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fail_sys("cannot create a socket for \"%s\"", address.sun_path);
	if (connect(fd, (struct sockaddr *)&address, sizeof address) == 0)
		return fd;
	int err = errno;
	close(fd);
	if (err == ENOENT || err == ECONNREFUSED)
		return fail_errno(0, NOT_IN_A_SWARM);
	return fail_errno(err, "cannot connect to the node process at \"%s\"", address.sun_path);
}

int swarm_control_call(const char *request, char **reply, int timeout_ms)
{
	uint64_t deadline = swarm_monotonic_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	*reply = NULL;
	int fd = connect_control();
	if (fd < 0)
		return -1;
	size_t length;
	int rc = swarm_frame_write(fd, request, strlen(request), deadline);
	if (rc == 0)
		rc = swarm_frame_read(fd, reply, &length, deadline);
	close(fd);
	if (rc < 0)
		return fail_context("cannot ask the node process");
	return 0;
}

int swarm_control_reply_ok(const char *reply)
{
	struct json *tree = json_parse(reply, strlen(reply));
	if (!tree)
		return fail_context("cannot read the node process's reply");
	bool ok = false;
	int rc = 0;
	if (json_bool(json_get(tree, "ok"), &ok) < 0) {
		rc = fail_errno(0, "the node process's reply has no \"ok\"");
	} else if (!ok) {
		const char *message = json_get_string(tree, "error");
		rc = fail_errno(0, "%s", message && *message ? message : "the node process refused the request");
	}
	json_free(tree);
	return rc;
}
