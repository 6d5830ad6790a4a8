/*
 * swarm-constraint.h - placement constraints: `docker service create --constraint EXPR`.
 *
 * A constraint is one comparison of a node attribute with a value, == or !=:
 *     node.role==worker   node.role!=manager   node.hostname==web-1   node.id==w3
 *     node.labels.zone==eu-west
 * A task may run only on a node that satisfies every constraint of its service. Values are
 * compared without regard to case (a hostname is case-insensitive, as in DNS; labels are
 * treated alike). A node without the label fails == and passes != (it certainly does not
 * have that value).
 */
#ifndef TINYDOCK_SWARM_CONSTRAINT_H
#define TINYDOCK_SWARM_CONSTRAINT_H

#include "swarm-store.h"

enum swarm_constraint_key { SWARM_KEY_ID, SWARM_KEY_HOSTNAME, SWARM_KEY_ROLE, SWARM_KEY_LABEL };

struct swarm_constraint {
	enum swarm_constraint_key key;
	char label[SWARM_NAME_MAX];     /* SWARM_KEY_LABEL: which label */
	bool equal;                     /* == (true) or != (false) */
	char value[SWARM_NAME_MAX];
};

/* Parse "node.labels.zone == eu" (blanks around the operator allowed); -1 with the
 * constraint named in the message when it is none Swarm knows. */
int swarm_constraint_parse(const char *text, struct swarm_constraint *constraint);

/* Does node satisfy the constraint? */
bool swarm_constraint_matches(const struct swarm_constraint *constraint, const struct swarm_node_spec *node);

/* Does node satisfy every constraint of the list? An unparsable one is satisfied by no node. */
bool swarm_constraints_match(const struct swarm_strings *constraints, const struct swarm_node_spec *node);

#endif
