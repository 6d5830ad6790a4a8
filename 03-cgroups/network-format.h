/*
 * network-format.h - chapter 02's networks as JSON documents and template rows, so that
 * `network inspect -f`, `inspect --type network` and `network ls --format` work as Docker's.
 */
#ifndef TINYDOCK_NETWORK_FORMAT_H
#define TINYDOCK_NETWORK_FORMAT_H

struct json;

/* A network as `docker network inspect` shows it (Name, Id, Driver, IPAM, Containers, ...). */
struct json *network_inspect_document(const char *name);

/* `network`: chapter 02's command, with `ls --format/--filter/-q` and `inspect -f` added. */
int cmd_network_formatted(int argc, char **argv);

#endif
