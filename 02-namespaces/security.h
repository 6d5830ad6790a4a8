/*
 * security.h - reduced privileges for a container: capabilities, no_new_privs, seccomp.
 *
 * The interface between this chapter's security and `tinydock run`. run keeps a
 * `struct security_settings` in its container config, fills it from --cap-add, --cap-drop,
 * --privileged and --security-opt through these functions, and calls security_apply() in
 * the container's first process as the last step before execve.
 */
#ifndef TINYDOCK_SECURITY_H
#define TINYDOCK_SECURITY_H

#include <stdbool.h>
#include <stdint.h>

struct security_settings {
	uint64_t capabilities; /* bit N = capability N kept in bounding/permitted/effective */
	bool no_new_privs;     /* default true */
	bool seccomp;          /* default true: Docker-like default filter */
	bool privileged;       /* --privileged: all caps, no seccomp (masked paths off: run's job) */
};

/* Docker's default capability set, no_new_privs, the default seccomp filter. */
void security_defaults(struct security_settings *s);

/* --cap-add / --cap-drop: "NET_ADMIN,SYS_TIME", "cap_net_admin" or "ALL", applied in the
 * order given (so `--cap-drop ALL --cap-add NET_BIND_SERVICE` keeps one). An unknown name is
 * an error: `unknown capability "CAP_FOO"`. */
int security_cap_add(struct security_settings *s, const char *names);
int security_cap_drop(struct security_settings *s, const char *names);

/* --security-opt: "seccomp=unconfined", "seccomp=default", "no-new-privileges[=true|false]"
 * (Docker's older "key:value" spelling too); anything else is an error naming it. */
int security_opt(struct security_settings *s, const char *opt);

/* --privileged: every capability, no seccomp filter, no no_new_privs (as Docker); a later
 * --security-opt no-new-privileges still turns it on. */
void security_privileged(struct security_settings *s);

/* For a container that runs as a non-root user (-u 1000): call before setresuid(), so that
 * the process keeps its permitted capabilities until security_apply() has dropped the
 * bounding set (prctl(PR_SET_KEEPCAPS)); execve then leaves the user with none. */
int security_keep_capabilities(void);

/* In the container's first process, as the LAST step before execve, after every mount and
 * after uid/gid are set up: drop the bounding set (PR_CAPBSET_DROP), capset, ambient if needed,
 * PR_SET_NO_NEW_PRIVS, then install the seccomp filter. Every step explained. */
int security_apply(const struct security_settings *s, bool in_user_namespace);

/* tinydock seccomp [--cap-add L] [--cap-drop L] [--userns]: print the filter (seccomp_show.c). */
int cmd_seccomp(int argc, char **argv);

#endif
