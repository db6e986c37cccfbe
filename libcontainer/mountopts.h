/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_MOUNTOPTS_H
#define HR_MOUNTOPTS_H

/*
 * The mount options hardrun understands (OCI config "mounts[].options") and their translation
 * into what the mount code needs: MS_* flags (what mount(8) would pass, kept for inspection),
 * MOUNT_ATTR_* set/clear masks for fsmount(2)/mount_setattr(2), a propagation change, whether
 * the mount is a bind, and the remaining filesystem-specific options ("mode=755") both as a
 * data string and as fsconfig(2) key/value pairs. `hardrun features` lists the table.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"

enum hr_mountopt_kind {
	HR_MOUNTOPT_FLAG,	 /* an MS_* flag, set or cleared (.clear) */
	HR_MOUNTOPT_PROPAGATION, /* MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE [| MS_REC] */
	HR_MOUNTOPT_BIND,	 /* bind, rbind (MS_REC) */
	HR_MOUNTOPT_RECURSIVE,	 /* rro, rnosuid...: MOUNT_ATTR_* applied with AT_RECURSIVE */
	HR_MOUNTOPT_TMPCOPYUP,	 /* tmpcopyup, notmpcopyup (.clear): copy the directory up */
	HR_MOUNTOPT_IDMAP,	 /* idmap, ridmap (MS_REC): an idmapped bind mount */
	HR_MOUNTOPT_REFUSED,	 /* known to the spec, refused by hardrun with a clear message */
};

struct hr_mountopt {
	const char *name;
	enum hr_mountopt_kind kind;
	bool clear;	     /* the option clears .flag instead of setting it */
	unsigned long flag;  /* MS_* */
	uint64_t attr_set;   /* MOUNT_ATTR_* this option sets ... */
	uint64_t attr_clr;   /* ... and clears (MOUNT_ATTR__ATIME for the atime family) */
	const char *sb_flag; /* superblock flag name for fsconfig(FSCONFIG_SET_FLAG), or NULL */
	const char *why;     /* REFUSED only: the reason */
};

/* The table, sorted by name, for `hardrun features`. */
size_t hr_mount_option_count(void);
const char *hr_mount_option_name(size_t i);
const struct hr_mountopt *hr_mount_option_at(size_t i);

/* The option called name, or NULL when it is not a flag-like option (then it is data). */
const struct hr_mountopt *hr_mountopt_lookup(const char *name);

/* One filesystem parameter for fsconfig(2): value NULL means FSCONFIG_SET_FLAG. */
struct hr_fsparam {
	const char *key;
	const char *value;
};

/* The result of translating one mount's option list. Strings live in the arena. */
struct hr_mountopts {
	unsigned long flags;	   /* MS_* set, as mount(8) would compute them */
	unsigned long cleared;	   /* MS_* explicitly cleared (rw, suid, dev, exec...) */
	unsigned long propagation; /* the last propagation option (| MS_REC), 0 when none */
	uint64_t attr_set;	   /* MOUNT_ATTR_* for the mount itself */
	uint64_t attr_clr;
	uint64_t rec_attr_set; /* MOUNT_ATTR_* from the r* options, applied with AT_RECURSIVE */
	uint64_t rec_attr_clr;
	bool bind;
	bool recursive;		   /* rbind */
	bool tmpcopyup;		   /* fill the tmpfs with what the directory held (crun, runc) */
	bool idmap;		   /* idmap or ridmap: an idmapped bind mount */
	bool idmap_recursive;	   /* ridmap: the idmap on every mount of an rbind's tree */
	const char *data;	   /* the non-flag options joined with ',', NULL when none */
	struct hr_fsparam *params; /* data options, then superblock flags (sync, dirsync...) */
	size_t n_params;
};

/*
 * Translate options[0..n). Unknown names become data ("mode=1777", "size=64m"); options
 * starting with "x-" are userspace-only (mount(8) ignores them) and dropped. Refused options
 * fail with a message naming the option, and so does idmap or ridmap with a value (crun's
 * "idmap=uids=...": the mapping goes in the mount's uidMappings and gidMappings). Later options win
 * (notmpcopyup after tmpcopyup turns the copy off again).
 */
int hr_mountopts_parse(char *const *options, size_t n, struct hr_arena *arena,
		       struct hr_mountopts *out, struct hr_err *err);

#endif
