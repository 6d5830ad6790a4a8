/*
 * sysctls.c - which kernel parameters a container may set, and where they are written (pure).
 *
 * A sysctl is a file under /proc/sys (proc(5), "/proc/sys"). Most of them are global: one value
 * for the whole machine, and a container that wrote kernel.panic or vm.swappiness would change
 * the host. A few belong to a namespace instead, and /proc/sys shows the values of the
 * namespaces of the process that opens the file: net.* those of its network namespace
 * (network_namespaces(7)), the System V IPC limits and fs.mqueue.* those of its IPC namespace
 * (ipc_namespaces(7) lists them: "/proc/sys/fs/mqueue", "/proc/sys/kernel ... msgmax, msgmnb,
 * msgmni, sem, shmall, shmmax, shmmni, and shm_rmid_forced"). Those, and only those, are what
 * `docker run --sysctl` accepts, and only when the namespace is the container's own: under
 * --network host, net.* would be the host's.
 *
 * The setup writes them (setup.c) once the namespaces exist and before the command starts.
 * kernel.hostname is namespaced too (the UTS namespace), but Docker refuses it: --hostname
 * says the same thing, and two ways to set one value disagree.
 */
#include "sysctls.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

/* The IPC namespace's parameters, ipc_namespaces(7). */
static const char *const IPC_SYSCTLS[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool starts_with(const char *text, size_t length, const char *prefix)
{
	size_t n = strlen(prefix);
	return length > n && strncmp(text, prefix, n) == 0;
}

int sysctl_check(const char *text, bool own_network, enum sysctl_namespace *ns)
{
	const char *equals = strchr(text, '=');
	if (!equals || equals == text)
		return fail_errno(0, "invalid sysctl \"%s\": expected KEY=VALUE", text);
	size_t length = (size_t)(equals - text);
	/* a key is dotted words: no '/' (it becomes a path under /proc/sys), no "..", no empty word */
	for (size_t i = 0; i < length; i++)
		if (text[i] == '/' || (text[i] == '.' && (i == 0 || i + 1 == length || text[i + 1] == '.')))
			return fail_errno(0, "invalid sysctl \"%.*s\": a key is words joined by dots", (int)length, text);
	if (starts_with(text, length, "net.")) {
		if (!own_network)
			return fail_errno(0, "sysctl \"%.*s\" is not allowed with the host's network: net.* would change "
					     "the host's own network namespace", (int)length, text);
		*ns = SYSCTL_NET;
		return 0;
	}
	if (starts_with(text, length, "fs.mqueue.")) {
		*ns = SYSCTL_IPC;
		return 0;
	}
	for (size_t i = 0; i < sizeof(IPC_SYSCTLS) / sizeof(IPC_SYSCTLS[0]); i++)
		if (strlen(IPC_SYSCTLS[i]) == length && strncmp(text, IPC_SYSCTLS[i], length) == 0) {
			*ns = SYSCTL_IPC;
			return 0;
		}
	if (length == strlen("kernel.hostname") && strncmp(text, "kernel.hostname", length) == 0)
		return fail_errno(0, "sysctl \"kernel.hostname\" is not allowed: use --hostname");
	return fail_errno(0, "sysctl \"%.*s\" is not allowed: it is not in a namespace of the container's, so it "
			     "would change the host (only net.*, fs.mqueue.*, kernel.shm*, kernel.msg* and kernel.sem)",
			  (int)length, text);
}

int sysctl_path(const char *text, char *path, size_t size, const char **value)
{
	const char *equals = strchr(text, '=');
	if (!equals)
		return fail_errno(0, "invalid sysctl \"%s\": expected KEY=VALUE", text);
	int n = snprintf(path, size, "/proc/sys/%.*s", (int)(equals - text), text);
	if (n < 0 || (size_t)n >= size)
		return fail_errno(0, "sysctl \"%.*s\": the name is too long", (int)(equals - text), text);
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	*value = equals + 1;
	return 0;
}
