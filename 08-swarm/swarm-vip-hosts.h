/*
 * swarm-vip-hosts.h - the services' names in a running task's /etc/hosts, kept up to date.
 *
 * A task's container was started with the hosts file chapter 02 writes for it (its network's
 * containers, then its --add-host lines, kept in TINYDOCK_RUN/containers/ID/extra-hosts and
 * appended each time the file is rewritten). The services' lines (swarm_vip_hosts) change
 * while the task runs: a service is created, or removed. So the node keeps them as one block,
 * between two comment lines, in both files: in extra-hosts, so that chapter 02's next rewrite
 * keeps them, and in the hosts file itself, so that they count now. The block is replaced
 * whole, never edited line by line.
 */
#ifndef TINYDOCK_SWARM_VIP_HOSTS_H
#define TINYDOCK_SWARM_VIP_HOSTS_H

/* The comment lines around the block (hosts(5): "#" starts a comment). */
#define SWARM_VIP_HOSTS_BEGIN "# swarm services (tinydock)\n"
#define SWARM_VIP_HOSTS_END "# end of swarm services\n"

/* text with its block of services replaced by lines (or removed when lines is ""), the block
 * at the end; what is outside the block is kept as it was. malloc'd, or NULL (recorded). Pure. */
char *swarm_vip_hosts_replace(const char *text, const char *lines);

/* Put lines in container id's extra-hosts and hosts files (a hosts file that does not exist
 * yet is left for chapter 02 to write, from extra-hosts). -1 (recorded) on a failed write. */
int swarm_vip_hosts_install(const char *container_id, const char *lines);

#endif
