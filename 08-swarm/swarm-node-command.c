/*
 * swarm-node-command.c - `tinydock swarm init`, `join`, `join-token` and `leave`: starting a
 * node process, joining it to a swarm, and stopping it, with Docker's words.
 *
 * init and join return once the node is up and knows its leader, and leave the node process
 * running in the background: a daemon in its own session (setsid(2), so a terminal closing
 * does not take it along), stdin from /dev/null, stdout and stderr appended to
 * $TINYDOCK_RUN/swarm/node.log, its pid in $TINYDOCK_RUN/swarm/node.pid. It tells the
 * command it is up (or why it is not) through a pipe, so the command can say so.
 *
 * join asks before it starts anything: it dials the manager given, shows its token in a
 * hello, learns from the welcome which role the token gives, asks to join, and follows a
 * redirect to the leader; only the leader's answer (the swarm's managers, and for a manager
 * the swarm's tokens) makes it write its identity and start the node.
 */
#include "swarm-node-command.h"

#include "cli.h"
#include "error.h"
#include "files.h"
#include "json.h"
#include "swarm-control.h"
#include "swarm-node-identity.h"
#include "swarm-node-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define SWARM_PORT 2377
/* How long init and join wait for the node to be up and to know its leader. */
#define START_MS 20000

/* --- addresses --------------------------------------------------------------------------------- */

/* "HOST" or "HOST:PORT" into "HOST:PORT" with port when none is given. */
static int with_port(char *dst, size_t size, const char *address, unsigned port)
{
	int n = strchr(address, ':') ? snprintf(dst, size, "%s", address) : snprintf(dst, size, "%s:%u", address, port);
	if (n < 0 || (size_t)n >= size || !address[0] || address[0] == ':')
		return fail_errno(EINVAL, "invalid address \"%s\": expected HOST or HOST:PORT", address);
	struct sockaddr_in sin;
	return node_parse_address(dst, &sin);
}

static unsigned port_of(const char *address)
{
	const char *colon = strrchr(address, ':');
	return colon ? (unsigned)atoi(colon + 1) : SWARM_PORT;
}

/* The address others reach this node at: given, or the listen address's host when it is one,
 * or the first IPv4 address of an interface that is up and not loopback (getifaddrs(3)). */
static int advertise_address(char *dst, size_t size, const char *given, const char *listen)
{
	unsigned port = port_of(listen);
	if (given)
		return with_port(dst, size, given, port);
	if (strncmp(listen, "0.0.0.0:", 8) != 0) {
		snprintf(dst, size, "%s", listen);
		return 0;
	}
	struct ifaddrs *list;
	if (getifaddrs(&list) < 0)
		return fail_sys("cannot list the network interfaces");
	char host[INET_ADDRSTRLEN] = "";
	for (struct ifaddrs *i = list; i && !host[0]; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
			continue;
		inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, host, sizeof host);
	}
	freeifaddrs(list);
	if (!host[0])
		return fail_errno(0, "cannot choose an address to advertise: no interface has an IPv4 address; "
				     "use --advertise-addr");
	snprintf(dst, size, "%s:%u", host, port);
	return 0;
}

static void local_hostname(char *dst, size_t size, const char *given)
{
	struct utsname names;
	if (given)
		swarm_copy_name(dst, size, given);
	else if (uname(&names) == 0)
		swarm_copy_name(dst, size, names.nodename);
	else
		swarm_copy_name(dst, size, "localhost");
}

/* --- the daemon -------------------------------------------------------------------------------- */

static int run_path(char *path, size_t size, const char *name)
{
	int n = snprintf(path, size, "%s/swarm/%s", state_run(), name);
	if (n < 0 || (size_t)n >= size)
		return fail_errno(ENAMETOOLONG, "cannot name %s under \"%s\"", name, state_run());
	return 0;
}

