/*
 * hosts.c - names for containers: the /etc/hosts file each one sees.
 *
 * On a user-defined network, containers find each other by name
 * (the Compose demo's web page fetches http://product-service). Docker answers those
 * names from a DNS server inside its daemon; tinydock has no daemon, so it uses the
 * oldest name service there is: /etc/hosts (hosts(5)), which every libc (and busybox)
 * reads before asking DNS. Each container gets its own file, at
 * TINYDOCK_RUN/containers/ID/hosts, which `tinydock run` bind-mounts onto /etc/hosts:
 *
 *     127.0.0.1	localhost
 *     ::1	localhost ip6-localhost ip6-loopback
 *     10.250.3.2	web www 4f2a1b3c9d0e      <- its own line first
 *     10.250.3.3	db 77c0de5a1b2c           <- every other container on the network
 *
 * When a container joins or leaves, network.c rewrites the file of every container on
 * that network, so a container started first still finds one started later. (Docker
 * resolves names only on user-defined networks; tinydock writes them on every network,
 * the default bridge included, because it costs nothing here.)
 *
 * Why rewrite in place and not rename a new file over it? A bind mount holds the
 * inode, not the name: after rename(2) the container would keep seeing the old file
 * forever. So the new text is written over the same inode in one write(2), then the
 * file is cut to its new length. A reader racing the update may see an old tail for a
 * moment; resolvers re-read the file on every lookup, so the next lookup is right.
 * Read network.c next: the checklist that puts these pieces together.
 */
#include "hosts.h"
#include "error.h"
#include "files.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void host_line(FILE *f, const struct endpoint *e)
{
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &e->address, ip, sizeof(ip));
	fprintf(f, "%s\t", ip);
	if (e->name[0])
		fprintf(f, "%s ", e->name);
	for (size_t a = 0; a < e->alias_count; a++)
		fprintf(f, "%s ", e->aliases[a]);
	/* Docker's containers also answer to their short id, which is their default hostname. */
	fprintf(f, "%.12s\n", e->id);
}

char *hosts_render(const char *self_id, const char *network, const struct endpoint_table *t)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f) {
		fail_errno(ENOMEM, "cannot make a hosts file");
		return NULL;
	}
	fprintf(f, "# written by tinydock for the containers of network %s; rewritten when one joins or leaves\n",
		network);
	fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	long self = endpoints_find(t, self_id);
	if (self >= 0)
		host_line(f, &t->items[self]);
	for (size_t i = 0; i < t->count; i++)
		if ((long)i != self)
			host_line(f, &t->items[i]);
	if (fclose(f) != 0) {
		free(text);
		fail_errno(ENOMEM, "cannot make a hosts file");
		return NULL;
	}
	return text;
}

int hosts_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return fail_sys("cannot open \"%s\"", path);
	int rc = 0;
	if (pwrite(fd, text, len, 0) != (ssize_t)len || ftruncate(fd, (off_t)len) < 0)
		rc = fail_sys("cannot write \"%s\"", path);
	if (close(fd) < 0 && rc == 0)
		rc = fail_sys("cannot write \"%s\"", path);
	return rc;
}

/* True when every nameserver line names a loopback address (a local stub resolver). */
static bool only_local_nameservers(const char *text)
{
	bool any = false;
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char address[64];
		if (sscanf(line, "nameserver %63s", address) != 1)
			continue;
		any = true;
		if (strncmp(address, "127.", 4) != 0 && strcmp(address, "::1") != 0)
			return false;
	}
	return any;
}

int resolv_conf_copy(const char *path)
{
	/* Inside the container, 127.0.0.53 is the container's own loopback, where nothing
	 * listens: systemd-resolved keeps the real upstream servers in this file. */
	static const char UPSTREAM[] = "/run/systemd/resolve/resolv.conf";
	size_t size = 0;
	char *text = read_file("/etc/resolv.conf", &size);
	if (!text) {
		/* A host without resolv.conf: the container gets an empty one, as Docker's does. */
		error_clear();
		return write_file_atomic_nosync(path, "", 0, 0644);
	}
	if (only_local_nameservers(text) && access(UPSTREAM, R_OK) == 0) {
		size_t upstream_size = 0;
		char *upstream = read_file(UPSTREAM, &upstream_size);
		if (upstream) {
			free(text);
			text = upstream;
			size = upstream_size;
		} else {
			error_clear(); /* keep the host's file after all */
		}
	}
	int rc = write_file_atomic_nosync(path, text, size, 0644);
	free(text);
	return rc;
}
