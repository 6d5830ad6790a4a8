/*
 * terminal.h - `run -t`: a pseudo-terminal made inside the container, driven from outside.
 */
#ifndef TINYDOCK_TERMINAL_H
#define TINYDOCK_TERMINAL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

/* In the container (after its devpts is mounted and the root pivoted): open /dev/ptmx and the
 * matching /dev/pts/N. */
int open_pty(int *master, int *slave);

/* In the command's process: a new session whose controlling terminal is slave, and slave as
 * stdin, stdout and stderr. */
int take_terminal(int slave);

/* The parent's side: the user's terminal and the pty master it is relayed to. */
struct terminal {
	int master;          /* the pty master received at SYNC_READY */
	bool forward_input;  /* -i: copy stdin to the master */
	bool raw;            /* the user's terminal was put in raw mode (restore it) */
	struct termios saved;
	char pending[4096];  /* input read from stdin, not yet written to the master */
	size_t pending_length, pending_offset;
};

/* Take over the user's terminal: copy its size to the pty, put it in raw mode. */
int terminal_start(struct terminal *t, int master, bool forward_input);

/* Copy the user's window size to the pty (on start and on SIGWINCH). */
void terminal_copy_size(struct terminal *t);

/* Fill pollfds[0..1] for stdin and the master; returns how many. */
size_t terminal_poll_fds(struct terminal *t, struct pollfd *fds);

/* Act on what poll() reported for those fds. */
void terminal_relay(struct terminal *t, const struct pollfd *fds, size_t count);

/* Copy what is left on the master to stdout, restore the user's terminal, close the master. */
void terminal_stop(struct terminal *t);

#endif