/* Start the node process of identity in the background; 0 once it said it is up. */
static int start_daemon(const struct swarm_identity *identity)
{
	char folder[PATH_MAX], log_path[PATH_MAX], pid_path[PATH_MAX];
	if (run_path(folder, sizeof folder, "") < 0 || run_path(log_path, sizeof log_path, "node.log") < 0 ||
	    run_path(pid_path, sizeof pid_path, "node.pid") < 0)
		return -1;
	if (make_dirs(folder, 0700) < 0)
		return -1;
	int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log < 0)
		return fail_sys("cannot open \"%s\"", log_path);
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0) {
		close(log);
		return fail_sys("cannot make a pipe for the node process");
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(log);
		close(ready[0]);
		close(ready[1]);
		return fail_sys("cannot start the node process");
	}
	if (pid == 0) {
		close(ready[0]);
		setsid();
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(log, STDOUT_FILENO);
		dup2(log, STDERR_FILENO);
		char pid_text[32];
		snprintf(pid_text, sizeof pid_text, "%d\n", (int)getpid());
		int fd = open(pid_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			write_all(fd, pid_text, strlen(pid_text));
			close(fd);
		}
		int rc = swarm_node_run(identity, ready[1]);
		unlink(pid_path);
		/* exit, not _exit: from the fork on, this is the node's own process (its stdio
		 * buffers are its own: the command flushed its before forking) */
		exit(rc == 0 ? 0 : 1);
	}
	close(log);
	close(ready[1]);
	char line[ERROR_MESSAGE_SIZE] = "";
	size_t have = 0;
	struct pollfd pfd = { .fd = ready[0], .events = POLLIN };
	uint64_t deadline = swarm_monotonic_ms() + START_MS;
	while (have + 1 < sizeof line && swarm_monotonic_ms() < deadline) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		ssize_t n = read(ready[0], line + have, sizeof line - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	close(ready[0]);
	line[have] = '\0';
	if (strcmp(line, "ok\n") == 0)
		return 0;
	line[strcspn(line, "\n")] = '\0';
	return fail_errno(0, "the node process did not start: %s", line[0] ? line : "it ended without a word (see node.log)");
}

/* Ask the node for info until it knows its leader: 0, with its info reply in *reply. */
static int wait_for_leader(char **reply)
{
	uint64_t deadline = swarm_monotonic_ms() + START_MS;
	while (swarm_monotonic_ms() < deadline) {
		char *text;
		if (swarm_control_call("{\"op\":\"info\"}", &text, 2000) == 0) {
			struct json *tree = json_parse(text, strlen(text));
			const char *leader = tree ? json_get_string(tree, "leader") : NULL;
			bool known = leader && leader[0];
			json_free(tree);
			if (known) {
				*reply = text;
				return 0;
			}
			free(text);
		}
		error_clear();
		struct timespec pause = { 0, 50 * 1000000 };
		nanosleep(&pause, NULL);
	}
	return fail_errno(ETIMEDOUT, "the node process is up but found no leader within %d s (see %s/swarm/node.log)",
			  START_MS / 1000, state_run());
}

static int already_in_a_swarm(void)
{
	struct swarm_identity identity;
	int found = swarm_identity_load(&identity);
	if (found < 0)
		return -1;
	if (found)
		return fail_errno(0, "this node is already part of a swarm: use \"tinydock swarm leave\" to leave this swarm "
				     "and join another one");
	return 0;
}

/* --- init -------------------------------------------------------------------------------------- */

static const char INIT_HELP[] =
	"Usage:  tinydock swarm init [OPTIONS]\n"
	"\n"
	"Initialize a swarm: this machine's node process starts as its first manager.\n"
	"\n"
	"Options:\n"
	"      --advertise-addr HOST[:PORT]  where other nodes reach this one (default: the first\n"
	"                                    non-loopback IPv4 address, port of --listen-addr)\n"
	"      --listen-addr HOST[:PORT]     where to listen (default 0.0.0.0:2377)\n"
	"      --hostname NAME               the node's hostname (default: uname's)\n";

struct node_flags {
	const char *advertise, *listen, *hostname, *token, *target;
	bool force, quiet;
	const char *role;
};

static int parse_flags(const char *command, int argc, char **argv, struct node_flags *flags, bool takes_target)
{
	memset(flags, 0, sizeof *flags);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		const char **slot = strcmp(arg, "--advertise-addr") == 0 ? &flags->advertise
				    : strcmp(arg, "--listen-addr") == 0  ? &flags->listen
				    : strcmp(arg, "--hostname") == 0     ? &flags->hostname
				    : strcmp(arg, "--token") == 0        ? &flags->token
									 : NULL;
		if (slot) {
			if (!value)
				return usage_error(command, "%s needs a value", arg);
			*slot = value;
			i++;
		} else if (strcmp(arg, "--force") == 0 || strcmp(arg, "-f") == 0) {
			flags->force = true;
		} else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
			flags->quiet = true;
		} else if (arg[0] == '-') {
			return usage_error(command, "unknown flag: %s", arg);
		} else if (takes_target && !flags->target) {
			flags->target = arg;
		} else {
			return usage_error(command, "unexpected argument \"%s\"", arg);
		}
	}
	return 0;
}

