/*
 * terminal.c - `run -it`: a real terminal for the container.
 *
 * `-t` allocates a pseudo-TTY. A pty is a pair of devices (pty(7)): whatever is
 * written to the master arrives at the slave as if typed on a keyboard, and what a program
 * writes to the slave comes out of the master. Between them sits the kernel's line
 * discipline, which is what makes a terminal a terminal: it echoes, edits lines, turns
 * Ctrl-C into SIGINT for the foreground process group, and sends SIGWINCH when the size
 * changes. Shells, editors and job control need all of it; a pipe has none.
 *
 * Where the pieces live, and why:
 *  - The pty is made INSIDE the container, from its own devpts (devices.c), so that inside
 *    `tty` says /dev/pts/0 and the slave exists in the container's /dev. The master is sent
 *    to the parent over the sync socket (SCM_RIGHTS), as runc's --console-socket does.
 *  - The command gets the slave as its controlling terminal: setsid(2) makes a new session,
 *    ioctl(TIOCSCTTY) attaches the terminal to it (tty_ioctl(4)). That is what lets the
 *    shell put jobs in the foreground and background (job control), and what makes Ctrl-C
 *    reach the container's foreground process, not tinydock.
 *  - The user's own terminal is put in raw mode (cfmakeraw(3)): every key, Ctrl-C included,
 *    goes to the container's line discipline untouched. It is restored on the way out.
 *  - The window size is copied with TIOCGWINSZ/TIOCSWINSZ at start and on every SIGWINCH;
 *    the kernel then signals the container's foreground process group itself.
 *
 * Next: setup.c, where these are called.
 */
#include "terminal.h"
#include "error.h"
#include "explain.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

int open_pty(int *master, int *slave)
{
	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	explain_result(CHAPTER, *master, "open(\"/dev/ptmx\", O_RDWR|O_NOCTTY)");
	if (*master < 0)
		return fail_sys("cannot open \"/dev/ptmx\" in the container");
	char name[64];
	if (unlockpt(*master) < 0 || ptsname_r(*master, name, sizeof(name)) != 0) {
		fail_sys("cannot unlock the pty");
		close(*master);
		return -1;
	}
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	explain_result(CHAPTER, *slave, "open(\"%s\", O_RDWR|O_NOCTTY)", name);
	if (*slave < 0) {
		fail_sys("cannot open \"%s\"", name);
		close(*master);
		return -1;
	}
	return 0;
}

int take_terminal(int slave)
{
	if (explain_result(CHAPTER, ioctl(slave, TIOCSCTTY, 0), "ioctl(%d, TIOCSCTTY)", slave) < 0)
		return fail_sys("cannot make the pty the controlling terminal");
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			return fail_sys("cannot use the pty as fd %d", fd);
	explain(CHAPTER, "dup2(%d, 0), dup2(%d, 1), dup2(%d, 2) = 0", slave, slave, slave);
	if (slave > 2)
		close(slave);
	return 0;
}

/* The user's terminal: stdin if it is one, else stdout. */
static int user_terminal(void)
{
	return isatty(STDIN_FILENO) ? STDIN_FILENO : isatty(STDOUT_FILENO) ? STDOUT_FILENO : -1;
}

void terminal_copy_size(struct terminal *t)
{
	struct winsize size;
	int fd = user_terminal();
	if (fd < 0 || ioctl(fd, TIOCGWINSZ, &size) < 0)
		return;
	explain_result(CHAPTER, ioctl(t->master, TIOCSWINSZ, &size), "ioctl(master, TIOCSWINSZ, %ux%u)",
		       (unsigned)size.ws_col, (unsigned)size.ws_row);
}

int terminal_start(struct terminal *t, int master, bool forward_input)
{
	memset(t, 0, sizeof(*t));
	t->master = master;
	t->forward_input = forward_input;
	/* Non-blocking, so that a container that stops reading never freezes the relay (and with it
	 * the signals we pass on). */
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	terminal_copy_size(t);
	if (forward_input && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t->saved) == 0) {
		struct termios raw = t->saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
			return fail_sys("cannot put the terminal in raw mode");
		t->raw = true;
		explain(CHAPTER, "tcsetattr(0, raw mode) = 0");
	}
	return 0;
}

size_t terminal_poll_fds(struct terminal *t, struct pollfd *fds)
{
	size_t n = 0;
	if (t->forward_input && t->pending_length == 0)
		fds[n++] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
	if (t->master >= 0)
		fds[n++] = (struct pollfd){ t->master, (short)(POLLIN | (t->pending_length ? POLLOUT : 0)), 0 };
	return n;
}

/* Copy what the master has to stdout; false when the pty has closed (every slave fd is gone). */
static bool copy_output(struct terminal *t)
{
	char buf[8192];
	for (int round = 0; round < 64; round++) {
		ssize_t n = read(t->master, buf, sizeof(buf));
		if (n > 0) {
			if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				return true; /* nobody reads our output any more; keep the container running */
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		return false; /* EIO: the slave side is closed */
	}
	return true;
}

void terminal_relay(struct terminal *t, const struct pollfd *fds, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == STDIN_FILENO) {
			ssize_t n = read(STDIN_FILENO, t->pending, sizeof(t->pending));
			if (n > 0) {
				t->pending_length = (size_t)n;
				t->pending_offset = 0;
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				t->forward_input = false; /* stdin closed: the container goes on without input */
			}
			continue;
		}
		if (fds[i].revents & POLLOUT) {
			ssize_t n = write(t->master, t->pending + t->pending_offset, t->pending_length - t->pending_offset);
			if (n > 0)
				t->pending_offset += (size_t)n;
			if (t->pending_offset == t->pending_length || (n < 0 && errno != EAGAIN && errno != EINTR))
				t->pending_length = t->pending_offset = 0;
		}
		if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && !copy_output(t)) {
			close(t->master);
			t->master = -1;
		}
	}
}

void terminal_stop(struct terminal *t)
{
	if (t->master >= 0) {
		copy_output(t);
		close(t->master);
		t->master = -1;
	}
	if (t->raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
		t->raw = false;
		explain(CHAPTER, "tcsetattr(0, saved mode) = 0");
	}
}
