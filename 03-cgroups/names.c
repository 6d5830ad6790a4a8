/*
 * names.c - naming containers.
 *
 * A container has a 64-hex-digit id (random) and a name. `ps` shows the first 12 digits of the
 * id, and every command takes the id, any unique prefix of it, or the name. When the user gives
 * no --name, we make one up from an adjective and the surname of someone who shaped operating
 * systems and networks, as Docker does ("focused_turing"): easier to type than an id and
 * easier to remember in a lab.
 */
#include "names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool container_name_valid(const char *name)
{
	size_t len = strlen(name);
	if (len < 2 || len > 128 || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

static const char *const adjectives[] = {
	"brave",    "calm",    "clever",   "curious",  "eager",   "gentle",  "happy",   "honest",
	"keen",     "kind",    "lively",   "lucid",    "merry",   "modest",  "nimble",  "patient",
	"plucky",   "quick",   "quiet",    "sharp",    "steady",  "sturdy",  "tidy",    "upbeat",
	"vivid",    "wise",    "witty",    "zealous",  "bold",    "bright",  "cheerful", "diligent",
};

static const char *const pioneers[] = {
	"ritchie",  "thompson", "kernighan", "mcilroy", "hopper",  "lovelace", "torvalds", "tanenbaum",
	"lamport",  "liskov",   "dijkstra",  "knuth",   "hamilton", "cerf",    "kahn",     "postel",
	"perlman",  "joy",      "mckusick",  "pike",    "corbato", "saltzer",  "lampson",  "stallman",
	"ousterhout", "ongaro", "backus",    "wirth",   "hoare",   "turing",   "shannon",  "baran",
};

void container_name_generate(uint64_t seed, char *out, size_t size)
{
	size_t a = seed % (sizeof(adjectives) / sizeof(adjectives[0]));
	size_t p = (seed / 64) % (sizeof(pioneers) / sizeof(pioneers[0]));
	snprintf(out, size, "%s_%s", adjectives[a], pioneers[p]);
}

bool looks_like_id_prefix(const char *text)
{
	size_t len = strlen(text);
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
			return false;
	return true;
}