/* Start the node of identity, wait for its leader, and on failure undo everything (the
 * state too, when it is new: forget_state). */
static int start_node(const struct swarm_identity *identity, char **info, bool forget_state)
{
	if (start_daemon(identity) == 0 && wait_for_leader(info) == 0)
		return 0;
	struct error_saved first;
	error_save(&first);
	char pid_path[PATH_MAX];
	if (run_path(pid_path, sizeof pid_path, "node.pid") == 0) {
		FILE *f = fopen(pid_path, "r");
		int pid = 0;
		if (f && fscanf(f, "%d", &pid) == 1 && pid > 1)
			kill(pid, SIGKILL);
		if (f)
			fclose(f);
		unlink(pid_path);
	}
	if (forget_state)
		swarm_persist_remove();
	control_remove_socket();
	return error_restore(&first);
}

/* This machine as a node spec: its CPUs and memory (sysconf(3)). */
static void describe(struct swarm_node_spec *spec, const struct swarm_identity *id)
{
	swarm_copy_name(spec->id, sizeof spec->id, id->node);
	swarm_copy_name(spec->hostname, sizeof spec->hostname, id->hostname);
	swarm_copy_name(spec->address, sizeof spec->address, id->address);
	spec->role = id->role;
	spec->availability = SWARM_ACTIVE;
	spec->nano_cpus = sysconf(_SC_NPROCESSORS_ONLN) * 1000000000LL;
	spec->memory_bytes = (int64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
}

/* The first manager puts itself in the store, through its own node (a NODE_JOIN proposal). */
static int propose_self(const struct swarm_identity *id)
{
	struct swarm_command command;
	swarm_command_init(&command, SWARM_NODE_JOIN, 0);
	describe(&command.node, id);
	size_t size;
	char *bytes = swarm_command_encode(&command, &size);
	if (!bytes)
		return -1;
	size_t length = size + 64;
	char *request = malloc(length);
	if (!request) {
		free(bytes);
		return fail_errno(ENOMEM, "cannot make a request");
	}
	snprintf(request, length, "{\"op\":\"propose\",\"command\":%s}", bytes);
	free(bytes);
	char *reply = NULL;
	int rc = swarm_control_call(request, &reply, 10000);
	if (rc == 0)
		rc = swarm_control_reply_ok(reply);
	free(reply);
	free(request);
	return rc;
}

static int cmd_init(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(INIT_HELP);
	struct node_flags flags;
	int code = parse_flags("swarm init", argc, argv, &flags, false);
	if (code)
		return code;
	struct swarm_identity id = { .role = SWARM_MANAGER, .founder = true };
	uint64_t started = swarm_monotonic_ms();
	char *info = NULL;
	if (already_in_a_swarm() < 0 ||
	    with_port(id.listen, sizeof id.listen, flags.listen ? flags.listen : "0.0.0.0", SWARM_PORT) < 0 ||
	    advertise_address(id.address, sizeof id.address, flags.advertise, id.listen) < 0 ||
	    swarm_random_text(id.node, SWARM_NODE_ID_LENGTH) < 0 ||
	    swarm_new_tokens(id.worker_token, id.manager_token, sizeof id.worker_token) < 0)
		return error_report(EXIT_FAILURE);
	local_hostname(id.hostname, sizeof id.hostname, flags.hostname);
	id.raft = swarm_node_raft_id(id.node);
	swarm_copy_name(id.token, sizeof id.token, id.manager_token);
	if (swarm_identity_save(&id) < 0 || start_node(&id, &info, true) < 0)
		return error_report(EXIT_FAILURE);
	free(info);
	/* The node's first command: itself in the store (a manager, with its address). */
	if (propose_self(&id) < 0) {
		fail_context("cannot add this node to the swarm's store");
		return error_report(EXIT_FAILURE);
	}
	printf("Swarm initialized: current node (%s) is now a manager.\n\n"
	       "To add a worker to this swarm, run the following command:\n\n"
	       "    tinydock swarm join --token %s %s\n\n"
	       "To add a manager to this swarm, run 'tinydock swarm join-token manager' and follow the instructions.\n\n",
	       id.node, id.worker_token, id.address);
	if (getenv("TINYDOCK_SWARM_TIMING"))
		fprintf(stderr, "swarm init took %llu ms\n", (unsigned long long)(swarm_monotonic_ms() - started));
	return 0;
}

/* --- join -------------------------------------------------------------------------------------- */

static const char JOIN_HELP[] =
	"Usage:  tinydock swarm join [OPTIONS] HOST:PORT\n"
	"\n"
	"Join a swarm as a worker or a manager (the token says which), through any of its managers.\n"
	"\n"
	"Options:\n"
	"      --token TOKEN                 the join token (tinydock swarm join-token worker|manager)\n"
	"      --advertise-addr HOST[:PORT]  where other nodes reach this one\n"
	"      --listen-addr HOST[:PORT]     where to listen, for a manager (default 0.0.0.0:2377)\n"
	"      --hostname NAME               the node's hostname (default: uname's)\n";

/* A blocking connection to address, open within the deadline; -1 recorded. */
static int dial_blocking(const char *address, uint64_t deadline)
{
	struct sockaddr_in sin;
	if (node_parse_address(address, &sin) < 0)
		return -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_sys("cannot create a socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 && errno != EINPROGRESS) {
		int err = errno;
		close(fd);
		return fail_errno(err, "cannot connect to %s", address);
	}
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	uint64_t now = swarm_monotonic_ms();
	int err = 0;
	socklen_t size = sizeof err;
	if (now >= deadline || poll(&pfd, 1, (int)(deadline - now)) <= 0)
		err = ETIMEDOUT;
	else
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &size);
	if (err) {
		close(fd);
		return fail_errno(err, "cannot connect to %s", address);
	}
	return fd;
}

