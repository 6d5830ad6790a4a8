/*
 * yaml-properties.c - what may stand before a node: its anchor (&name) and its tag (!tag).
 *
 *     base: &defaults            an anchor names the node that follows, for aliases (*defaults)
 *       restart: always
 *     port: !!str 80             a tag says what the node is: here a string, not an integer
 *
 * Tags are written short and stored whole (YAML 1.2.2, section 6.9.1): "!!str" is
 * "tag:yaml.org,2002:str" (the "!!" handle), "!local" stays "!local", a %TAG directive can
 * name other handles ("%TAG !e! tag:example.com,2000:" makes "!e!x" that prefix plus "x"),
 * and "!<...>" is written out in full. A lone "!" says "not resolved": a string.
 */
#include <stdlib.h>
#include <string.h>

#include "yaml-internal.h"

static bool ends_name(int c) { return yaml_is_blank_or_end(c) || yaml_is_flow_indicator(c); }

char *yaml_read_anchor_name(struct yaml_parser *p)
{
	yaml_advance(p, 1); /* '&' or '*' */
	size_t from = p->at.pos;
	while (!ends_name(yaml_peek(p, 0)))
		yaml_advance(p, 1);
	if (p->at.pos == from) {
		yaml_fail(p, p->at, "an anchor or alias needs a name");
		return NULL;
	}
	char *name = strndup(p->text + from, p->at.pos - from);
	if (!name)
		yaml_out_of_memory(p);
	return name;
}

int yaml_define_tag_handle(struct yaml_parser *p, const char *handle, const char *prefix)
{
	struct yaml_tag_handle *handles = realloc(p->handles, (p->handle_count + 1) * sizeof(*handles));
	if (!handles)
		return yaml_out_of_memory(p);
	p->handles = handles;
	char *h = strdup(handle), *x = strdup(prefix);
	if (!h || !x) {
		free(h), free(x);
		return yaml_out_of_memory(p);
	}
	handles[p->handle_count++] = (struct yaml_tag_handle){h, x};
	return 0;
}

void yaml_forget_tag_handles(struct yaml_parser *p)
{
	for (size_t i = 0; i < p->handle_count; i++)
		free(p->handles[i].handle), free(p->handles[i].prefix);
	free(p->handles);
	p->handles = NULL, p->handle_count = 0;
}

/* The prefix of a handle: declared by %TAG, else the two every document has. */
static const char *handle_prefix(const struct yaml_parser *p, const char *handle, size_t length)
{
	for (size_t i = p->handle_count; i-- > 0;)
		if (strlen(p->handles[i].handle) == length && memcmp(p->handles[i].handle, handle, length) == 0)
			return p->handles[i].prefix;
	if (length == 1)
		return "!";
	if (length == 2 && handle[1] == '!')
		return "tag:yaml.org,2002:";
	return NULL;
}

static char *concat(const char *a, size_t a_length, const char *b, size_t b_length)
{
	char *s = malloc(a_length + b_length + 1);
	if (s) {
		memcpy(s, a, a_length);
		memcpy(s + a_length, b, b_length);
		s[a_length + b_length] = '\0';
	}
	return s;
}

static char *read_tag(struct yaml_parser *p)
{
	struct yaml_mark start = p->at;
	char *tag;
	if (yaml_peek(p, 1) == '<') { /* !<tag:example.com,2000:x> */
		yaml_advance(p, 2);
		size_t from = p->at.pos;
		while (yaml_peek(p, 0) != '>' && !yaml_is_blank_or_end(yaml_peek(p, 0)))
			yaml_advance(p, 1);
		if (yaml_peek(p, 0) != '>' || p->at.pos == from) {
			yaml_fail(p, start, "a verbatim tag !<...> without its '>'");
			return NULL;
		}
		tag = strndup(p->text + from, p->at.pos - from);
		yaml_advance(p, 1);
	} else {
		size_t from = p->at.pos, handle_end = from + 1;
		yaml_advance(p, 1);
		while (!ends_name(yaml_peek(p, 0))) {
			if (yaml_peek(p, 0) == '!' && handle_end == from + 1)
				handle_end = p->at.pos + 1; /* "!!" or "!name!" */
			yaml_advance(p, 1);
		}
		if (handle_end == from + 1 && p->at.pos == from + 1)
			tag = strdup("!"); /* the non-specific tag */
		else {
			const char *prefix = handle_prefix(p, p->text + from, handle_end - from);
			if (!prefix) {
				yaml_fail(p, start, "the tag handle %.*s is not declared by a %%TAG directive",
					  (int)(handle_end - from), p->text + from);
				return NULL;
			}
			tag = concat(prefix, strlen(prefix), p->text + handle_end, p->at.pos - handle_end);
		}
	}
	if (!tag)
		yaml_out_of_memory(p);
	return tag;
}

int yaml_read_property(struct yaml_parser *p, struct yaml_properties *props)
{
	struct yaml_mark at = p->at;
	bool anchor = yaml_peek(p, 0) == '&';
	if (anchor ? props->anchor != NULL : props->tag != NULL)
		return yaml_fail(p, at, "a node can have only one %s", anchor ? "anchor" : "tag");
	char *value = anchor ? yaml_read_anchor_name(p) : read_tag(p);
	if (!value)
		return -1;
	if (!props->anchor && !props->tag)
		props->at = at;
	if (anchor)
		props->anchor = value;
	else
		props->tag = value;
	if (!yaml_is_blank_or_end(yaml_peek(p, 0)) && !yaml_is_flow_indicator(yaml_peek(p, 0)))
		return yaml_fail(p, p->at, "a space must follow an anchor or a tag");
	yaml_skip_blanks(p);
	return 0;
}

void yaml_clear_properties(struct yaml_properties *props)
{
	free(props->anchor);
	free(props->tag);
	props->anchor = props->tag = NULL;
}

int yaml_apply_properties(struct yaml_parser *p, struct yaml_node *node, struct yaml_properties *props)
{
	if (props->tag) {
		free(node->tag);
		node->tag = props->tag;
		props->tag = NULL;
	}
	int result = props->anchor ? yaml_define_anchor(p, props->anchor, node) : 0;
	yaml_clear_properties(props);
	return result;
}
