/*
 * loopback.c - `lo` up in a new, empty network namespace.
 *
 * Lecture: "the network namespace: its own interfaces, routes and ports". A new network
 * namespace has exactly one interface, the loopback `lo`, and it is DOWN: even 127.0.0.1 does
 * not work until someone sets IFF_UP (network_namespaces(7)). `--network none` means "no
 * network but your own loopback", so the container's first process brings it up, from inside.
 *
 * The flags of an interface are read and set with the SIOCGIFFLAGS / SIOCSIFFLAGS ioctls on
 * any socket (netdevice(7)), the oldest interface to the kernel's network configuration; the
 * networking lesson (networking.md) uses rtnetlink, the modern one, to make veth pairs.
 */
#include "container.h"
#include "error.h"
#include "explain.h"

#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char CHAPTER[] = "02-namespaces";

int loopback_up(void)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return fail_sys("cannot open a socket to configure \"lo\"");
	struct ifreq request;
	memset(&request, 0, sizeof(request));
	strcpy(request.ifr_name, "lo");
	int rc = ioctl(sock, SIOCGIFFLAGS, &request);
	if (rc == 0) {
		request.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(sock, SIOCSIFFLAGS, &request);
	}
	int saved = rc < 0 ? fail_sys("cannot bring \"lo\" up") : 0;
	explain_result(CHAPTER, rc, "ioctl(SIOCSIFFLAGS, \"lo\", IFF_UP)");
	close(sock);
	return saved;
}
