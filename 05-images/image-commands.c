/*
 * image-commands.c - looking at and naming images: images, tag, rmi, inspect, history, prune.
 *
 * Each command reads the store (image-store.h) and prints what `docker` prints, so the
 * lecture's screenshots and a student's terminal look the same:
 *
 *   images     REPOSITORY TAG IMAGE ID CREATED SIZE, one row per name (and <none> rows)
 *   tag        a second name for the same manifest: index.json gains an entry, no blob moves
 *   rmi        removes a name; the image goes when its last name goes (and no container uses
 *              it), then unreferenced blobs and layers are collected (image-gc.c)
 *   inspect    the config and what the store knows, as JSON
 *   history    the config's history, newest first, with the layer sizes
 *
 * IMAGE ID is the config's digest, as Docker shows it: two tags of one image share it, and
 * an image whose layers are the same but whose config differs (another Cmd) has another.
 *
 * Read next: image-create.c (import, commit), image-save.c, image-load.c.
 */
#include "image-commands.h"
#include "cli.h"
#include "error.h"
#include "humanize.h"
#include "image-base.h"
#include "image-gc.h"
#include "image-store.h"
#include "filters.h"
#include "format-output.h"
#include "image-filter.h"
#include "inspect.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t image_size(const struct image *img)
{
	uint64_t total = 0;
	for (size_t i = 0; i < img->parts.layer_count; i++)
		total += img->parts.layers[i].blob.size;
	return total;
}

static void short_id(const char *digest, char out[13])
{
	snprintf(out, 13, "%.12s", digest + 7);
}

static void created_ago(const struct json *config, char *out, size_t size)
{
	time_t created = oci_config_created(config);
	if (!created) {
		snprintf(out, size, "N/A");
		return;
	}
	char age[64];
	human_duration((int64_t)(time(NULL) - created), age, sizeof(age));
	snprintf(out, size, "%s ago", age);
}

/* --- images ------------------------------------------------------------------------------- */

struct image_row {
	char name[600]; /* "busybox:latest", or "" */
	char repository[600], tag[130], id[SHA256_DIGEST_SIZE], created[80], created_at[64], size[32],
		digest[SHA256_DIGEST_SIZE];
	time_t when;
	struct json *labels; /* a copy of the config's config.Labels, or NULL */
};

static int by_created(const void *a, const void *b)
{
	const struct image_row *x = a, *y = b;
	return (y->when > x->when) - (y->when < x->when);
}

static const char IMAGES_HELP[] =
	"Usage:  tinydock images [OPTIONS] [REPOSITORY[:TAG]]\n"
	"\n"
	"List images: one row per name, and untagged (<none>) images. SIZE is the layers as\n"
	"stored (a gzip-compressed layer counts compressed).\n"
	"\n"
	"Options:\n"
	"  -a, --all             Show all images (tinydock keeps no intermediate images: the same list)\n"
	"      --digests         Show digests (the DIGEST column)\n"
	"  -f, --filter FILTER   Filter output based on conditions provided: reference=PATTERN\n"
	"                        (globs: 'shop/*', '*:1.0'), dangling=true|false, label=KEY[=VALUE]\n"
	"      --format FORMAT   Format output using a custom template:\n"
	"                        'table':            Print output in table format with column headers\n"
	"                        'table TEMPLATE':   Print output in table format using the given Go template\n"
	"                        'json':             Print in JSON format\n"
	"                        'TEMPLATE':         Print output using the given Go template\n"
	"                        Fields: .ID .Repository .Tag .Digest .CreatedSince .CreatedAt .Size\n"
	"      --no-trunc        Don't truncate output (the whole image ID, sha256:...)\n"
	"  -q, --quiet           Only show image IDs\n";

/* `docker images`'s default table (docker/cli's defaultImageTableFormat). */
static const char IMAGES_TABLE[] = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
static const char IMAGES_TABLE_DIGESTS[] =
	"table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

