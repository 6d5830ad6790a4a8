/*
 * sync.c - the parent/child protocol's messages (see sync.h for the whole conversation).
 *
 * A message is one 4-byte step number on a SOCK_SEQPACKET socket, so each send is one
 * message and a reader never sees half of one. A step may carry a file descriptor as
 * SCM_RIGHTS ancillary data (unix(7)): the kernel installs a copy of the sender's open file
 * in the receiver. That is how the pty created inside the container reaches the parent,
 * as runc's --console-socket does.
 */
#include "sync.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *sync_step_name(enum sync_step step)
{
	switch (step) {
	case SYNC_USERMAP: return "SYNC_USERMAP";
	case SYNC_CGROUP: return "SYNC_CGROUP";
	case SYNC_NET: return "SYNC_NET";
	case SYNC_READY: return "SYNC_READY";
	case SYNC_GO: return "SYNC_GO";
	}
	return "SYNC_?";
}

int sync_send(int sock, enum sync_step step, int fd)
{
	uint32_t message = (uint32_t)step;
	struct iovec iov = { &message, sizeof(message) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(message))
		return fail_sys("cannot send %s to the other side", sync_step_name(step));
	explain("02-namespaces", "sync: sent %s%s", sync_step_name(step), fd >= 0 ? " (with the pty master)" : "");
	return 0;
}

int sync_expect(int sock, enum sync_step step, int *fd)
{
	uint32_t message = 0;
	struct iovec iov = { &message, sizeof(message) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	if (fd)
		*fd = -1;
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail_sys("cannot receive %s", sync_step_name(step));
	if (n == 0)
		return fail_errno(0, "the other side stopped before %s", sync_step_name(step));
	for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
			int received;
			memcpy(&received, CMSG_DATA(cmsg), sizeof(int));
			if (fd && *fd < 0)
				*fd = received;
			else
				close(received);
		}
	}
	if (n != (ssize_t)sizeof(message) || message != (uint32_t)step) {
		if (fd && *fd >= 0) {
			close(*fd);
			*fd = -1;
		}
		return fail_errno(0, "expected %s, got message %u", sync_step_name(step), (unsigned)message);
	}
	explain("02-namespaces", "sync: received %s", sync_step_name(step));
	return 0;
}
