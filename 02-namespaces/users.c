/*
 * users.c - `run -u USER[:GROUP]`: names and numbers, resolved in the container's /etc/passwd.
 *
 * Lecture: "a container's users are the image's users". The kernel knows only numbers; names
 * live in /etc/passwd and /etc/group, and the ones that count are the CONTAINER's files, not
 * the host's: `-u nobody` means whatever uid the image calls nobody. So the lookup happens
 * inside, after pivot_root, just before the ids change. The rules are Docker's (runc's
 * libcontainer/user, GetExecUser), so that the same flag gives the same ids:
 *
 *   -u NAME        the passwd entry of NAME: its uid, its primary gid, its home;
 *                  no such entry: "unable to find user NAME: no matching entries in passwd file"
 *   -u 1000        uid 1000; gid and home from the entry with uid 1000 if there is one, else
 *                  gid 0 and home "/" (a number needs no entry)
 *   -u U:GROUP     the gid of GROUP in /etc/group (a number is used as it is)
 *   (no -u)        root, as "0"
 *
 * Supplementary groups are every /etc/group line that lists the user's name as a member.
 * Parsing is pure (text in, identity out), so the unit tests need no files.
 *
 * Next: setup.c, where set_ids() applies the identity.
 */
#include "users.h"
#include "cli.h"
#include "error.h"
#include "files.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool is_number(const char *text)
{
	if (!*text)
		return false;
	for (; *text; text++)
		if (!isdigit((unsigned char)*text))
			return false;
	return true;
}

/* A name or number: not empty, no ':' (the separator), at most 32 characters, printable. */
static bool valid_part(const char *text, size_t length)
{
	if (length == 0 || length > 32)
		return false;
	for (size_t i = 0; i < length; i++)
		if (!isgraph((unsigned char)text[i]) || text[i] == ':')
			return false;
	return true;
}

int check_user_spec(const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t user_length = colon ? (size_t)(colon - spec) : strlen(spec);
	bool ok = valid_part(spec, user_length) && (!colon || valid_part(colon + 1, strlen(colon + 1)));
	unsigned long long id;
	if (ok && is_number(spec) && parse_uint(spec, 4294967294ULL, &id) < 0)
		ok = false;
	if (ok && colon && is_number(colon + 1) && parse_uint(colon + 1, 4294967294ULL, &id) < 0)
		ok = false;
	if (!ok)
		return fail_errno(0, "invalid user \"%s\": expected USER or USER:GROUP (names or numbers)", spec);
	return 0;
}

/* Split one line of a colon-separated file into at most max fields (the line is changed). */
static size_t split_fields(char *line, char **fields, size_t max)
{
	size_t count = 0;
	fields[count++] = line;
	for (char *p = line; *p && count < max; p++) {
		if (*p == ':') {
			*p = '\0';
			fields[count++] = p + 1;
		}
	}
	return count;
}

/* Calls visit(fields, count, data) for each line of text until it returns true. */
static bool each_line(const char *text, size_t max_fields, bool (*visit)(char **, size_t, void *), void *data)
{
	if (!text)
		return false;
	while (*text) {
		const char *end = strchrnul(text, '\n');
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)(end - text), text);
		char *fields[8];
		if (line[0] && line[0] != '#') {
			size_t count = split_fields(line, fields, max_fields);
			if (visit(fields, count, data))
				return true;
		}
		text = *end ? end + 1 : end;
	}
	return false;
}

struct passwd_query {
	const char *user;
	char name[64];
	struct user_identity *out;
};

/* passwd(5): name:password:uid:gid:gecos:home:shell */
static bool match_passwd(char **f, size_t count, void *data)
{
	struct passwd_query *q = data;
	if (count < 7 || !is_number(f[2]) || !is_number(f[3]))
		return false;
	if (strcmp(f[0], q->user) != 0 && !(is_number(q->user) && strtoul(f[2], NULL, 10) == strtoul(q->user, NULL, 10)))
		return false;
	q->out->uid = (uid_t)strtoul(f[2], NULL, 10);
	q->out->gid = (gid_t)strtoul(f[3], NULL, 10);
	snprintf(q->out->home, sizeof(q->out->home), "%s", f[5][0] ? f[5] : "/");
	snprintf(q->name, sizeof(q->name), "%s", f[0]);
	return true;
}

struct group_query {
	const char *group;
	gid_t gid;
};

/* group(5): name:password:gid:member,member */
static bool match_group(char **f, size_t count, void *data)
{
	struct group_query *q = data;
	if (count < 3 || !is_number(f[2]) || strcmp(f[0], q->group) != 0)
		return false;
	q->gid = (gid_t)strtoul(f[2], NULL, 10);
	return true;
}

struct member_query {
	const char *user;
	struct user_identity *out;
};

static bool collect_member(char **f, size_t count, void *data)
{
	struct member_query *q = data;
	if (count < 4 || !is_number(f[2]))
		return false;
	char members[1024];
	snprintf(members, sizeof(members), "%s", f[3]);
	for (char *save, *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (strcmp(m, q->user) == 0 && q->out->group_count < MAX_SUPPLEMENTARY_GROUPS) {
			q->out->groups[q->out->group_count++] = (gid_t)strtoul(f[2], NULL, 10);
			break;
		}
	}
	return false; /* keep going: every group counts */
}

int resolve_user(const char *spec, const char *passwd, const char *group, struct user_identity *out)
{
	if (check_user_spec(spec) < 0)
		return -1;
	char user[40], group_name[40] = "";
	const char *colon = strchr(spec, ':');
	snprintf(user, sizeof(user), "%.*s", (int)(colon ? (size_t)(colon - spec) : strlen(spec)), spec);
	if (colon)
		snprintf(group_name, sizeof(group_name), "%s", colon + 1);

	memset(out, 0, sizeof(*out));
	struct passwd_query pq = { .user = user, .out = out };
	if (!each_line(passwd, 7, match_passwd, &pq)) {
		if (!is_number(user))
			return fail_errno(0, "unable to find user %s: no matching entries in passwd file", user);
		out->uid = (uid_t)strtoul(user, NULL, 10);
		out->gid = 0;
		snprintf(out->home, sizeof(out->home), "/");
	}
	if (group_name[0]) {
		struct group_query gq = { .group = group_name };
		if (each_line(group, 4, match_group, &gq))
			out->gid = gq.gid;
		else if (is_number(group_name))
			out->gid = (gid_t)strtoul(group_name, NULL, 10);
		else
			return fail_errno(0, "unable to find group %s: no matching entries in group file", group_name);
	}
	if (pq.name[0]) {
		struct member_query mq = { .user = pq.name, .out = out };
		each_line(group, 4, collect_member, &mq);
	}
	return 0;
}

int resolve_user_in_root(const char *spec, struct user_identity *out)
{
	/* A missing file is not an error: a bare rootfs may have neither, and numbers still work. */
	char *passwd = access("/etc/passwd", F_OK) == 0 ? read_file("/etc/passwd", NULL) : NULL;
	char *group = access("/etc/group", F_OK) == 0 ? read_file("/etc/group", NULL) : NULL;
	int rc = resolve_user(spec, passwd, group, out);
	free(passwd);
	free(group);
	return rc;
}
