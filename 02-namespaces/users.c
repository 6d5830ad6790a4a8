/*
 * users.c - `run -u USER[:GROUP]`: names and numbers, resolved in the container's /etc/passwd.
 *
 * A container's users are the image's users. The kernel knows only numbers; names
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
 * Both files belong to whoever built the image, so they are read as hostile input: the entry
 * asked for must give ids of at most 2147483647, as runc requires (MAX_ID says why), and a file
 * that is not a small regular one is not read at all (read_user_file).
 *
 * Next: setup.c, where set_ids() applies the identity.
 */
#include "users.h"
#include "cli.h"
#include "error.h"
#include "files.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest id a container's files may give: runc's limit (libcontainer/user, "uids and gids
 * must be in range 0-2147483647"). uid_t is 32 bits, so a larger number would be cut to 32 bits
 * on the way to setresuid(2): 4294967296 (2^32) becomes 0, root; and 4294967295 is (uid_t)-1,
 * which setresuid reads as "leave this id unchanged", so the command would stay root. Above
 * 2^31-1 an id is also negative for the many programs that keep it in an int. */
#define MAX_ID 2147483647ULL

/* The most of /etc/passwd or /etc/group we read: far above a real file's size (a line is some
 * 50 bytes: 80,000 users), and a bound on what a planted file can make us allocate. */
#define USER_FILE_MAX (4u << 20)

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

/* A numeric USER or GROUP of -u must be an id the kernel reads as that id (MAX_ID). */
static bool valid_id(const char *text)
{
	unsigned long long id;
	return !is_number(text) || parse_uint(text, MAX_ID, &id) == 0;
}

int check_user_spec(const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t user_length = colon ? (size_t)(colon - spec) : strlen(spec);
	if (!valid_part(spec, user_length) || (colon && !valid_part(colon + 1, strlen(colon + 1))))
		return fail_errno(0, "invalid user \"%s\": expected USER or USER:GROUP (names or numbers)", spec);
	char user[40];
	snprintf(user, sizeof(user), "%.*s", (int)user_length, spec);
	if (!valid_id(user) || (colon && !valid_id(colon + 1)))
		return fail_errno(0, "invalid user \"%s\": uids and gids must be in range 0-%llu", spec, MAX_ID);
	return 0;
}

/* One line of /etc/passwd or /etc/group, split at its colons, and where it was (for messages). */
struct entry {
	char *field[8];
	size_t count;
	const char *file;
	unsigned line;
};

/* What a visitor of each_line says about an entry. */
enum visit { NEXT_LINE, FOUND, REFUSED };

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

/* Calls visit(entry, data) for each line of text (the file named file) until it returns FOUND
 * or REFUSED, and returns that; NEXT_LINE when no line was found. */
static enum visit each_line(const char *text, const char *file, size_t max_fields,
			    enum visit (*visit)(const struct entry *, void *), void *data)
{
	if (!text)
		return NEXT_LINE;
	for (unsigned number = 1; *text; number++) {
		const char *end = strchrnul(text, '\n');
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)(end - text), text);
		if (line[0] && line[0] != '#') {
			struct entry e = { .file = file, .line = number };
			e.count = split_fields(line, e.field, max_fields);
			enum visit result = visit(&e, data);
			if (result != NEXT_LINE)
				return result;
		}
		text = *end ? end + 1 : end;
	}
	return NEXT_LINE;
}

/* The id in field index of an entry that matched; out of range (MAX_ID), it is refused, naming
 * the file and the line, rather than skipped: the entry is the one the user asked for. */
static int entry_id(const struct entry *e, size_t index, const char *kind, const char *owner, unsigned *id)
{
	unsigned long long value;
	if (parse_uint(e->field[index], MAX_ID, &value) < 0)
		return fail_errno(0, "%s, line %u: %s \"%s\" of %s \"%s\" is out of range: "
				  "uids and gids must be in range 0-%llu",
				  e->file, e->line, kind, e->field[index], owner, e->field[0], MAX_ID);
	*id = (unsigned)value;
	return 0;
}

struct passwd_query {
	const char *user;
	char name[64];
	struct user_identity *out;
};