/* Go's time.Time.String() of a whole second, as .CreatedAt: "2026-12-03 13:39:21 +0000 UTC". */
static void go_time(time_t when, char *out, size_t size)
{
	struct tm tm;
	localtime_r(&when, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M:%S %z %Z", &tm);
}

/* One row; the ID whole ("sha256:" and 64 digits, --no-trunc) or its first 12 digits. */
static int read_row(struct image_store *s, const struct image_entry *entry, struct image_row *r, bool whole_id)
{
	struct image img;
	if (image_read(s, entry->digest, &img) < 0)
		return -1;
	const char *colon = entry->name[0] ? strrchr(entry->name, ':') : NULL;
	snprintf(r->name, sizeof(r->name), "%s", entry->name);
	snprintf(r->repository, sizeof(r->repository), "%.*s", colon ? (int)(colon - entry->name) : 6,
		 colon ? entry->name : "<none>");
	snprintf(r->tag, sizeof(r->tag), "%s", colon ? colon + 1 : "<none>");
	snprintf(r->digest, sizeof(r->digest), "%s", img.digest);
	if (whole_id)
		snprintf(r->id, sizeof(r->id), "%s", img.id);
	else
		short_id(img.id, r->id);
	created_ago(img.config, r->created, sizeof(r->created));
	r->when = oci_config_created(img.config);
	if (r->when)
		go_time(r->when, r->created_at, sizeof(r->created_at));
	else
		snprintf(r->created_at, sizeof(r->created_at), "N/A");
	human_size(image_size(&img), r->size, sizeof(r->size));
	const struct json *labels = json_pointer(img.config, "/config/Labels");
	r->labels = labels ? json_copy(labels) : NULL;
	image_free(&img);
	return 0;
}

/* A row of `docker images`, as its template sees it (docker/cli's ImageContext), fields in
 * key order as Docker's {{json .}} writes them. */
static struct json *images_row(const struct image_row *r)
{
	const char *const fields[][2] = {
		{ "Containers", "N/A" },   { "CreatedAt", r->created_at }, { "CreatedSince", r->created },
		{ "Digest", r->name[0] ? r->digest : "<none>" }, { "ID", r->id }, { "Repository", r->repository },
		{ "SharedSize", "N/A" },   { "Size", r->size },		    { "Tag", r->tag },
		{ "UniqueSize", "N/A" },   { "VirtualSize", r->size },
	};
	struct json *row = formatter_strings(fields, sizeof(fields) / sizeof(fields[0]));
	return row;
}

static struct json *images_headers(void)
{
	static const char *const names[][2] = {
		{ "ID", "IMAGE ID" },	      { "Repository", "REPOSITORY" }, { "Tag", "TAG" },
		{ "Digest", "DIGEST" },	      { "CreatedSince", "CREATED" },   { "CreatedAt", "CREATED AT" },
		{ "Size", "SIZE" },	      { "Containers", "CONTAINERS" },  { "VirtualSize", "VIRTUAL SIZE" },
		{ "SharedSize", "SHARED SIZE" }, { "UniqueSize", "UNIQUE SIZE" },
	};
	struct json *headers = formatter_strings(names, sizeof(names) / sizeof(names[0]));
	return headers;
}

/* The optional REPOSITORY[:TAG] argument: the repository, or the repository and tag. */
static bool named(const struct image_row *r, const char *wanted)
{
	if (!wanted)
		return true;
	char both[800];
	snprintf(both, sizeof(both), "%s:%s", r->repository, r->tag);
	return strcmp(wanted, r->repository) == 0 || strcmp(wanted, both) == 0;
}

static int images_failed(struct filters *filters, struct formatter *f)
{
	filters_free(filters);
	if (f)
		formatter_close(f);
	fail_context("images");
	return error_report(1); /* Docker's status for a bad filter or template */
}

int cmd_images(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(IMAGES_HELP);
	enum { OPT_DIGESTS = 1000, OPT_NO_TRUNC };
	static const struct option options[] = { { "quiet", no_argument, NULL, 'q' },
						 { "filter", required_argument, NULL, 'f' },
						 { "format", required_argument, NULL, 'F' },
						 { "all", no_argument, NULL, 'a' },
						 { "digests", no_argument, NULL, OPT_DIGESTS },
						 { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
						 { NULL, 0, NULL, 0 } };
	bool quiet = false, digests = false, no_trunc = false;
	const char *format = NULL;
	struct filters filters = { 0 };
	optind = 1;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+aqf:", options, NULL)) != -1;) {
		if (opt == 'q') {
			quiet = cli_flag_on(optarg);
		} else if (opt == 'a') {
			/* Docker's -a adds the intermediate images of its builder; tinydock's build keeps
			 * no intermediate images (its cache is layers), so every image is listed anyway. */
		} else if (opt == OPT_DIGESTS) {
			digests = cli_flag_on(optarg);
		} else if (opt == OPT_NO_TRUNC) {
			no_trunc = cli_flag_on(optarg);
		} else if (opt == 'F') {
			format = strcmp(optarg, "table") == 0 ? IMAGES_TABLE : optarg;
		} else if (opt == 'f') {
			if (image_filters_add(&filters, optarg) < 0)
				return images_failed(&filters, NULL);
		} else {
			filters_free(&filters);
			return usage_error("images", "unknown flag, or a flag without its value: %s", argv[optind - 1]);
		}
	}
	const char *wanted = optind < argc ? argv[optind] : NULL;
	if (!format) /* --digests adds the DIGEST column to the default table (docker images) */
		format = digests ? IMAGES_TABLE_DIGESTS : IMAGES_TABLE;
	struct formatter f;
	if (formatter_open(&f, format, "*formatter.ImageContext") < 0)
		return images_failed(&filters, NULL);
	struct image_store s;
	struct image_entry *entries = NULL;
	size_t count = 0, rows = 0;
	if (image_store_open(&s) < 0 || image_store_list(&s, &entries, &count) < 0) {
		formatter_close(&f);
		filters_free(&filters);
		return command_failed("images");
	}
	struct image_row *row = calloc(count + 1, sizeof(*row));
	for (size_t i = 0; row && i < count; i++) {
		if (read_row(&s, &entries[i], &row[rows], no_trunc) < 0) {
			fail_context("images"); /* one unreadable image does not hide the others */
			error_report(0);
			error_clear();
			continue;
		}
		struct image_facts facts = { .name = row[rows].name, .labels = row[rows].labels };
		if (named(&row[rows], wanted) && image_filters_match(&filters, &facts))
			rows++;
		else
			json_free(row[rows].labels);
	}
	free(entries);
	image_store_close(&s);
	qsort(row, rows, sizeof(*row), by_created);
	int status = row ? 0 : command_failed("images");
	for (size_t i = 0; i < rows && status == 0; i++) {
		if (quiet) { /* each image once, though it has several names */
			bool seen = false;
			for (size_t j = 0; j < i; j++)
				seen = seen || strcmp(row[i].id, row[j].id) == 0;
			if (!seen)
				printf("%s\n", row[i].id);
			continue;
		}
		struct json *one = images_row(&row[i]);
		if (!one || formatter_add(&f, one, NULL) < 0) {
			fail_context("images");
			status = error_report(1);
		}
		json_free(one);
	}
	if (status == 0 && !quiet) {
		struct json *headers = images_headers();
		formatter_print(&f, headers, stdout);
		json_free(headers);
	}
	for (size_t i = 0; i < rows; i++)
		json_free(row[i].labels);
	free(row);
	formatter_close(&f);
	filters_free(&filters);
	return status;
}

/* --- tag ---------------------------------------------------------------------------------- */

static const char TAG_HELP[] = "Usage:  tinydock tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n"
			       "\n"
			       "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE (a new entry in index.json;\n"
			       "no blob is copied).\n";

int cmd_tag(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(TAG_HELP);
	if (argc != 3)
		return arguments_error("tag", "requires exactly 2 arguments");
	struct image_store s;
	struct image img;
	/* docker tag exits with 1 for a missing image or a bad new name (a refused request) */
	if (image_store_open(&s) < 0 || image_resolve_or_base(&s, argv[1], &img) < 0) {
		fail_context("tag");
		return error_report(1);
	}
	int rc = image_store_tag(&s, argv[2], img.digest, img.manifest_size);
	image_free(&img);
	image_store_close(&s);
	if (rc < 0)
		fail_context("tag");
	return rc < 0 ? error_report(1) : 0;
}

/* --- rmi ---------------------------------------------------------------------------------- */

static const char RMI_HELP[] = "Usage:  tinydock rmi [OPTIONS] IMAGE [IMAGE...]\n"
			       "\n"
			       "Remove one or more images. A name is removed; the image goes with its last name.\n"
			       "An image a container uses is refused (unless -f), as its layers are in use.\n"
			       "\n"
			       "Options:\n"
			       "  -f, --force   Remove even if used by a container or named more than once\n";

static int remove_one(struct image_store *s, const char *name, bool force)
{
	struct image img;
	if (image_resolve(s, name, &img) < 0)
		return -1;
	char who[65] = "", familiar[600], canonical[600];
	char (*names)[600] = NULL;
	size_t count = 0;
	int rc = -1;
	if (image_store_names(s, img.digest, &names, &count) < 0)
		goto out;
	/* Was it named by a name (remove that name) or by its ID (remove the image)? */
	bool by_name = false;
	if (image_name_normalise(name, familiar, canonical) == 0)
		for (size_t i = 0; i < count; i++)
			by_name = by_name || strcmp(names[i], familiar) == 0;
	error_clear();
	bool last = !by_name || count <= 1;
	char id[13];
	short_id(img.id, id);
	if (last && !force && image_in_use(s, &img, who)) {
		fail_errno(0, "conflict: unable to remove %s \"%s\" (must force) - container %.12s is using its referenced image %s",
			   by_name ? "repository reference" : "image", name, who, id);
		goto out;
	}
	if (!by_name && count > 1 && !force) {
		fail_errno(0, "conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", id);
		goto out;
	}
	if (by_name && !last) {
		if (image_store_untag(s, familiar, NULL) < 0)
			goto out;
		printf("Untagged: %s\n", familiar);
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < count; i++)
		printf("Untagged: %s\n", names[i]);
	if (image_store_forget(s, img.digest) < 0)
		goto out;
	printf("Deleted: %s\n", img.id);
	rc = 0;
out:
	free(names);
	image_free(&img);
	return rc;
}

int cmd_rmi(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(RMI_HELP);
	static const struct option options[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	bool force = false;
	optind = 1;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+f", options, NULL)) != -1;) {
		if (opt != 'f')
			return usage_error("rmi", "unknown flag: %s", argv[optind - 1]);
		force = cli_flag_on(optarg);
	}
	if (optind >= argc)
		return arguments_error("rmi", "requires at least 1 argument");
	struct image_store s;
	if (image_store_open(&s) < 0)
		return command_failed("rmi");
	int status = 0;
	for (int i = optind; i < argc; i++)
		if (remove_one(&s, argv[i], force) < 0) {
			status = error_report(1); /* and go on with the next, as rm does */
			error_clear();
		}
	/* Reclaim the blobs and layers no image needs any more. */
	struct gc_stats stats;
	if (image_store_gc(&s, &stats) < 0) {
		fail_context("rmi");
		status = error_report(1);
	}
	image_store_close(&s);
	return status;
}

/* --- inspect ------------------------------------------------------------------------------ */

/* A copy of a member's value, to add under another name (json_copy keeps the key). */
static struct json *copy_value(const struct json *member)
{
	struct json *copy = json_copy(member);
	if (copy) {
		free(copy->key);
		copy->key = NULL;
		copy->key_length = 0;
	}
	return copy;
}

static struct json *inspect_json(struct image_store *s, const struct image *img)
{
	char (*names)[600] = NULL;
	size_t count = 0;
	struct json *o = json_new_object(), *tags, *digests, *rootfs, *layers;
	if (!o || image_store_names(s, img->digest, &names, &count) < 0)
		goto fail;
	if (!json_add_string(o, "Id", img->id) || !(tags = json_add(o, "RepoTags", json_new_array())) ||
	    !(digests = json_add(o, "RepoDigests", json_new_array())))
		goto fail;
	for (size_t i = 0; i < count; i++) {
		char repo_digest[700], *colon = strrchr(names[i], ':');
		snprintf(repo_digest, sizeof(repo_digest), "%.*s@%s", (int)(colon - names[i]), names[i], img->digest);
		if (!json_append(tags, json_new_string(names[i])) || !json_append(digests, json_new_string(repo_digest)))
			goto fail;
	}
	const struct json *history = json_get(img->config, "history");
	const char *comment = history && history->last ? json_get_string(history->last, "comment") : NULL;
	const struct json *settings = json_get(img->config, "config");
	const char *author = json_get_string(img->config, "author");
	if (!json_add_string(o, "Parent", "") || !json_add_string(o, "Comment", comment ? comment : "") ||
	    !json_add_string(o, "Created", json_get_string(img->config, "created") ? json_get_string(img->config, "created") : "") ||
	    !json_add_string(o, "DockerVersion", "") || !json_add_string(o, "Author", author ? author : "") ||
	    !json_add(o, "Config", settings ? copy_value(settings) : json_new_object()) ||
	    !json_add_string(o, "Architecture", json_get_string(img->config, "architecture") ? json_get_string(img->config, "architecture") : "") ||
	    !json_add_string(o, "Os", json_get_string(img->config, "os") ? json_get_string(img->config, "os") : "") ||
	    !json_add_int(o, "Size", (int64_t)image_size(img)) ||
	    !(rootfs = json_add(o, "RootFS", json_new_object())) || !json_add_string(rootfs, "Type", "layers") ||
	    !(layers = json_add(rootfs, "Layers", json_new_array())))
		goto fail;
	for (size_t i = 0; i < img->parts.layer_count; i++)
		if (!json_append(layers, json_new_string(img->parts.layers[i].diff_id)))
			goto fail;
	struct json *metadata = json_add(o, "Descriptor", json_new_object());
	if (!metadata || !json_add_string(metadata, "mediaType", MEDIA_OCI_MANIFEST) ||
	    !json_add_string(metadata, "digest", img->digest) || !json_add_int(metadata, "size", (int64_t)img->manifest_size))
		goto fail;
	free(names);
	return o;
fail:
	free(names);
	json_free(o);
	return NULL;
}

struct json *image_inspect_document(const char *ref)
{
	struct image_store s;
	struct image img;
	if (image_store_open(&s) < 0)
		return NULL;
	struct json *doc = NULL;
	if (image_resolve(&s, ref, &img) == 0) {
		doc = inspect_json(&s, &img);
		image_free(&img);
	}
	image_store_close(&s);
	return doc;
}

int cmd_image_inspect(int argc, char **argv)
{
	static const struct inspect_kind kinds[] = { { "image", image_inspect_document } };
	return inspect_command(argc, argv, kinds, 1);
}

/* --- history ------------------------------------------------------------------------------ */

static const char HISTORY_HELP[] = "Usage:  tinydock history [OPTIONS] IMAGE\n"
				   "\n"
				   "Show the history of an image: one row per step, newest first.\n"
				   "\n"
				   "Options:\n"
				   "      --no-trunc   Don't truncate output\n"
				   "  -q, --quiet      Only show image IDs\n";

int cmd_history(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(HISTORY_HELP);
	static const struct option options[] = { { "no-trunc", no_argument, NULL, 'T' },
						 { "quiet", no_argument, NULL, 'q' },
						 { NULL, 0, NULL, 0 } };
	bool no_trunc = false, quiet = false;
	optind = 1;
	opterr = 0;
	for (int opt; (opt = cli_getopt(argc, argv, "+q", options, NULL)) != -1;) {
		if (opt == 'T')
			no_trunc = cli_flag_on(optarg);
		else if (opt == 'q')
			quiet = cli_flag_on(optarg);
		else
			return usage_error("history", "unknown flag: %s", argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return arguments_error("history", "requires exactly 1 argument");
	struct image_store s;
	struct image img;
	if (image_store_open(&s) < 0 || image_resolve(&s, argv[optind], &img) < 0)
		return command_failed("history");
	const struct json *history = json_get(img.config, "history");
	size_t count = history ? history->count : 0, layer = 0;
	struct {
		const struct json *entry;
		uint64_t size;
		char created[80];
	} *steps = calloc(count + 1, sizeof(*steps));
	size_t n = 0;
	int w_created = 7; /* the column is as wide as its widest cell, as Docker's tabwriter */
	json_for_each(h, history) {
		bool empty = false;
		json_bool(json_get(h, "empty_layer"), &empty);
		steps[n].entry = h;
		if (!empty && layer < img.parts.layer_count)
			steps[n].size = img.parts.layers[layer++].blob.size;
		time_t when = 0;
		const char *stamp = json_get_string(h, "created");
		if (stamp && oci_time_parse(stamp, &when) == 0) {
			char age[64];
			human_duration((int64_t)(time(NULL) - when), age, sizeof(age));
			snprintf(steps[n].created, sizeof(steps[n].created), "%s ago", age);
		} else {
			snprintf(steps[n].created, sizeof(steps[n].created), "N/A");
			error_clear();
		}
		if ((int)strlen(steps[n].created) > w_created)
			w_created = (int)strlen(steps[n].created);
		n++;
	}
	char id[13];
	short_id(img.id, id);
	if (!quiet)
		printf("%-12s   %-*s   %-45s   %-8s  %s\n", "IMAGE", w_created, "CREATED", "CREATED BY", "SIZE", "COMMENT");
	for (size_t i = n; i-- > 0;) {
		const char *image_column = i == n - 1 ? (no_trunc ? img.id : id) : "<missing>";
		if (quiet) {
			printf("%s\n", image_column);
			continue;
		}
		char by[4096], size[32];
		const char *text = json_get_string(steps[i].entry, "created_by");
		snprintf(by, sizeof(by), "%s", text ? text : "");
		if (!no_trunc && strlen(by) > 45)
			snprintf(by + 44, sizeof(by) - 44, "…");
		human_size(steps[i].size, size, sizeof(size));
		const char *comment = json_get_string(steps[i].entry, "comment");
		/* "…" is three bytes and one column: pad by columns, not bytes. */
		int pad = 45 + (strstr(by, "…") ? 2 : 0);
		printf("%-12s   %-*s   %-*s   %-8s  %s\n", image_column, w_created, steps[i].created, pad, by, size,
		       comment ? comment : "");
	}
	free(steps);
	image_free(&img);
	image_store_close(&s);
	return 0;
}

/* --- image prune, and `image SUBCOMMAND` ----------------------------------------------------- */

static const char PRUNE_HELP[] = "Usage:  tinydock image prune [OPTIONS]\n"
				 "\n"
				 "Remove untagged images (all unused ones with -a), then every blob and unpacked layer\n"
				 "that no image and no container needs. Shared layers stay.\n"
				 "\n"
				 "Options:\n"
				 "  -a, --all     Remove all images not used by a container, not just untagged ones\n"
				 "  -f, --force   Do not prompt for confirmation\n";

int cmd_image_prune(int argc, char **argv)
{
	if (asks_for_help(argc, argv))
		return print_help(PRUNE_HELP);
	bool all, force;
	int code = parse_prune_flags("image prune", argc, argv, &all, &force);
	if (code)
		return code;
	if (!force && !confirmed(all ? "This will remove all images without at least one container associated to them."
				    : "This will remove all dangling images."))
		return 0;
	struct image_store s;
	struct image_entry *entries;
	size_t count;
	if (image_store_open(&s) < 0 || image_store_list(&s, &entries, &count) < 0)
		return command_failed("image prune");
	bool header = false;
	for (size_t i = 0; i < count; i++) {
		if (entries[i].name[0] && !all)
			continue;
		struct image img;
		char who[65];
		if (image_read(&s, entries[i].digest, &img) < 0) {
			error_clear();
			continue;
		}
		if (!image_in_use(&s, &img, who) && image_store_forget(&s, img.digest) == 0) {
			if (!header)
				printf("Deleted Images:\n");
			header = true;
			if (entries[i].name[0])
				printf("untagged: %s\n", entries[i].name);
			printf("deleted: %s\n", img.id);
		}
		image_free(&img);
	}
	free(entries);
	struct gc_stats stats;
	if (image_store_gc(&s, &stats) < 0)
		return command_failed("image prune");
	char size[32];
	human_size(stats.bytes, size, sizeof(size));
	if (header)
		printf("\n");
	printf("Total reclaimed space: %s\n", size);
	image_store_close(&s);
	return 0;
}