/* Send message on fd and read the answer into *answer; -1 recorded. */
static int exchange(int fd, const struct swarm_wire_message *message, struct swarm_wire_message *answer, uint64_t deadline)
{
	size_t length;
	char *text = swarm_wire_encode(message, &length);
	if (!text)
		return -1;
	int rc = swarm_frame_write(fd, text, length, deadline);
	free(text);
	if (rc < 0 || swarm_frame_read(fd, &text, &length, deadline) < 0)
		return -1;
	rc = swarm_wire_decode(text, length, answer);
	free(text);
	return rc;
}

/* Ask the manager at address to let id join; follow redirects to the leader. On success,
 * id has its role, managers and (a manager) tokens. */
static int ask_to_join(struct swarm_identity *id, const char *address)
{
	char target[SWARM_NAME_MAX];
	swarm_copy_name(target, sizeof target, address);
	uint64_t deadline = swarm_monotonic_ms() + SWARM_NODE_FORWARD_MS + 5000;
	for (int hops = 0; hops < 5; hops++) {
		int fd = dial_blocking(target, deadline);
		if (fd < 0)
			return -1;
		struct swarm_wire_message hello, answer;
		swarm_wire_init(&hello, SWARM_WIRE_HELLO);
		swarm_copy_name(hello.token, sizeof hello.token, id->token);
		swarm_copy_name(hello.node, sizeof hello.node, id->node);
		swarm_copy_name(hello.address, sizeof hello.address, id->address);
		hello.role = SWARM_WORKER;
		if (exchange(fd, &hello, &answer, deadline) < 0) {
			close(fd);
			return -1;
		}
		if (answer.type == SWARM_WIRE_REFUSED) {
			close(fd);
			return fail_errno(EPERM, "the manager at %s refused this node: %s", target, answer.error);
		}
		id->role = answer.role;
		id->raft = id->role == SWARM_MANAGER ? swarm_node_raft_id(id->node) : 0;
		struct swarm_wire_message join;
		swarm_wire_init(&join, SWARM_WIRE_JOIN);
		describe(&join.join, id);
		int rc = exchange(fd, &join, &answer, deadline);
		close(fd);
		if (rc < 0)
			return -1;
		if (answer.type == SWARM_WIRE_REDIRECT) {
			if (!answer.address[0])
				return fail_errno(EAGAIN, "the swarm has no leader at the moment: try again");
			swarm_copy_name(target, sizeof target, answer.address);
			continue;
		}
		if (answer.type != SWARM_WIRE_JOIN_ANSWER) {
			swarm_wire_free(&answer);
			return fail_errno(EPROTO, "the manager at %s answered a join with a %s message", target,
					  swarm_wire_type_name(answer.type));
		}
		if (answer.error[0])
			return fail_errno(0, "%s", answer.error);
		id->manager_count = answer.manager_count;
		memcpy(id->managers, answer.managers, sizeof answer.managers);
		swarm_copy_name(id->worker_token, sizeof id->worker_token, answer.worker_token);
		swarm_copy_name(id->manager_token, sizeof id->manager_token, answer.manager_token);
		return 0;
	}
	return fail_errno(ELOOP, "the managers sent this node around too many times");
}

