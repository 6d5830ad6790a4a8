/*
 * network-connect.h - `network connect`, `disconnect` and `prune` on containers, as Docker's.
 *
 * Chapter 02's connect and disconnect plug in the network namespace of any process, by its
 * pid: the lab's way to see a veth pair made by hand. Once containers are recorded (this
 * chapter), `docker network connect NETWORK CONTAINER` is what a tutorial types: the
 * container's init is the process, its id and name the endpoint's, and its record remembers
 * the network (NetworkSettings.Networks), so that `inspect` shows it and `start` joins it
 * again. A stopped container is only recorded: it joins at its next start, as with Docker.
 */
#ifndef TINYDOCK_NETWORK_CONNECT_H
#define TINYDOCK_NETWORK_CONNECT_H

/* `network connect [--alias NAME]... NETWORK CONTAINER` (argv[0] "network", argv[1] "connect");
 * a pid that is no container's goes to chapter 02's connect. Returns the exit status. */
int network_connect_command(int argc, char **argv);

/* `network disconnect NETWORK CONTAINER` (a pid or an endpoint's name: chapter 02's). */
int network_disconnect_command(int argc, char **argv);

/* `network prune [-f]`: remove the user networks that no container (running or not) names,
 * asking first unless -f, as `docker network prune`. */
int network_prune_command(int argc, char **argv);

#endif
