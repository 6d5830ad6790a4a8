/*
 * swarm-node-identity.c - node ids, Raft ids and join tokens (swarm-node-identity.h).
 */
#include "swarm-node-identity.h"

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int swarm_random_text(char *text, size_t length)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char bytes[128];
	if (length > sizeof bytes)
		return fail_errno(EINVAL, "cannot draw %zu random characters", length);
	/* getrandom(2) without flags blocks only until the kernel's pool is first seeded. 256 is a
	 * multiple of 36 plus 4: the few values over 252 are drawn again, so each character is
	 * uniform over the alphabet. */
	size_t have = 0;
	while (have < length) {
		if (getrandom(bytes, sizeof bytes, 0) < 0) {
			if (errno == EINTR)
				continue;
			return fail_sys("cannot draw random characters");
		}
		for (size_t i = 0; i < sizeof bytes && have < length; i++)
			if (bytes[i] < 252)
				text[have++] = alphabet[bytes[i] % 36];
	}
	text[length] = '\0';
	return 0;
}

raft_id swarm_node_raft_id(const char *node)
{
	uint32_t hash = 2166136261u; /* FNV-1a, 32 bits (RFC draft-eastlake-fnv) */
	for (const unsigned char *p = (const unsigned char *)node; *p; p++)
		hash = (hash ^ *p) * 16777619u;
	return hash ? hash : 1;
}

int swarm_new_tokens(char *worker, char *manager, size_t size)
{
	char digest[SWARM_TOKEN_DIGEST_LENGTH + 1], secret_w[SWARM_TOKEN_SECRET_LENGTH + 1],
		secret_m[SWARM_TOKEN_SECRET_LENGTH + 1];
	if (swarm_random_text(digest, SWARM_TOKEN_DIGEST_LENGTH) < 0 ||
	    swarm_random_text(secret_w, SWARM_TOKEN_SECRET_LENGTH) < 0 ||
	    swarm_random_text(secret_m, SWARM_TOKEN_SECRET_LENGTH) < 0)
		return -1;
	snprintf(worker, size, "SWMTKN-1-%s-%s", digest, secret_w);
	snprintf(manager, size, "SWMTKN-1-%s-%s", digest, secret_m);
	return 0;
}

bool swarm_token_well_formed(const char *text)
{
	static const char prefix[] = "SWMTKN-1-";
	size_t n = strlen(prefix);
	if (strncmp(text, prefix, n) != 0 || strlen(text) != n + SWARM_TOKEN_DIGEST_LENGTH + 1 + SWARM_TOKEN_SECRET_LENGTH ||
	    text[n + SWARM_TOKEN_DIGEST_LENGTH] != '-')
		return false;
	for (const char *p = text + n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || p == text + n + SWARM_TOKEN_DIGEST_LENGTH))
			return false;
	return true;
}

/* Compare in time that does not depend on where the first difference is, so that a peer
 * cannot find a secret a character at a time by timing refusals. */
static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int swarm_token_role(const char *token, const char *worker_token, const char *manager_token)
{
	if (!swarm_token_well_formed(token))
		return fail_errno(EINVAL, "invalid join token: not in the form SWMTKN-1-<digest>-<secret>");
	size_t digest_end = strlen("SWMTKN-1-") + SWARM_TOKEN_DIGEST_LENGTH;
	if (manager_token[0] && same_secret(token, manager_token))
		return SWARM_MANAGER;
	if (worker_token[0] && same_secret(token, worker_token))
		return SWARM_WORKER;
	if (strncmp(token, worker_token[0] ? worker_token : manager_token, digest_end) != 0)
		return fail_errno(EPERM, "invalid join token: it is for another swarm");
	return fail_errno(EPERM, "invalid join token: the secret is wrong (rotated or mistyped)");
}