static int cmd_join(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(JOIN_HELP);
	struct node_flags flags;
	int code = parse_flags("swarm join", argc, argv, &flags, true);
	if (code)
		return code;
	if (!flags.target)
		return usage_error("swarm join", "requires the address of a manager: HOST:PORT");
	if (!flags.token)
		return usage_error("swarm join", "requires --token (tinydock swarm join-token worker|manager, on a manager)");
	uint64_t started = swarm_monotonic_ms();
	struct swarm_identity id = { .role = SWARM_WORKER };
	char target[SWARM_NAME_MAX], *info = NULL;
	if (already_in_a_swarm() < 0)
		return error_report(EXIT_FAILURE);
	if (!swarm_token_well_formed(flags.token)) {
		fail_errno(EINVAL, "invalid join token: not in the form SWMTKN-1-<digest>-<secret>");
		return error_report(EXIT_FAILURE);
	}
	swarm_copy_name(id.token, sizeof id.token, flags.token);
	if (with_port(target, sizeof target, flags.target, SWARM_PORT) < 0 ||
	    with_port(id.listen, sizeof id.listen, flags.listen ? flags.listen : "0.0.0.0", SWARM_PORT) < 0 ||
	    advertise_address(id.address, sizeof id.address, flags.advertise, id.listen) < 0 ||
	    swarm_random_text(id.node, SWARM_NODE_ID_LENGTH) < 0)
		return error_report(EXIT_FAILURE);
	local_hostname(id.hostname, sizeof id.hostname, flags.hostname);
	if (ask_to_join(&id, target) < 0) {
		fail_context("cannot join the swarm at %s", target);
		return error_report(EXIT_FAILURE);
	}
	if (swarm_identity_save(&id) < 0 || start_node(&id, &info, true) < 0)
		return error_report(EXIT_FAILURE);
	free(info);
	printf("This node joined a swarm as a %s.\n", swarm_role_name(id.role));
	if (getenv("TINYDOCK_SWARM_TIMING"))
		fprintf(stderr, "swarm join took %llu ms\n", (unsigned long long)(swarm_monotonic_ms() - started));
	return 0;
}

/* --- join-token, leave ------------------------------------------------------------------------- */

static const char JOIN_TOKEN_HELP[] =
	"Usage:  tinydock swarm join-token [OPTIONS] (worker|manager)\n"
	"\n"
	"Show the token a worker or a manager joins this swarm with (on a manager).\n"
	"\n"
	"Options:\n"
	"  -q, --quiet    only the token\n";

/* A control request whose reply must say ok: its parsed reply, or NULL (recorded). */
static struct json *call_ok(const char *request)
{
	char *reply;
	if (swarm_control_call(request, &reply, 10000) < 0)
		return NULL;
	struct json *tree = NULL;
	if (swarm_control_reply_ok(reply) == 0)
		tree = json_parse(reply, strlen(reply));
	free(reply);
	return tree;
}

