/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mountopts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#define ATIME MOUNT_ATTR__ATIME

#define FLAG(n, f, a)                                                                              \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_FLAG, .flag = f, .attr_set = a                      \
	}
#define CLEAR(n, f, a)                                                                             \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_FLAG, .clear = true, .flag = f, .attr_clr = a       \
	}
#define ATIME_SET(n, f, a)                                                                         \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_FLAG, .flag = f, .attr_set = a, .attr_clr = ATIME   \
	}
#define ATIME_CLEAR(n, f, a)                                                                       \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_FLAG, .clear = true, .flag = f, .attr_set = a,      \
		.attr_clr = ATIME                                                                  \
	}
#define SB(n, f, sb)                                                                               \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_FLAG, .flag = f, .sb_flag = sb                      \
	}
#define PROPAGATION(n, f)                                                                          \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_PROPAGATION, .flag = f                              \
	}
#define REC_SET(n, a)                                                                              \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_RECURSIVE, .attr_set = a                            \
	}
#define REC_CLEAR(n, a)                                                                            \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_RECURSIVE, .clear = true, .attr_clr = a             \
	}
#define REC_ATIME(n, a)                                                                            \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_RECURSIVE, .attr_set = a, .attr_clr = ATIME         \
	}
#define IDMAP(n, rec)                                                                              \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_IDMAP, .flag = rec                                  \
	}
#define REFUSED(n, w)                                                                              \
	{                                                                                          \
		.name = n, .kind = HR_MOUNTOPT_REFUSED, .why = w                                   \
	}

/*
 * Sorted by name (strcmp): looked up with bsearch, listed by `features`. The atime options
 * form one field of mount_setattr(2) (MOUNT_ATTR__ATIME), so each of them clears the whole
 * field and sets one value; the "clear" spellings (atime, nostrictatime) select the kernel's
 * default, relatime, and norelatime selects strictatime, which is what it asks for.
 * silent/loud and iversion/noiversion are accepted for compatibility: the first pair only
 * changes kernel log verbosity and i_version is always on for the filesystems that have it.
 */
