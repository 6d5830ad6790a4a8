/*
 * swarm-cli.h - the swarm's commands: `node`, `service` and `stack`, as Docker has them.
 *
 * A command never touches the swarm's store. It asks this machine's node process over the
 * control socket (swarm-control.h): {"op":"state"} to read what the managers hold, and
 * {"op":"propose","command":...} to change it, one swarm command (swarm-command.h) that the
 * leader commits through Raft and every manager applies. So `service scale web=5` is: read
 * the spec of web, write 5 into a copy, propose SERVICE_UPDATE with the copy, and, as Docker
 * does unless -d, watch the tasks until the 5 run. What runs them is the managers' control
 * loops and the workers; the command only writes down what is wanted.
 *
 * The commands (swarm-cli-node.c, swarm-cli-service.c, stack-cli.c) share what is here.
 */
#ifndef TINYDOCK_SWARM_CLI_H
#define TINYDOCK_SWARM_CLI_H

#include "filters.h"
#include "swarm-cli-state.h"
#include "swarm-command.h"
#include "swarm-print.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* How long a command waits for its node's answer: a proposal waits for Raft's commit, which
 * takes an election first when the leader has just died (a few seconds at most). */
#define SWARM_CLI_STATE_TIMEOUT_MS 5000
#define SWARM_CLI_PROPOSE_TIMEOUT_MS 15000
/* How long `service create` and friends watch the tasks before they give up waiting (the
 * service stays as created; `service ps` shows why its tasks do not run). */
#define SWARM_CLI_CONVERGE_TIMEOUT_MS 60000

/* The swarm's state as this machine's node sees it. 0, or -1 recorded (no node here, ...). */
int swarm_cli_state(struct swarm_state *state);

/* Propose command (its `at` is the leader's to set) and wait until it is committed and
 * applied. 0, or -1 with the reason recorded (a refused command says why). */
int swarm_cli_propose(const struct swarm_command *command);

/* Milliseconds of Unix time, the clock the leader stamps commands with. */
uint64_t swarm_cli_now_ms(void);

/* The service named ref, or whose ID starts with ref (a unique prefix); NULL with
 * "service REF not found" recorded. */
const struct swarm_service *swarm_cli_find_service(const struct swarm_state *state, const char *ref);

/* Watch the service's tasks until every slot runs its current spec (printing Docker's
 * progress lines on out) or timeout_ms pass. 0 when converged; -1 recorded otherwise. */
int swarm_cli_converge(const char *service, int timeout_ms, FILE *out);

/* The flags of the listing commands, as Docker's: -q/--quiet, --no-trunc, --format F,
 * --pretty, and -f: --filter KEY=VALUE for a list (filter_keys, swarm-print.h), --format for
 * inspect (filter_keys NULL). */
struct swarm_cli_listing {
	struct swarm_list_options list;
	struct filters filters;
	bool pretty;
};

/* Read argv (argv[0] is the subcommand) into *l; *first gets the first argument. 0, or the
 * exit status of a usage error (printed, naming command). */
int swarm_cli_listing_flags(const char *command, int argc, char **argv, const char *const *filter_keys,
			    struct swarm_cli_listing *l, int *first);
void swarm_cli_listing_free(struct swarm_cli_listing *l);

int cmd_node(int argc, char **argv);
int cmd_service(int argc, char **argv);
int cmd_stack(int argc, char **argv);

#endif
