/*
 * swarm-node.h - the node process: one machine's part of a swarm, as a daemon.
 *
 * `swarm init` and `swarm join` leave one running per machine. It is one process with one
 * poll(2) loop and no threads: every socket is non-blocking, every wait is a deadline on
 * CLOCK_MONOTONIC, so nothing one peer does (or fails to do) can stall the others. What it
 * runs:
 *
 *   - on a manager: its Raft node and store (swarm-manager.h), with connections to the other
 *     managers, its state on disk (swarm-persist.h); when it leads, the control loops and the
 *     dispatcher's side of every node's session (swarm-node-manager.c);
 *   - on every node, managers included: the agent, a session with the leader: heartbeats,
 *     the assignments it receives handed to the executor, the executor's reports sent back
 *     (swarm-node-agent.c);
 *   - the control socket, for the commands of this machine (swarm-control-server.c);
 *   - the TCP listener (on managers), where every connection starts with a hello and its
 *     token (swarm-wire.h, wire.md).
 */
#ifndef TINYDOCK_SWARM_NODE_H
#define TINYDOCK_SWARM_NODE_H

#include "swarm-persist.h"

/* Raft's timing for node processes: a 1 s election timeout (drawn from [1, 2) s) and a 100 ms
 * heartbeat, as in the simulation (Swarm: 10 ticks of 1 s, heartbeat 1 s). TINYDOCK_SWARM_
 * ELECTION_MS overrides the first (tests and the lesson's experiments). */
#define SWARM_NODE_ELECTION_MS 1000
#define SWARM_NODE_RAFT_HEARTBEAT_MS 100
/* The leader's control loops run this often (and right after its store changes). */
#define SWARM_NODE_ROUND_MS 100

/* Run the node of identity until it leaves or is told to stop (SIGTERM): 0, or -1 recorded
 * when it cannot start (the port is taken, the state is damaged). ready, when >= 0, is a
 * pipe to write one line to once the node is up ("ok\n" or the error), then closed. */
int swarm_node_run(const struct swarm_identity *identity, int ready);

#endif