/* passwd(5): name:password:uid:gid:gecos:home:shell */
static enum visit match_passwd(const struct entry *e, void *data)
{
	struct passwd_query *q = data;
	char *const *f = e->field;
	if (e->count < 7 || !is_number(f[2]) || !is_number(f[3]))
		return NEXT_LINE;
	unsigned long long wanted, uid;
	bool by_number = parse_uint(q->user, MAX_ID, &wanted) == 0 && parse_uint(f[2], MAX_ID, &uid) == 0 &&
			 uid == wanted;
	if (strcmp(f[0], q->user) != 0 && !by_number)
		return NEXT_LINE;
	unsigned id, gid;
	if (entry_id(e, 2, "uid", "user", &id) < 0 || entry_id(e, 3, "gid", "user", &gid) < 0)
		return REFUSED;
	q->out->uid = id;
	q->out->gid = gid;
	snprintf(q->out->home, sizeof(q->out->home), "%s", f[5][0] ? f[5] : "/");
	snprintf(q->name, sizeof(q->name), "%s", f[0]);
	return FOUND;
}

struct group_query {
	const char *group;
	gid_t gid;
};

/* group(5): name:password:gid:member,member */
static enum visit match_group(const struct entry *e, void *data)
{
	struct group_query *q = data;
	if (e->count < 3 || !is_number(e->field[2]) || strcmp(e->field[0], q->group) != 0)
		return NEXT_LINE;
	unsigned gid;
	if (entry_id(e, 2, "gid", "group", &gid) < 0)
		return REFUSED;
	q->gid = gid;
	return FOUND;
}

struct member_query {
	const char *user;
	struct user_identity *out;
};

static enum visit collect_member(const struct entry *e, void *data)
{
	struct member_query *q = data;
	if (e->count < 4 || !is_number(e->field[2]))
		return NEXT_LINE;
	char members[1024];
	snprintf(members, sizeof(members), "%s", e->field[3]);
	for (char *save, *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (strcmp(m, q->user) == 0 && q->out->group_count < MAX_SUPPLEMENTARY_GROUPS) {
			unsigned gid;
			if (entry_id(e, 2, "gid", "group", &gid) < 0)
				return REFUSED;
			q->out->groups[q->out->group_count++] = gid;
			break;
		}
	}
	return NEXT_LINE; /* keep going: every group counts */
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
	unsigned long long number; /* check_user_spec has seen that a number is at most MAX_ID */
	struct passwd_query pq = { .user = user, .out = out };
	enum visit found = each_line(passwd, "/etc/passwd", 7, match_passwd, &pq);
	if (found == REFUSED)
		return -1;
	if (found == NEXT_LINE) {
		if (parse_uint(user, MAX_ID, &number) < 0)
			return fail_errno(0, "unable to find user %s: no matching entries in passwd file", user);
		out->uid = (uid_t)number;
		out->gid = 0;
		snprintf(out->home, sizeof(out->home), "/");
	}
	if (group_name[0]) {
		struct group_query gq = { .group = group_name };
		found = each_line(group, "/etc/group", 4, match_group, &gq);
		if (found == REFUSED)
			return -1;
		if (found == FOUND)
			out->gid = gq.gid;
		else if (parse_uint(group_name, MAX_ID, &number) == 0)
			out->gid = (gid_t)number;
		else
			return fail_errno(0, "unable to find group %s: no matching entries in group file", group_name);
	}
	if (pq.name[0]) {
		struct member_query mq = { .user = pq.name, .out = out };
		if (each_line(group, "/etc/group", 4, collect_member, &mq) == REFUSED)
			return -1;
	}
	return 0;
}

/* One of the container's user files, or NULL in *text when it has none: not an error, a bare
 * rootfs may have neither, and numbers still work. The container's owner wrote the file, so it is
 * read as read_regular_file reads what others control: a FIFO there would hang `exec -u`, and a
 * link to /dev/zero would fill our memory. */
static int read_user_file(const char *path, char **text)
{
	*text = read_regular_file(path, USER_FILE_MAX, NULL);
	if (*text)
		return 0;
	if (error_errno() != ENOENT)
		return -1;
	error_clear();
	return 0;
}

int resolve_user_in_root(const char *spec, struct user_identity *out)
{
	char *passwd = NULL, *group = NULL;
	int rc = -1;
	if (read_user_file("/etc/passwd", &passwd) == 0 && read_user_file("/etc/group", &group) == 0)
		rc = resolve_user(spec, passwd, group, out);
	free(passwd);
	free(group);
	return rc;
}
