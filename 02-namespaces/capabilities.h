/*
 * capabilities.h - root's power cut into 41 pieces, and how a container keeps only a few.
 *
 * A capability set is a uint64_t: bit N is capability N of <linux/capability.h>
 * (CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40). The pure half (names, sets, Docker's
 * default) is unit-tested; the other half changes the calling process's sets.
 */
#ifndef TINYDOCK_CAPABILITIES_H
#define TINYDOCK_CAPABILITIES_H

#include <stddef.h>
#include <stdint.h>

/* The highest capability number this program knows by name (CAP_CHECKPOINT_RESTORE). */
#define CAPABILITY_LAST 40

/* Bit of capability number cap. */
#define CAPABILITY_BIT(cap) (UINT64_C(1) << (cap))

/* Every capability this program knows: bits 0..CAPABILITY_LAST. */
uint64_t capability_all(void);

/* Docker's default set: CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP
 * SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE (0x00000000a80425fb). */
uint64_t capability_docker_default(void);

/* "CAP_SYS_ADMIN" for 21; NULL for a number without a name. */
const char *capability_name(int cap);

/* The number of "SYS_ADMIN", "cap_sys_admin", "CAP_SYS_ADMIN" (any case, prefix optional);
 * -1 and `unknown capability "CAP_FOO"` recorded otherwise. */
int capability_from_name(const char *name);

/* Parse a comma-separated list ("NET_ADMIN,SYS_TIME", or "ALL") into *set. */
int capability_parse_list(const char *names, uint64_t *set);

/* Write the names of the set, space-separated ("CAP_CHOWN CAP_KILL"), or "(none)"; returns buf. */
char *capability_set_names(uint64_t set, char *buf, size_t size);

/* The kernel's highest capability (/proc/sys/kernel/cap_last_cap); CAPABILITY_LAST if unreadable
 * and never more than that: bits the kernel does not know cannot be set. */
int capability_kernel_last(void);

/* --- the calling process's sets -------------------------------------------------------- */

/* Read the bounding set (prctl(PR_CAPBSET_READ) for each capability the kernel knows). */
uint64_t capability_bounding_set(void);

/* Drop every capability not in keep from the bounding set (PR_CAPBSET_DROP), explained. */
int capability_drop_bounding(uint64_t keep);

/* capget(2)/capset(2) of the calling thread, raw system calls (no libcap). */
int capability_get(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable);
int capability_set(uint64_t effective, uint64_t permitted, uint64_t inheritable);

/* Empty the ambient set (PR_CAP_AMBIENT_CLEAR_ALL), explained. */
int capability_clear_ambient(void);

#endif
