/*
 * endpoints.c - the list of containers connected to a network, as a text file.
 *
 * Containers on the same user-defined network reach each other by name.
 * Docker keeps this list in its daemon; tinydock has no daemon, so the list is a small
 * file under TINYDOCK_RUN/networks/NAME/endpoints that every `tinydock run` reads and
 * rewrites under a lock (network.c). One line per container:
 *
 *     10.250.3.2 4242 veth4f2a1b3 4f2a1b3c... web www api
 *     address    pid  host veth   id          name aliases...
 *
 * From it come both the address allocator's "used" set (ipam.c) and every container's
 * /etc/hosts (hosts.c). It lives under TINYDOCK_RUN (a tmpfs, /run) because it describes
 * live processes: after a reboot no container is connected, and neither is anything here.
 * Read hosts.c next: the names this list gives to every container.
 */
#include "endpoints.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_line(char *line, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	char *save = NULL;
	char *field[4 + 1 + ENDPOINT_ALIASES_MAX];
	size_t n = 0;
	for (char *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == sizeof(field) / sizeof(field[0]))
			return fail_errno(0, "too many aliases (at most %d)", ENDPOINT_ALIASES_MAX);
		field[n++] = w;
	}
	if (n < 5)
		return fail_errno(0, "expected ADDRESS PID VETH ID NAME [ALIAS...]");
	if (inet_pton(AF_INET, field[0], &e->address) != 1)
		return fail_errno(0, "bad address \"%s\"", field[0]);
	char *end;
	long pid = strtol(field[1], &end, 10);
	if (*end != '\0' || pid <= 0)
		return fail_errno(0, "bad pid \"%s\"", field[1]);
	e->pid = (pid_t)pid;
	if (strlen(field[2]) >= sizeof(e->veth) || strlen(field[3]) >= sizeof(e->id) ||
	    strlen(field[4]) >= sizeof(e->name))
		return fail_errno(0, "a name is too long");
	strcpy(e->veth, field[2]);
	strcpy(e->id, field[3]);
	if (strcmp(field[4], "-") != 0)
		strcpy(e->name, field[4]);
	for (size_t i = 5; i < n; i++) {
		if (strlen(field[i]) >= sizeof(e->aliases[0]))
			return fail_errno(0, "alias \"%s\" is too long", field[i]);
		strcpy(e->aliases[e->alias_count++], field[i]);
	}
	return 0;
}

int endpoints_parse(const char *text, struct endpoint_table *out)
{
	out->items = NULL;
	out->count = 0;
	char *copy = strdup(text);
	if (!copy)
		return fail_errno(ENOMEM, "cannot read the endpoints");
	char *save = NULL;
	int line_number = 0, rc = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line_number++;
		if (line[0] == '#')
			continue;
		struct endpoint e;
		if (parse_line(line, &e) < 0 || endpoints_add(out, &e) < 0) {
			fail_context("line %d", line_number);
			rc = -1;
			break;
		}
	}
	free(copy);
	if (rc < 0)
		endpoints_free(out);
	return rc;
}

char *endpoints_format(const struct endpoint_table *t)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f) {
		fail_errno(ENOMEM, "cannot write the endpoints");
		return NULL;
	}
	for (size_t i = 0; i < t->count; i++) {
		const struct endpoint *e = &t->items[i];
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &e->address, ip, sizeof(ip));
		fprintf(f, "%s %d %s %s %s", ip, (int)e->pid, e->veth, e->id, e->name[0] ? e->name : "-");
		for (size_t a = 0; a < e->alias_count; a++)
			fprintf(f, " %s", e->aliases[a]);
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(text);
		fail_errno(ENOMEM, "cannot write the endpoints");
		return NULL;
	}
	return text;
}

int endpoints_add(struct endpoint_table *t, const struct endpoint *e)
{
	struct endpoint *more = realloc(t->items, (t->count + 1) * sizeof(*more));
	if (!more)
		return fail_errno(ENOMEM, "cannot add an endpoint");
	t->items = more;
	t->items[t->count++] = *e;
	return 0;
}

void endpoints_remove_at(struct endpoint_table *t, size_t i)
{
	if (i >= t->count)
		return;
	memmove(&t->items[i], &t->items[i + 1], (t->count - i - 1) * sizeof(t->items[0]));
	t->count--;
}

long endpoints_find(const struct endpoint_table *t, const char *id)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->items[i].id, id) == 0)
			return (long)i;
	return -1;
}

void endpoints_free(struct endpoint_table *t)
{
	free(t->items);
	t->items = NULL;
	t->count = 0;
}
