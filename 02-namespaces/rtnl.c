/*
 * rtnl.c - talking to the kernel's routing subsystem over a netlink socket.
 *
 * Network namespaces. socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) opens a
 * line to the kernel; a request is sent with sendto() to port id 0 (the kernel) and
 * the answer comes back as a datagram with the same sequence number (netlink(7)).
 * Requests carry NLM_F_ACK, so every one is answered: success is an NLMSG_ERROR
 * message whose error is 0.
 *
 * The socket's network namespace is fixed when it is created. rtnl_open_in_netns uses
 * that: a short-lived thread joins the container's namespace with setns(2) on
 * /proc/PID/ns/net, creates the socket, and ends. Namespaces belong to threads, so the
 * rest of the process never leaves the host's namespace and nothing has to be undone,
 * yet every request sent on that socket configures the container's links.
 *
 * Read links.c next: which requests set up a container's network, in which order.
 */
#include "rtnl.h"
#include "error.h"
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

/* Every answer we wait for must come within this time: the kernel answers at once,
 * so a longer wait means something is broken, and we say so instead of hanging. */
static const int ANSWER_TIMEOUT_SECONDS = 5;

static int open_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	int on = 1;
	/* Ask for the kernel's reason in words ("Master device not found", ...) along with
	 * the errno; older kernels ignore it, so its failure does not matter. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on));
	struct timeval tv = { .tv_sec = ANSWER_TIMEOUT_SECONDS };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

int rtnl_open(struct rtnl *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = open_socket();
	if (s->fd < 0)
		return fail_sys("cannot open a netlink route socket");
	return 0;
}

struct netns_socket_job {
	int ns_fd;
	int fd;  /* the socket made inside the namespace */
	int err; /* errno of the step that failed */
	const char *step;
};

static void *socket_in_netns(void *arg)
{
	struct netns_socket_job *job = arg;
	if (setns(job->ns_fd, CLONE_NEWNET) < 0) {
		job->err = errno;
		job->step = "setns";
		return NULL;
	}
	job->fd = open_socket();
	if (job->fd < 0) {
		job->err = errno;
		job->step = "socket";
	}
	return NULL; /* the thread, and its place in the namespace, end here */
}

int rtnl_open_in_netns(struct rtnl *s, pid_t pid)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	struct netns_socket_job job = { .fd = -1 };
	job.ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (job.ns_fd < 0)
		return fail_sys("cannot open \"%s\"", path);
	pthread_t thread;
	int err = pthread_create(&thread, NULL, socket_in_netns, &job);
	if (err == 0)
		pthread_join(thread, NULL);
	close(job.ns_fd);
	if (err != 0)
		return fail_errno(err, "cannot start a thread to enter \"%s\"", path);
	errno = job.err;
	explain_result(CHAPTER, job.fd, "setns(\"%s\", CLONE_NEWNET) in a thread; socket(AF_NETLINK, NETLINK_ROUTE)",
		       path);
	if (job.fd < 0)
		return fail_errno(job.err, "cannot open a netlink socket in the network namespace of process %d (%s)",
				  (int)pid, job.step);
	s->fd = job.fd;
	snprintf(s->where, sizeof(s->where), " [netns of pid %d]", (int)pid);
	return 0;
}

void rtnl_close(struct rtnl *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Wait for the answer to seq; returns its errno (0 = acknowledged) or -1 on a socket problem. */
static int wait_answer(struct rtnl *s, uint32_t seq, void *reply, size_t reply_size, char *why, size_t why_size)
{
	/* Large enough for any answer to our requests (an RTM_NEWLINK answer is ~1.5 KiB). */
	union {
		struct nlmsghdr hdr;
		unsigned char bytes[32768];
	} buf;
	/* Bounded: the answer is in one of the first datagrams; each wait is bounded by SO_RCVTIMEO. */
	for (int datagrams = 0; datagrams < 64; datagrams++) {
		ssize_t n = recv(s->fd, buf.bytes, sizeof(buf.bytes), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		unsigned int left = (unsigned int)n;
		for (const struct nlmsghdr *h = &buf.hdr; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq)
				continue; /* an answer to an older request that timed out */
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = nl_decode_error(h, why, why_size);
				return err < 0 ? EPROTO : err;
			}
			if (reply && h->nlmsg_len <= reply_size)
				memcpy(reply, h, h->nlmsg_len);
		}
	}
	errno = EPROTO;
	return -1;
}

