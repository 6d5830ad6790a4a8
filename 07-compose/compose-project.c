/*
 * compose-project.c - project, container, network and volume names (compose-project.h).
 */
#include "compose-project.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* Compose v2 (compose-go's NormalizeProjectName): lowercase, then drop every character that is
 * not [a-z0-9_-], then drop leading characters until a letter or a digit. */
static char *normalise(const char *raw)
{
	char *name = malloc(strlen(raw) + 1);
	if (!name) {
		fail_errno(12, "cannot name the project");
		return NULL;
	}
	size_t n = 0;
	for (const char *p = raw; *p; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		bool first = n == 0;
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (alnum || (!first && (c == '_' || c == '-')))
			name[n++] = c;
	}
	name[n] = '\0';
	if (n == 0) {
		free(name);
		fail_errno(0, "project name \"%s\" must contain a lowercase letter or a digit", raw);
		return NULL;
	}
	return name;
}

char *compose_project_name(const char *name, const char *flag, const char *folder)
{
	if (name && *name)
		return normalise(name);
	if (flag && *flag)
		return normalise(flag);
	if (!folder)
		folder = "";
	size_t length = strlen(folder);
	while (length > 1 && folder[length - 1] == '/')
		length--;
	const char *base = folder;
	for (size_t i = 0; i < length; i++)
		if (folder[i] == '/' && i + 1 < length)
			base = folder + i + 1;
	char copy[length - (size_t)(base - folder) + 1];
	memcpy(copy, base, sizeof copy - 1);
	copy[sizeof copy - 1] = '\0';
	return normalise(copy);
}

static char *format_name(const char *fmt, const char *a, const char *b, int n)
{
	char *name;
	int made = b ? (n ? asprintf(&name, fmt, a, b, n) : asprintf(&name, fmt, a, b)) : asprintf(&name, fmt, a);
	if (made < 0) {
		fail_errno(12, "cannot make a name in project \"%s\"", a);
		return NULL;
	}
	return name;
}

char *compose_container_name(const char *project, const char *service, int replica)
{
	return format_name("%s-%s-%d", project, service, replica);
}

char *compose_default_network(const char *project)
{
	return format_name("%s_default", project, NULL, 0);
}

char *compose_volume_name(const char *project, const char *volume)
{
	return format_name("%s_%s", project, volume, 0);
}