static int cmd_join_token(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(JOIN_TOKEN_HELP);
	struct node_flags flags;
	int code = parse_flags("swarm join-token", argc, argv, &flags, true);
	if (code)
		return code;
	if (!flags.target || (strcmp(flags.target, "worker") != 0 && strcmp(flags.target, "manager") != 0))
		return usage_error("swarm join-token", "requires a role: worker or manager");
	char request[128];
	snprintf(request, sizeof request, "{\"op\":\"join-token\",\"role\":\"%s\"}", flags.target);
	struct json *token = call_ok(request), *info = token ? call_ok("{\"op\":\"info\"}") : NULL;
	if (!info) {
		json_free(token);
		return error_report(EXIT_FAILURE);
	}
	if (flags.quiet)
		printf("%s\n", json_get_string(token, "token"));
	else
		printf("To add a %s to this swarm, run the following command:\n\n    tinydock swarm join --token %s %s\n\n",
		       flags.target, json_get_string(token, "token"), json_get_string(info, "address"));
	json_free(token);
	json_free(info);
	return 0;
}

static const char LEAVE_HELP[] =
	"Usage:  tinydock swarm leave [OPTIONS]\n"
	"\n"
	"Leave the swarm: the node process stops this node's tasks and ends, and its state goes.\n"
	"\n"
	"Options:\n"
	"  -f, --force    leave even as a manager (the others may lose their quorum)\n";

/* The pid the node process wrote, 0 when none. */
static pid_t node_pid(void)
{
	char path[PATH_MAX];
	int pid = 0;
	if (run_path(path, sizeof path, "node.pid") < 0)
		return 0;
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid > 1 ? pid : 0;
}

static int cmd_leave(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(LEAVE_HELP);
	struct node_flags flags;
	int code = parse_flags("swarm leave", argc, argv, &flags, false);
	if (code)
		return code;
	pid_t pid = node_pid();
	struct json *reply = call_ok(flags.force ? "{\"op\":\"leave\",\"force\":true}" : "{\"op\":\"leave\",\"force\":false}");
	if (!reply) {
		/* No node process, but its state (it was killed): --force clears it. */
		struct swarm_identity identity;
		if (!flags.force || swarm_identity_load(&identity) != 1)
			return error_report(EXIT_FAILURE);
		error_clear();
		if (swarm_persist_remove() < 0)
			return error_report(EXIT_FAILURE);
		control_remove_socket();
		printf("Node left the swarm.\n");
		return 0;
	}
	json_free(reply);
	/* The node stops its tasks, then ends: wait for it (bounded), so that a join right after
	 * finds the port and the state free. */
	uint64_t deadline = swarm_monotonic_ms() + 30000;
	while (pid && kill(pid, 0) == 0 && swarm_monotonic_ms() < deadline) {
		struct timespec pause = { 0, 20 * 1000000 };
		nanosleep(&pause, NULL);
	}
	printf("Node left the swarm.\n");
	return 0;
}

static const char START_HELP[] =
	"Usage:  tinydock swarm start\n"
	"\n"
	"Start this machine's node process again from its state on disk (after a crash or a\n"
	"reboot, as Docker's daemon does when it starts): a manager takes its Raft log back and\n"
	"catches up with the leader, a worker finds the leader again.\n";

static int cmd_start(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(START_HELP);
	if (argc > 1)
		return usage_error("swarm start", "takes no arguments");
	struct swarm_identity id;
	int found = swarm_identity_load(&id);
	if (found == 0)
		fail_errno(0, "this node is not part of a swarm: run `tinydock swarm init` or `tinydock swarm join`");
	if (found <= 0)
		return error_report(EXIT_FAILURE);
	char *reply;
	if (swarm_control_call("{\"op\":\"info\"}", &reply, 2000) == 0) {
		free(reply);
		fail_errno(EEXIST, "the node process of %s is running already", id.node);
		return error_report(EXIT_FAILURE);
	}
	error_clear();
	char *info;
	if (start_node(&id, &info, false) < 0)
		return error_report(EXIT_FAILURE);
	free(info);
	printf("Node %s started again as a %s.\n", id.node, swarm_role_name(id.role));
	return 0;
}

int swarm_node_command(int argc, char **argv, bool *handled)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{ "init", cmd_init },
		{ "join", cmd_join },
		{ "join-token", cmd_join_token },
		{ "leave", cmd_leave },
		{ "start", cmd_start },
	};
	*handled = false;
	for (size_t i = 0; argc >= 2 && i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			*handled = true;
			return commands[i].run(argc - 1, argv + 1);
		}
	return 0;
}
