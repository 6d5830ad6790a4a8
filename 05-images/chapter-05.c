/*
 * chapter-05.c - the commands of chapter 05: images, their formats, and registries.
 *
 * Two rows replace an earlier chapter's command of the same name (command.h): `inspect` also
 * knows images, and `import` makes an image of the tarball, not only a layer folder.
 */
#include "chapter-05.h"
#include "container-store.h"
#include "doctor-interop.h"
#include "error.h"
#include "inspect.h"
#include "network-format.h"
#include "format-commands.h"
#include "image-commands.h"
#include "registry-commands.h"
#include "runtime.h"
#include "image-run.h"
#include "system-df.h"

#include <stddef.h>

/* `inspect NAME`: a container (chapter 03) if NAME is one, else an image, else a network, in
 * Docker's order; `--type` and `image inspect` ask for one kind. */
static int cmd_inspect_container_or_image(int argc, char **argv)
{
	static const struct inspect_kind kinds[] = { { "container", container_inspect_document },
						     { "image", image_inspect_document },
						     { "network", network_inspect_document } };
	return inspect_command(argc, argv, kinds, 3);
}

const struct command chapter_05_commands[] = {
	{ "inspect", cmd_inspect_container_or_image, "05-images", "Show low-level information on containers or images (JSON)" },
	{ "sha256sum", cmd_sha256sum, "05-images", "Print SHA-256 digests of files, as sha256sum does" },
	{ "registry", cmd_registry, "05-images", "Run a registry (serve) or list what one holds (ls)" },
	{ "push", cmd_push, "05-images", "Upload an image to a registry" },
	{ "pull", cmd_pull, "05-images", "Download an image from a registry" },
	{ "gunzip", cmd_gunzip, "05-images", "Decompress gzip data from stdin to stdout (inflate)" },
	{ "images", cmd_images, "05-images", "List images" },
	{ "image", cmd_image, "05-images", "Manage images (ls, pull, push, rm, tag, inspect, history, save, load, import, prune)" },
	{ "tag", cmd_tag, "05-images", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE" },
	{ "rmi", cmd_rmi, "05-images", "Remove one or more images" },
	{ "history", cmd_history, "05-images", "Show the history of an image" },
	{ "import", cmd_image_import, "05-images", "Import a tarball as a one-layer image (--change as Docker)" },
	{ "commit", cmd_commit, "05-images", "Create a new image from a container's changes" },
	{ "save", cmd_save, "05-images", "Save images to a tar archive (docker load and skopeo read it)" },
	{ "load", cmd_load, "05-images", "Load images from docker save archives and OCI layouts" },
	/* run IMAGE: the image resolved to its layers, then chapter 04's run on them */
	{ "run", image_cmd_run, "05-images", NULL },
	{ "create", image_cmd_run, "05-images", NULL }, /* run's function: create by its name (runtime.h) */
	{ "start", image_cmd_start, "05-images", NULL },
	{ "restart", image_cmd_restart, "05-images", NULL },
	/* info with the images and storage driver; system with df and prune (system-df.c) */
	{ "info", cmd_info_05, "05-images", NULL },
	{ "system", cmd_system_05, "05-images", "Manage tinydock (info, df, prune)" },
	{ "doctor", cmd_doctor_05, "05-images", NULL }, /* and Docker and skopeo, optional */
	{ NULL, NULL, NULL, NULL },
};