int rtnl_talk(struct rtnl *s, struct nl_msg *m, void *reply, size_t reply_size)
{
	char what[320];
	nl_describe(&m->hdr, what, sizeof(what));
	if (m->overflow)
		return fail_errno(EMSGSIZE, "cannot build netlink request %s", what);
	m->hdr.nlmsg_seq = ++s->seq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK }; /* nl_pid 0: the kernel */
	ssize_t sent;
	do
		sent = sendto(s->fd, m->buf, m->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (sent < 0 && errno == EINTR);
	if (sent < 0) {
		explain_result(CHAPTER, -1, "%s%s", what, s->where);
		return fail_sys("cannot send netlink request %s", what);
	}
	char why[256];
	int err = wait_answer(s, m->hdr.nlmsg_seq, reply, reply_size, why, sizeof(why));
	if (err < 0) {
		explain_result(CHAPTER, -1, "%s%s", what, s->where);
		return fail_sys("no answer from the kernel to netlink request %s", what);
	}
	errno = err;
	explain_result(CHAPTER, err ? -1 : 0, "%s%s", what, s->where);
	if (err == 0)
		return 0;
	if (why[0])
		return fail_errno(err, "netlink request %s%s refused (%s)", what, s->where, why);
	return fail_errno(err, "netlink request %s%s refused", what, s->where);
}

int rtnl_dump(struct rtnl *s, struct nl_msg *m, int (*each)(const struct nlmsghdr *h, void *arg), void *arg)
{
	char what[320];
	nl_describe(&m->hdr, what, sizeof(what));
	m->hdr.nlmsg_seq = ++s->seq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(s->fd, m->buf, m->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		explain_result(CHAPTER, -1, "%s%s", what, s->where);
		return fail_sys("cannot send netlink request %s", what);
	}
	union {
		struct nlmsghdr hdr;
		unsigned char bytes[32768];
	} buf;
	long answers = 0;
	/* A dump comes as many datagrams, each holding several messages. Bounded: a routing
	 * table of a million routes would still end well before this. */
	for (int datagrams = 0; datagrams < 100000; datagrams++) {
		ssize_t n = recv(s->fd, buf.bytes, sizeof(buf.bytes), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			explain_result(CHAPTER, -1, "%s%s", what, s->where);
			return fail_sys("no complete answer from the kernel to netlink request %s", what);
		}
		unsigned int left = (unsigned int)n;
		for (const struct nlmsghdr *h = &buf.hdr; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != m->hdr.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				explain_result(CHAPTER, answers, "%s%s: answers", what, s->where);
				return 0;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				char why[256];
				int err = nl_decode_error(h, why, sizeof(why));
				errno = err > 0 ? err : EPROTO;
				explain_result(CHAPTER, -1, "%s%s", what, s->where);
				return fail_errno(errno, "netlink request %s refused", what);
			}
			answers++;
			if (each(h, arg) < 0) {
				explain(CHAPTER, "%s%s: stopped at answer %ld", what, s->where, answers);
				return -1; /* the socket is left mid-dump: callers close it right after */
			}
		}
	}
	return fail_errno(EPROTO, "netlink request %s: the answer does not end", what);
}

int rtnl_link_index_of(struct rtnl *s, const char *name)
{
	struct nl_msg m;
	rtnl_msg_get_link(&m, name);
	union {
		struct nlmsghdr hdr;
		unsigned char bytes[8192];
	} reply = { .hdr.nlmsg_type = NLMSG_DONE };
	if (rtnl_talk(s, &m, reply.bytes, sizeof(reply.bytes)) < 0)
		return -1;
	int index = rtnl_link_index(&reply.hdr);
	if (index <= 0)
		return fail_errno(EPROTO, "no link index in the kernel's answer about \"%s\"", name);
	return index;
}