static const struct hr_mountopt options[] = {
    CLEAR("async", MS_SYNCHRONOUS, 0),
    ATIME_CLEAR("atime", MS_NOATIME, MOUNT_ATTR_RELATIME),
    {.name = "bind", .kind = HR_MOUNTOPT_BIND, .flag = MS_BIND},
    FLAG("defaults", 0, 0),
    CLEAR("dev", MS_NODEV, MOUNT_ATTR_NODEV),
    CLEAR("diratime", MS_NODIRATIME, MOUNT_ATTR_NODIRATIME),
    SB("dirsync", MS_DIRSYNC, "dirsync"),
    CLEAR("exec", MS_NOEXEC, MOUNT_ATTR_NOEXEC),
    IDMAP("idmap", 0),
    FLAG("iversion", MS_I_VERSION, 0),
    SB("lazytime", MS_LAZYTIME, "lazytime"),
    CLEAR("loud", MS_SILENT, 0),
    SB("mand", MS_MANDLOCK, "mand"),
    ATIME_SET("noatime", MS_NOATIME, MOUNT_ATTR_NOATIME),
    FLAG("nodev", MS_NODEV, MOUNT_ATTR_NODEV),
    FLAG("nodiratime", MS_NODIRATIME, MOUNT_ATTR_NODIRATIME),
    FLAG("noexec", MS_NOEXEC, MOUNT_ATTR_NOEXEC),
    CLEAR("noiversion", MS_I_VERSION, 0),
    CLEAR("nolazytime", MS_LAZYTIME, 0),
    CLEAR("nomand", MS_MANDLOCK, 0),
    ATIME_CLEAR("norelatime", MS_RELATIME, MOUNT_ATTR_STRICTATIME),
    ATIME_CLEAR("nostrictatime", MS_STRICTATIME, MOUNT_ATTR_RELATIME),
    FLAG("nosuid", MS_NOSUID, MOUNT_ATTR_NOSUID),
    FLAG("nosymfollow", MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW),
    {.name = "notmpcopyup", .kind = HR_MOUNTOPT_TMPCOPYUP, .clear = true},
    PROPAGATION("private", MS_PRIVATE),
    REC_ATIME("ratime", MOUNT_ATTR_RELATIME),
    {.name = "rbind", .kind = HR_MOUNTOPT_BIND, .flag = MS_BIND | MS_REC},
    REC_CLEAR("rdev", MOUNT_ATTR_NODEV),
    REC_CLEAR("rdiratime", MOUNT_ATTR_NODIRATIME),
    ATIME_SET("relatime", MS_RELATIME, MOUNT_ATTR_RELATIME),
    FLAG("remount", MS_REMOUNT, 0),
    REC_CLEAR("rexec", MOUNT_ATTR_NOEXEC),
    IDMAP("ridmap", MS_REC),
    REC_ATIME("rnoatime", MOUNT_ATTR_NOATIME),
    REC_SET("rnodev", MOUNT_ATTR_NODEV),
    REC_SET("rnodiratime", MOUNT_ATTR_NODIRATIME),
    REC_SET("rnoexec", MOUNT_ATTR_NOEXEC),
    REC_ATIME("rnorelatime", MOUNT_ATTR_STRICTATIME),
    REC_ATIME("rnostrictatime", MOUNT_ATTR_RELATIME),
    REC_SET("rnosuid", MOUNT_ATTR_NOSUID),
    REC_SET("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW),
    FLAG("ro", MS_RDONLY, MOUNT_ATTR_RDONLY),
    PROPAGATION("rprivate", MS_PRIVATE | MS_REC),
    REC_ATIME("rrelatime", MOUNT_ATTR_RELATIME),
    REC_SET("rro", MOUNT_ATTR_RDONLY),
    REC_CLEAR("rrw", MOUNT_ATTR_RDONLY),
    PROPAGATION("rshared", MS_SHARED | MS_REC),
    PROPAGATION("rslave", MS_SLAVE | MS_REC),
    REC_ATIME("rstrictatime", MOUNT_ATTR_STRICTATIME),
    REC_CLEAR("rsuid", MOUNT_ATTR_NOSUID),
    REC_CLEAR("rsymfollow", MOUNT_ATTR_NOSYMFOLLOW),
    PROPAGATION("runbindable", MS_UNBINDABLE | MS_REC),
    CLEAR("rw", MS_RDONLY, MOUNT_ATTR_RDONLY),
    PROPAGATION("shared", MS_SHARED),
    FLAG("silent", MS_SILENT, 0),
    PROPAGATION("slave", MS_SLAVE),
    ATIME_SET("strictatime", MS_STRICTATIME, MOUNT_ATTR_STRICTATIME),
    CLEAR("suid", MS_NOSUID, MOUNT_ATTR_NOSUID),
    CLEAR("symfollow", MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW),
    SB("sync", MS_SYNCHRONOUS, "sync"),
    {.name = "tmpcopyup", .kind = HR_MOUNTOPT_TMPCOPYUP},
    PROPAGATION("unbindable", MS_UNBINDABLE),
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

size_t hr_mount_option_count(void)
{
	return N_OPTIONS;
}

const char *hr_mount_option_name(size_t i)
{
	return i < N_OPTIONS ? options[i].name : NULL;
}

const struct hr_mountopt *hr_mount_option_at(size_t i)
{
	return i < N_OPTIONS ? &options[i] : NULL;
}

static int compare_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct hr_mountopt *)elem)->name);
}

const struct hr_mountopt *hr_mountopt_lookup(const char *name)
{
	return bsearch(name, options, N_OPTIONS, sizeof(options[0]), compare_name);
}

/* Later options win: a set undoes an earlier clear of the same bits and the other way round. */
static void merge_attr(uint64_t *set, uint64_t *clr, const struct hr_mountopt *o)
{
	*set = (*set & ~o->attr_clr) | o->attr_set;
	*clr = (*clr & ~o->attr_set) | o->attr_clr;
}

