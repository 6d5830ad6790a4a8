/*
 * swarm-constraint.c - parse and check placement constraints (swarm-constraint.h).
 */
#include "swarm-constraint.h"

#include "error.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

/* Copy text[0..length) without the blanks around it into dst; -1 if empty or too long. */
static int copy_trimmed(char *dst, size_t size, const char *text, size_t length)
{
	while (length && (*text == ' ' || *text == '\t'))
		text++, length--;
	while (length && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	if (!length || length >= size)
		return -1;
	memcpy(dst, text, length);
	dst[length] = '\0';
	return 0;
}

int swarm_constraint_parse(const char *text, struct swarm_constraint *constraint)
{
	*constraint = (struct swarm_constraint){ 0 };
	const char *op = strstr(text, "==");
	const char *not_equal = strstr(text, "!=");
	if (!op || (not_equal && not_equal < op))
		op = not_equal;
	if (!op)
		return fail_errno(EINVAL, "invalid constraint \"%s\": expected == or !=", text);
	constraint->equal = op[0] == '=';
	char key[2 * SWARM_NAME_MAX];
	if (copy_trimmed(key, sizeof(key), text, (size_t)(op - text)) < 0 ||
	    copy_trimmed(constraint->value, sizeof(constraint->value), op + 2, strlen(op + 2)) < 0)
		return fail_errno(EINVAL, "invalid constraint \"%s\": a key and a value are needed", text);
	if (strcasecmp(key, "node.id") == 0)
		constraint->key = SWARM_KEY_ID;
	else if (strcasecmp(key, "node.hostname") == 0)
		constraint->key = SWARM_KEY_HOSTNAME;
	else if (strcasecmp(key, "node.role") == 0)
		constraint->key = SWARM_KEY_ROLE;
	else if (strncasecmp(key, "node.labels.", 12) == 0 && key[12] &&
	         strlen(key + 12) < sizeof(constraint->label)) {
		constraint->key = SWARM_KEY_LABEL;
		strcpy(constraint->label, key + 12);
	} else
		return fail_errno(EINVAL, "invalid constraint \"%s\": unknown key \"%s\"", text, key);
	return 0;
}

bool swarm_constraint_matches(const struct swarm_constraint *constraint, const struct swarm_node_spec *node)
{
	const char *actual = NULL;
	switch (constraint->key) {
	case SWARM_KEY_ID: actual = node->id; break;
	case SWARM_KEY_HOSTNAME: actual = node->hostname; break;
	case SWARM_KEY_ROLE: actual = swarm_role_name(node->role); break;
	case SWARM_KEY_LABEL: actual = swarm_node_label(node, constraint->label); break;
	}
	bool same = actual && strcasecmp(actual, constraint->value) == 0;
	return constraint->equal ? same : !same;
}

bool swarm_constraints_match(const struct swarm_strings *constraints, const struct swarm_node_spec *node)
{
	for (size_t i = 0; i < constraints->count; i++) {
		struct swarm_constraint constraint;
		if (swarm_constraint_parse(constraints->items[i], &constraint) < 0) {
			error_clear();
			return false;
		}
		if (!swarm_constraint_matches(&constraint, node))
			return false;
	}
	return true;
}