static void apply_option(struct hr_mountopts *out, const struct hr_mountopt *o)
{
	switch (o->kind) {
	case HR_MOUNTOPT_FLAG:
		if (o->clear) {
			out->flags &= ~o->flag;
			out->cleared |= o->flag;
		} else {
			out->flags |= o->flag;
			out->cleared &= ~o->flag;
		}
		merge_attr(&out->attr_set, &out->attr_clr, o);
		break;
	case HR_MOUNTOPT_PROPAGATION:
		out->propagation = o->flag;
		break;
	case HR_MOUNTOPT_BIND:
		out->flags |= o->flag;
		out->bind = true;
		out->recursive = out->recursive || (o->flag & MS_REC) != 0;
		break;
	case HR_MOUNTOPT_RECURSIVE:
		merge_attr(&out->rec_attr_set, &out->rec_attr_clr, o);
		break;
	case HR_MOUNTOPT_TMPCOPYUP:
		out->tmpcopyup = !o->clear;
		break;
	case HR_MOUNTOPT_IDMAP:
		out->idmap = true;
		out->idmap_recursive = (o->flag & MS_REC) != 0;
		break;
	case HR_MOUNTOPT_REFUSED:
		break;
	}
}

static void add_param(struct hr_mountopts *out, struct hr_arena *arena, const char *opt)
{
	struct hr_fsparam *p = &out->params[out->n_params++];
	const char *eq = strchr(opt, '=');

	if (eq == NULL) {
		p->key = opt;
		p->value = NULL;
	} else {
		p->key = hr_arena_strndup(arena, opt, (size_t)(eq - opt));
		p->value = eq + 1;
	}
}

static size_t sb_option_count(void)
{
	size_t count = 0;

	for (size_t i = 0; i < N_OPTIONS; i++)
		count += options[i].sb_flag != NULL;
	return count;
}

static void add_sb_flags(struct hr_mountopts *out)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct hr_mountopt *o = &options[i];

		if (o->sb_flag != NULL && (out->flags & o->flag) != 0) {
			out->params[out->n_params].key = o->sb_flag;
			out->params[out->n_params++].value = NULL;
		}
	}
}

static void append_data(char **data, size_t *len, struct hr_arena *arena, const char *opt,
			size_t cap)
{
	size_t n = strlen(opt);

	if (*data == NULL)
		*data = hr_arena_alloc(arena, cap);
	if (*len > 0)
		(*data)[(*len)++] = ',';
	memcpy(*data + *len, opt, n);
	*len += n;
}

int hr_mountopts_parse(char *const *options_in, size_t n, struct hr_arena *arena,
		       struct hr_mountopts *out, struct hr_err *err)
{
	size_t cap = 1, len = 0;
	char *data = NULL;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		cap += strlen(options_in[i]) + 1;
	/* data options plus at most one entry per superblock flag (not one per known option:
	 * a thousand mounts would zero a megabyte for nothing) */
	out->params = hr_arena_array(arena, n + sb_option_count(), sizeof(*out->params));
	for (size_t i = 0; i < n; i++) {
		const char *opt = options_in[i];
		const struct hr_mountopt *o = hr_mountopt_lookup(opt);

		if (o != NULL && o->kind == HR_MOUNTOPT_REFUSED)
			return hr_err_set(err, EINVAL, "mount option %s: %s", opt, o->why);
		if (o != NULL) {
			apply_option(out, o);
			continue;
		}
		if (opt[0] == '\0' || strncmp(opt, "x-", 2) == 0)
			continue;
		if (opt[0] == '=')
			return hr_err_set(err, EINVAL, "mount option %zu: empty option name", i);
		if (strncmp(opt, "idmap=", 6) == 0 || strncmp(opt, "ridmap=", 7) == 0)
			return hr_err_set(
			    err, EINVAL,
			    "mount option %.64s: idmap takes no value: the mapping goes "
			    "in the mount's uidMappings and gidMappings",
			    opt);
		append_data(&data, &len, arena, opt, cap);
		add_param(out, arena, opt);
	}
	add_sb_flags(out);
	out->data = data;
	return 0;
}
